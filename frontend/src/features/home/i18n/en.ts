import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'home.hello': 'Hello, {name}',
  'home.roles': 'My roles',
  'home.teams': 'My teams',
  'home.noTeams': 'You are not in a team yet.',
  'home.leader': 'Leader',
  'home.tools': 'Tools',
  'home.lastKnown': 'Offline: these are your last saved account details.',
  'home.roster': 'Roster',
  'home.waiting': { one: '1 person is waiting for approval', other: '{n} people are waiting for approval' },
  'home.waitingAction': 'Review',

  'tile.shifts': 'My shifts',
  'tile.openShifts': 'Find shifts',
  'tile.hours': 'My hours',
  'tile.board': 'Week board',
  'tile.onDuty': 'On duty now',
  'tile.unitHours': 'Hours by member',
  'tile.invites': 'Invite members',
  'tile.inbox': 'Messages',
  'tile.sendAlert': 'Send an alert',
  'tile.sentAlerts': 'Sent alerts',
  'tile.approvals': 'Approve members',
  'tile.teams': 'Team rosters',
  'tile.units': 'Units',
  'tile.adminTeams': 'Teams',
  'tile.areas': 'Patrol areas',
  'tile.audit': 'Activity log',
  'tile.settings': 'Settings',

  'install.title': 'Add to your home screen',
  'install.body': 'Then Ping’an Patrol opens from your home screen like any app, even without a connection.',
  'install.button': 'Add to home screen',
  'install.later': 'Not now',
  'install.inApp': 'This page is open inside an app such as WeChat, which can’t add it to the home screen. Tap “…” at the top right, choose “Open in browser”, then sign in there and add it.',
  'install.ios': 'Tap the Share button at the bottom of the screen, then “Add to Home Screen”.',
  'install.android': 'Open the browser menu (⋮) at the top right, then “Add to Home screen” or “Install app”.',
  'install.other': 'Look for “Add to Home screen” or “Install app” in the browser menu.',
};
export default en;
