import type { Me } from '../../api/types';

/**
 * What the signed-in account may do, as the server says in /me (app/accounts/capabilities.py):
 * screens and buttons follow these, never role names.
 */
export const CAPABILITIES = [
  'manage_invites',
  'approve_members',
  'see_rosters',
  'list_accounts',
  'administer_units',
  'manage_roles',
  'read_audit',
  'reset_passwords',
  'manage_accounts',
  'plan_shifts',
  'take_shifts',
  'send_alert',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Capabilities = Record<Capability, boolean>;

const NONE: Capabilities = {
  manage_invites: false,
  approve_members: false,
  see_rosters: false,
  list_accounts: false,
  administer_units: false,
  manage_roles: false,
  read_audit: false,
  reset_passwords: false,
  manage_accounts: false,
  plan_shifts: false,
  take_shifts: false,
  send_alert: false,
};

/** Missing capabilities (an older cached /me, a newer server) count as not granted. */
export function capabilitiesOf(me: Me | null): Capabilities {
  if (!me) return NONE;
  const granted = { ...NONE };
  for (const name of CAPABILITIES) granted[name] = me.capabilities?.[name] === true;
  return granted;
}
