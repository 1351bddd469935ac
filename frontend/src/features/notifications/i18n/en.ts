import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'inbox.title': 'Messages',
  'inbox.all': 'All',
  'inbox.unread': 'Unread',
  'inbox.readAll': 'Mark all as read',
  'inbox.empty': 'No messages yet.',
  'inbox.emptyUnread': 'No unread messages.',
  'inbox.unreadMark': 'Unread',
  'inbox.saved': 'No signal now: these are the messages you saw last time.',
  'inbox.markRead': 'Mark as read',
  'inbox.truth': 'Every alert and notice is here, even when a push never reached the phone.',

  'kind.alert': 'Alert',
  'kind.alert_updated': 'Alert updated',
  'kind.alert_cancelled': 'Alert cancelled',
  'kind.alert_reminder': 'Alert: please answer',
  'kind.shifts_open': 'Shifts open',
  'kind.shift_reminder': 'Shift reminder',
  'kind.shift_changed': 'Shift changed',
  'kind.shift_cancelled': 'Shift cancelled',
  'kind.waitlist_promoted': 'Off the waitlist',
  'kind.drop_requested': 'Drop request',
  'kind.swap_taken': 'Swap to approve',
  'kind.swap_done': 'Swap done',
  'kind.test': 'Test',

  'push.title': 'Alert notifications',
  'push.why': 'When this is on, urgent alerts make the phone ring even when the app is closed.',
  'push.enable': 'Turn on notifications',
  'push.enabling': 'Turning on…',
  'push.on': 'Notifications are on for this phone.',
  'push.disable': 'Turn off notifications on this phone',
  'push.off': 'Notifications are off for this phone.',
  'push.unsupported':
    'This browser cannot receive push notifications (true of many phone browsers and of WeChat). Nothing is lost: new alerts and notices appear under the bell at the top, and you see them when you open the app.',
  'push.denied':
    'Notifications were blocked. To turn them on, allow "Notifications" in the browser\'s site settings. Without them nothing is lost: every message is under the bell.',
  'push.noService':
    'This phone cannot reach its push service right now (common in mainland China). Nothing is lost: alerts and notices are in your messages when you open the app.',
  'push.test': 'Send me a test notification',
  'push.testSent': 'Test sent. If the phone does not alert you within a minute, it cannot receive pushes here; the test is in your messages anyway.',
  'push.testInboxOnly': 'Notifications are off on this phone; the test is in your messages.',
  'push.openInbox': 'Open messages',
  'push.deviceOn': 'Notifications on',
  'push.deviceFailing': 'Recent pushes failed',
  'push.stopDevice': 'Stop notifications to this device',
  'push.confirmStop': 'Yes, stop',
  'push.stoppedDevice': 'That device no longer gets notifications.',
  'push.bestEffort': 'Pushes may not arrive; your messages in the app are what counts.',

  'pushCard.title': 'Get alerted',
  'pushCard.body': 'When someone needs help or something suspicious is seen, the community police send an alert. With notifications on, your phone rings.',
  'pushCard.later': 'Not now',
  'pushCard.ok': 'OK',
  'pushCard.done': 'Done. Your phone will alert you.',
};
export default en;
