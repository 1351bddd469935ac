import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'teams.title': 'Team rosters',
  'teams.members': { one: '1 member', other: '{n} members' },
  'roster.title': 'Roster',
  'roster.leader': 'Leader',
  'roster.makeLeader': 'Make leader',
  'roster.removeLeader': 'Remove as leader',
  'roster.reset': 'Password reset link',
  'roster.resetLink': 'One-time password reset link, valid until {time}. Send it only to this person:',
  'roster.deactivate': 'Deactivate account',
  'roster.reactivate': 'Reactivate account',
  'roster.confirmDeactivate': 'Confirm deactivate',
  'roster.joined': 'Joined {date}',
  'roster.empty': 'This team has no members yet.',
  'roster.leaderOn': '{name} is now a leader',
  'roster.leaderOff': '{name} is no longer a leader',
};
export default en;
