"""Recording and reading the audit log.

Services call ``record(...)`` in the same transaction as the change it describes, so an
event exists exactly when its change does. A failed sign-in changes nothing, so its view
commits the event on its own.
"""

import json
import logging

from flask import has_request_context, request
from sqlalchemy import Select, false, or_, select

from app.audit.models import AuditEvent
from app.core import clock
from app.core.access import OVERSIGHT_ROLES, Principal, in_subtrees
from app.extensions import db
from app.orgs.models import Unit

# Events that also go to the security log, one JSON object per line, for a SIEM or grep.
SECURITY_ACTIONS = {
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "session_ended",
    "sessions_ended",
    "password_changed",
    "password_change_failed",
    "password_reset_issued",
    "password_reset_used",
    "role_granted",
    "role_revoked",
    "account_deactivated",
    "account_reactivated",
}

security_log = logging.getLogger("pingan.security")


def record(
    action: str,
    *,
    actor_id: int | None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    unit_id: int | None = None,
    **data,
) -> AuditEvent:
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        unit_id=unit_id,
        data=data,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    if action in SECURITY_ACTIONS:
        security_log.info(
            json.dumps(
                {
                    "at": event.at.isoformat(),
                    "action": action,
                    "actor_id": actor_id,
                    "subject_type": subject_type,
                    "subject_id": subject_id,
                    "unit_id": unit_id,
                    "ip": event.ip,
                    **data,
                },
                ensure_ascii=False,
                default=str,
            )
        )
    return event


def record_about_user(action: str, user_id: int, *, actor_id: int | None, unit_id: int | None, **data) -> AuditEvent:
    return record(action, actor_id=actor_id, subject_type="user", subject_id=user_id, unit_id=unit_id, **data)


def events_visible_to(principal: Principal) -> Select:
    """Officers and admins read their subtree (the top of a tree also reads events of no unit);
    everyone reads the events they made or that were about them."""
    oversight = principal.unit_paths(OVERSIGHT_ROLES)
    roots_overseen = any(path.count("/") == 2 for path in oversight)
    own = or_(
        AuditEvent.actor_id == principal.id,
        (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == principal.id),
    )
    in_scope = AuditEvent.unit_id.in_(select(Unit.id).where(in_subtrees(Unit.path, oversight)))
    unplaced = AuditEvent.unit_id.is_(None) if roots_overseen else false()
    return select(AuditEvent).where(or_(own, in_scope, unplaced))
