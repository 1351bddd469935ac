"""What accounts, invites, rosters and the organisation let a person do somewhere in their scope.

Each capability is true exactly when some object's predicate can be true for the person:
``Invite.can_manage``, ``Team.can_view_roster``, ``User.can_be_managed_by``, ...
"""

from app.core.access import ADMIN_ROLES, MANAGER_ROLES, OVERSIGHT_ROLES, STAFF_ROLES, Principal, capability


@capability("manage_invites")
def manage_invites(principal: Principal) -> bool:
    return principal.has_role(MANAGER_ROLES)


@capability("approve_members")
def approve_members(principal: Principal) -> bool:
    return principal.has_role(MANAGER_ROLES)


@capability("manage_accounts")
def manage_accounts(principal: Principal) -> bool:
    return principal.has_role(MANAGER_ROLES)


@capability("reset_passwords")
def reset_passwords(principal: Principal) -> bool:
    return principal.has_role(MANAGER_ROLES)


@capability("list_accounts")
def list_accounts(principal: Principal) -> bool:
    return principal.has_role(STAFF_ROLES)


@capability("see_rosters")
def see_rosters(principal: Principal) -> bool:
    return principal.has_role(STAFF_ROLES) or any(m.is_leader for m in principal.memberships)


@capability("administer_units")
def administer_units(principal: Principal) -> bool:
    return principal.has_role(ADMIN_ROLES)


@capability("manage_roles")
def manage_roles(principal: Principal) -> bool:
    return principal.has_role(ADMIN_ROLES)


@capability("read_audit")
def read_audit(principal: Principal) -> bool:
    return principal.has_role(OVERSIGHT_ROLES)
