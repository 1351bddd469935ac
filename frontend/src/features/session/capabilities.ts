import type { Me } from '../../api/types';

/**
 * What the signed-in account may do, as the server says in /me (app/<domain>/capabilities.py):
 * screens and buttons follow these, never role names. Only a type: the list costs the first
 * download nothing.
 */
export type Capability =
  | 'manage_invites'
  | 'approve_members'
  | 'see_rosters'
  | 'list_accounts'
  | 'administer_units'
  | 'manage_roles'
  | 'read_audit'
  | 'reset_passwords'
  | 'manage_accounts'
  | 'plan_shifts'
  | 'take_shifts'
  | 'send_alert'
  | 'send_urgent_alert'
  | 'report_hazard'
  | 'triage_reports'
  | 'handle_reports'
  | 'manage_departments';
export type Capabilities = Record<Capability, boolean>;

/** Granted only where the server says `true`: missing ones (an older cached /me, a newer server) are not. */
export function capabilitiesOf(me: Me | null): Capabilities {
  const given: Record<string, unknown> = me?.capabilities ?? {};
  return new Proxy({} as Capabilities, { get: (_, name) => typeof name === 'string' && given[name] === true });
}
