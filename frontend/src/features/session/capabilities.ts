import type { Me } from '../../api/types';

/** What the signed-in account may do, as the server says in /me; screens follow these, never role names. */
export interface Capabilities {
  manage_invites: boolean;
  approve_members: boolean;
  see_rosters: boolean;
  administer_units: boolean;
  manage_roles: boolean;
  read_audit: boolean;
  reset_passwords: boolean;
  manage_accounts: boolean;
}
export type Capability = keyof Capabilities;

export function capabilitiesOf(me: Me | null): Capabilities {
  const raw: unknown = me && 'capabilities' in me ? me.capabilities : null;
  const has = (name: Capability) => typeof raw === 'object' && raw !== null && Reflect.get(raw, name) === true;
  return {
    manage_invites: has('manage_invites'),
    approve_members: has('approve_members'),
    see_rosters: has('see_rosters'),
    administer_units: has('administer_units'),
    manage_roles: has('manage_roles'),
    read_audit: has('read_audit'),
    reset_passwords: has('reset_passwords'),
    manage_accounts: has('manage_accounts'),
  };
}
