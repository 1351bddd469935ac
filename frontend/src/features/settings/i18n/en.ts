import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'settings.title': 'Settings',
  'settings.account': 'Account',
  'settings.password': 'Change password',
  'settings.currentPassword': 'Current password',
  'settings.newPassword': 'New password',
  'settings.changePassword': 'Change password',
  'settings.passwordChanged': 'Password changed. You have been signed out on your other devices.',
  'devices.title': 'Signed-in devices',
  'devices.this': 'This phone',
  'devices.signedIn': 'Signed in {time}',
  'devices.lastSeen': 'Last used {time}',
  'devices.end': 'Sign out this device',
  'devices.confirmEnd': 'Confirm sign out',
  'devices.endOthers': 'Sign out all other devices',
  'devices.confirmEndOthers': 'Confirm: sign out others',
  'devices.ended': 'That device is signed out.',
  'devices.endedOthers': 'All other devices are signed out.',
  'devices.unknown': 'Unknown device',
  'devices.none': 'No other device is signed in.',
};
export default en;
