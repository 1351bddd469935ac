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
  'send_urgent_alert',
  'report_hazard',
  'triage_reports',
  'handle_reports',
  'manage_departments',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Capabilities = Record<Capability, boolean>;

// Built from the list (not spelled out again): the list is in the first download.
const NONE = Object.fromEntries(CAPABILITIES.map((name) => [name, false])) as Capabilities;

/** Missing capabilities (an older cached /me, a newer server) count as not granted. */
export function capabilitiesOf(me: Me | null): Capabilities {
  if (!me) return NONE;
  const granted = { ...NONE };
  for (const name of CAPABILITIES) granted[name] = me.capabilities?.[name] === true;
  return granted;
}
