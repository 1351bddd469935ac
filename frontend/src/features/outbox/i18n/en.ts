import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'outbox.title': 'Waiting to send',
  'outbox.intro': 'What you do without signal is kept on this phone and sent once, by itself, when there is signal.',
  'outbox.empty': 'Everything has been sent.',
  'outbox.alertAnswer': 'Answer to "{title}": {answer}',
  'outbox.alertPhoto': 'Photo of the alert "{title}"',
  'outbox.checkIn': 'Check-in: {shift}',
  'outbox.checkOut': 'Check-out: {shift}',
  'outbox.report': 'Hazard report: {category}',
  'outbox.reportPhoto': 'Photo {n} of {of} for the report “{category}”',
  'outbox.reportResolve': 'Work done: {category}',
  'outbox.created': 'Noted {time}',
  'outbox.attempts': { one: '{n} attempt', other: '{n} attempts' },
  'outbox.network': 'Waiting for signal',
  'outbox.server': 'Server busy; it will try again',
  'outbox.rate': 'It will try again shortly',
  'outbox.signin': 'Waiting for you to sign in',
  'outbox.queued': 'Sending',
  'outbox.failed': 'Not sent: {reason}',
  'outbox.sendNow': 'Send now',
  'outbox.retry': 'Try again',
  'outbox.discard': 'Delete',
  'outbox.confirmDiscard': 'Yes, delete',
  'outbox.unavailable': 'This browser cannot keep unsent items on the phone (private mode?), so what you do without signal cannot be kept.',
};
export default en;
