"""Alert rules: who may send to whom, the audience, delivery through the inbox, answers, the tally.

``send_alert`` only writes the alert and returns: the recipients' inbox rows and the pushes
are made by the ``deliver_alert`` job, so a 10,000-person alert answers as fast as a
10-person one.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, case, false, func, insert, literal, or_, select, update

from app.accounts.models import RoleGrant, User, UserStatus
from app.alerts.models import (
    COORDINATOR_MAX_SEVERITY,
    SEVERITY_ORDER,
    Alert,
    AlertRecipient,
    AlertStatus,
    Answer,
    AudienceKind,
    Severity,
)
from app.attendance.services import on_duty_people, on_shift_today_in
from app.audit.services import record
from app.core import clock
from app.core.access import OVERSIGHT_ROLES, Principal, Role, in_subtrees
from app.core.jobs import enqueue
from app.errors import Forbidden, NotFound, RuleViolation
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.notifications.services import live_subscription, notify, notify_in_their_language
from app.notifications.texts import text
from app.orgs.models import Area, MembershipStatus, Team, TeamMembership, Unit

# The audience ---------------------------------------------------------------------------------


@dataclass
class Audience:
    """A resolved audience: where it lies (``unit``) and the user ids it selects."""

    kind: AudienceKind
    unit: Unit
    spec: dict
    user_ids: Select
    teams: list[Team]


def _active(stmt: Select) -> Select:
    return stmt.join(User, User.id == stmt.selected_columns[0]).where(User.status == UserStatus.ACTIVE)


def _in_scope_or_404(model, row_id: int, principal: Principal):
    row = db.session.get(model, row_id)
    if row is None or not principal.can_see(row.scope_unit):
        raise NotFound("not_found", f"{model.__name__.lower()} not found")
    return row


def resolve_audience(spec: dict, sender: Principal) -> Audience:
    """Load the audience's rows (404 outside the sender's sight) and the query of its people."""
    kind = AudienceKind(spec["kind"])
    if kind == AudienceKind.TEAMS:
        teams = [_in_scope_or_404(Team, team_id, sender) for team_id in spec["team_ids"]]
        members = select(TeamMembership.user_id).where(
            TeamMembership.team_id.in_([team.id for team in teams]),
            TeamMembership.status == MembershipStatus.ACTIVE,
        )
        return Audience(kind, _common_unit(teams), spec, _active(members), teams)
    if kind == AudienceKind.AREA_TODAY:
        area = _in_scope_or_404(Area, spec["area_id"], sender)
        return Audience(kind, area.unit, spec, _active(on_shift_today_in(area.id)), [])
    if kind == AudienceKind.AREA:
        area = _in_scope_or_404(Area, spec["area_id"], sender)
        members = (
            select(RoleGrant.user_id)
            .join(Unit, RoleGrant.unit_id == Unit.id)
            .where(RoleGrant.role == Role.MEMBER, Unit.path.startswith(area.unit.path))
        )
        return Audience(kind, area.unit, spec, _active(members), [])
    unit = _in_scope_or_404(Unit, spec["unit_id"], sender)
    if kind == AudienceKind.ON_DUTY:
        return Audience(kind, unit, spec, _active(on_duty_people(unit)), [])
    grants = select(RoleGrant.user_id).join(Unit, RoleGrant.unit_id == Unit.id).where(Unit.path.startswith(unit.path))
    if kind == AudienceKind.ROLES:
        grants = grants.where(RoleGrant.role.in_([Role(role) for role in spec["roles"]]))
    return Audience(kind, unit, spec, _active(grants), [])


def _common_unit(teams: list[Team]) -> Unit:
    """The nearest unit above every team: where an alert to these teams belongs."""
    paths = [team.unit.path for team in teams]
    shortest = min(paths, key=len)
    ids = [part for part in shortest.strip("/").split("/")]
    while ids and not all(path.startswith("/" + "/".join(ids) + "/") for path in paths):
        ids.pop()
    return db.session.get(Unit, int(ids[-1])) if ids else teams[0].unit


def check_send_rights(audience: Audience, severity: Severity, sender: Principal) -> None:
    """Officers and admins: any severity to anyone in their subtree. Coordinators: their own
    teams, up to warning. Members: nothing. (Outside sight was already a 404.)"""
    if sender.has_role_over(audience.unit, OVERSIGHT_ROLES):
        return
    coordinates_all = audience.kind == AudienceKind.TEAMS and all(
        sender.has_role_over(team.unit, (Role.COORDINATOR,)) for team in audience.teams
    )
    if not coordinates_all:
        raise Forbidden("alert_audience_forbidden", "you may send alerts only to the teams you coordinate")
    if SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(COORDINATOR_MAX_SEVERITY):
        raise Forbidden("alert_severity_forbidden", "coordinators send alerts up to 'warning'")


def count_people(audience: Audience) -> tuple[int, int]:
    """How many the alert would reach, and how many of them have a device that takes pushes."""
    people = select(User.id).where(User.id.in_(audience.user_ids)).subquery()
    total, with_push = db.session.execute(
        select(
            func.count(), func.coalesce(func.sum(case((live_subscription(people.c.id), 1), else_=0)), 0)
        ).select_from(people)
    ).one()
    return total, with_push


# Sending ---------------------------------------------------------------------------------------


def send_alert(sender: Principal, data: dict) -> Alert:
    audience = resolve_audience(data["audience"], sender)
    check_send_rights(audience, data["severity"], sender)
    total, _ = count_people(audience)
    if total == 0:
        raise RuleViolation("alert_audience_empty", "nobody is in this audience", field="audience")
    area = None
    if data.get("area_id") is not None:
        area = _in_scope_or_404(Area, data["area_id"], sender)
    alert = Alert(
        unit=audience.unit,
        sender_id=sender.id,
        severity=data["severity"],
        category=data["category"],
        title=data["title"],
        body=data["body"],
        lon=data.get("lon"),
        lat=data.get("lat"),
        radius_m=data.get("radius_m"),
        area=area,
        audience=audience.spec,
        is_test=data["is_test"],
        expires_at=data["expires_at"],
        recipients_total=total,
    )
    db.session.add(alert)
    db.session.flush()
    record(
        "alert_sent",
        actor_id=sender.id,
        subject_type="alert",
        subject_id=alert.id,
        unit_id=alert.unit_id,
        severity=alert.severity.value,
        recipients=total,
    )
    from app.alerts.jobs import deliver_alert

    enqueue(deliver_alert, alert.id)
    return alert


def _inbox_payload(alert: Alert) -> dict:
    return {
        "title": alert.title,
        "body": alert.body,
        "severity": alert.severity.value,
        "url": f"/alerts/{alert.id}",
        "alert_id": alert.id,
    }


def deliver(alert: Alert) -> int:
    """Write the recipients' inbox rows and the recipient list (idempotent: once per alert)."""
    if alert.delivered_at is not None or alert.status != AlertStatus.ACTIVE:
        return 0
    sender = _principal_of(alert.sender)
    audience = resolve_audience(alert.audience, sender)
    notify(audience.user_ids, NotificationKind.ALERT, _inbox_payload(alert), subject_type="alert", subject_id=alert.id)
    team_of = (
        select(func.min(TeamMembership.team_id))
        .where(TeamMembership.user_id == Notification.user_id, TeamMembership.status == MembershipStatus.ACTIVE)
        .scalar_subquery()
    )
    delivered = len(
        db.session.execute(
            insert(AlertRecipient)
            .from_select(
                ["alert_id", "user_id", "notification_id", "team_id"],
                select(literal(alert.id), Notification.user_id, Notification.id, team_of).where(
                    Notification.subject_type == "alert",
                    Notification.subject_id == alert.id,
                    Notification.kind == NotificationKind.ALERT,
                ),
            )
            .returning(AlertRecipient.id)
        ).all()
    )
    alert.delivered_at = clock.now()
    alert.recipients_total = delivered
    db.session.flush()
    return delivered


def _principal_of(user: User) -> Principal:
    from app.accounts.services import principal_of

    return principal_of(user)


def _recipients_of(alert: Alert, *conditions) -> Select:
    return select(AlertRecipient.user_id).where(AlertRecipient.alert_id == alert.id, *conditions)


def _notify_worded(alert: Alert, recipients: Select, kind: NotificationKind, wording: str) -> list[int]:
    """Tell recipients about the alert with the server's own words ("Cancelled: ...") in each
    one's language; the sender's title inside them stays as written."""
    return notify_in_their_language(
        recipients,
        kind,
        lambda locale: _inbox_payload(alert) | {"title": text(wording, locale, title=alert.title)},
        subject_type="alert",
        subject_id=alert.id,
    )


def cancel_alert(alert: Alert, by: Principal) -> Alert:
    if alert.status == AlertStatus.CANCELLED:
        raise RuleViolation("alert_cancelled", "the alert was cancelled already")
    alert.status = AlertStatus.CANCELLED
    alert.cancelled_at = clock.now()
    db.session.flush()
    _notify_worded(alert, _recipients_of(alert), NotificationKind.ALERT_CANCELLED, "alert_cancelled")
    record("alert_cancelled", actor_id=by.id, subject_type="alert", subject_id=alert.id, unit_id=alert.unit_id)
    return alert


def update_alert(alert: Alert, by: Principal, changes: dict) -> Alert:
    if not alert.is_open:
        raise RuleViolation("alert_closed", "a cancelled or expired alert cannot be updated")
    if "severity" in changes:
        check_send_rights(resolve_audience(alert.audience, by), changes["severity"], by)
    for key, value in changes.items():
        setattr(alert, key, value)
    alert.version += 1
    alert.updated_at = clock.now()
    db.session.flush()
    _notify_worded(alert, _recipients_of(alert), NotificationKind.ALERT_UPDATED, "alert_updated")
    record(
        "alert_updated",
        actor_id=by.id,
        subject_type="alert",
        subject_id=alert.id,
        unit_id=alert.unit_id,
        fields=sorted(changes),
    )
    return alert


def remind_unanswered(alert: Alert) -> int:
    """Once: a reminder to every recipient of an urgent alert who has not answered."""
    now = clock.now()
    claimed = db.session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed or not alert.is_open:
        return 0
    waiting = _recipients_of(alert, AlertRecipient.answer.is_(None))
    db.session.execute(
        update(AlertRecipient)
        .where(AlertRecipient.alert_id == alert.id, AlertRecipient.answer.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return len(_notify_worded(alert, waiting, NotificationKind.ALERT_REMINDER, "alert_reminder"))


def alerts_due_for_reminder() -> Select:
    delay = timedelta(seconds=current_app.config["ALERT_REMINDER_DELAY_SECONDS"])
    now = clock.now()
    return select(Alert).where(
        Alert.severity == Severity.URGENT,
        Alert.status == AlertStatus.ACTIVE,
        Alert.reminded_at.is_(None),
        Alert.delivered_at.is_not(None),
        Alert.created_at <= now - delay,
        Alert.expires_at > now,
    )


# Reading ----------------------------------------------------------------------------------------


def alerts_visible_to(principal: Principal, box: str, unanswered: bool = False) -> Select:
    """``received``: alerts sent to me (``unanswered``: those still open that I have not answered);
    ``sent``: those I sent and, for officers, admins and coordinators, those sent within their scope."""
    if box == "received":
        mine = select(AlertRecipient.alert_id).where(AlertRecipient.user_id == principal.id)
        if not unanswered:
            return select(Alert).where(Alert.id.in_(mine))
        return select(Alert).where(
            Alert.id.in_(mine.where(AlertRecipient.answer.is_(None))),
            Alert.status == AlertStatus.ACTIVE,
            Alert.expires_at > clock.now(),
        )
    overseen = principal.unit_paths(OVERSIGHT_ROLES + (Role.COORDINATOR,))
    return (
        select(Alert)
        .join(Unit, Alert.unit_id == Unit.id)
        .where(or_(Alert.sender_id == principal.id, in_subtrees(Unit.path, overseen) if overseen else false()))
    )


def recipient_of(alert: Alert, principal: Principal) -> AlertRecipient | None:
    return db.session.scalar(
        select(AlertRecipient).where(AlertRecipient.alert_id == alert.id, AlertRecipient.user_id == principal.id)
    )


def alert_for(principal: Principal, alert_id: int) -> Alert:
    """An alert the principal received, sent, or oversees; 404 otherwise."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("not_found", "alert not found")
    if alert.can_read_tally(principal) or recipient_of(alert, principal) is not None:
        return alert
    raise NotFound("not_found", "alert not found")


# Answers ------------------------------------------------------------------------------------------


def answer_token(alert_id: int, user_id: int) -> str:
    """The token a push carries to answer without a session: valid for one recipient and one
    alert, and dead when the alert is cancelled or expires (checked where it is used)."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"alert-answer:{alert_id}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{user_id}.{mac}"


def recipient_by_token(alert: Alert, token: str) -> AlertRecipient:
    user_id, _, _ = token.partition(".")
    recipient = None
    if user_id.isdigit() and hmac.compare_digest(answer_token(alert.id, int(user_id)), token):
        recipient = db.session.scalar(
            select(AlertRecipient).where(AlertRecipient.alert_id == alert.id, AlertRecipient.user_id == int(user_id))
        )
    if recipient is None:
        raise NotFound("alert_token_invalid", "this answer link is not valid")
    return recipient


def record_answer(recipient: AlertRecipient, answer: str) -> AlertRecipient:
    """``seen`` when the alert is opened; ``on_my_way`` or ``cannot_come`` as the answer."""
    alert = recipient.alert
    if not alert.is_open:
        raise RuleViolation("alert_closed", "the alert was cancelled or has expired")
    now = clock.now()
    if recipient.seen_at is None:
        recipient.seen_at = now
    if answer != "seen" and recipient.answer != Answer(answer):
        recipient.answer = Answer(answer)
        recipient.answered_at = now
    db.session.flush()
    return recipient


# The tally -----------------------------------------------------------------------------------------


def tally(alert: Alert) -> dict:
    rows = db.session.execute(
        select(AlertRecipient.team_id, AlertRecipient.answer, AlertRecipient.seen_at.is_not(None), func.count())
        .where(AlertRecipient.alert_id == alert.id)
        .group_by(AlertRecipient.team_id, AlertRecipient.answer, AlertRecipient.seen_at.is_not(None))
    ).all()
    totals = {"on_my_way": 0, "cannot_come": 0, "seen": 0, "unseen": 0}
    teams: dict[int | None, dict] = {}
    for team_id, answer, seen, count in rows:
        bucket = answer.value if answer else ("seen" if seen else "unseen")
        totals[bucket] += count
        per_team = teams.setdefault(team_id, {"on_my_way": 0, "cannot_come": 0, "seen": 0, "unseen": 0})
        per_team[bucket] += count
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_([t for t in teams if t]))).all())
    push = dict(
        db.session.execute(
            select(Notification.push_status, func.count())
            .join(AlertRecipient, AlertRecipient.notification_id == Notification.id)
            .where(AlertRecipient.alert_id == alert.id)
            .group_by(Notification.push_status)
        ).all()
    )
    return {
        "total": alert.recipients_total,
        "delivered": alert.delivered_at is not None,
        "answers": totals,
        "push": {status.value: count for status, count in push.items()},
        "teams": [
            {"team": {"id": team_id, "name": names[team_id]} if team_id else None, "answers": counts}
            for team_id, counts in sorted(teams.items(), key=lambda item: (item[0] is None, names.get(item[0], "")))
        ],
    }


def recipients_list(alert: Alert, answer: str | None) -> Select:
    stmt = select(AlertRecipient).where(AlertRecipient.alert_id == alert.id)
    if answer == "none":
        stmt = stmt.where(AlertRecipient.answer.is_(None))
    elif answer:
        stmt = stmt.where(AlertRecipient.answer == Answer(answer))
    return stmt.order_by(
        case((AlertRecipient.answer.is_(None), 0), else_=1), AlertRecipient.answered_at, AlertRecipient.id
    )


# The photo -------------------------------------------------------------------------------------------


def set_photo(alert: Alert, data: bytes, by: Principal) -> Alert:
    """Give the alert its photo (run through the photo pipeline), replacing any earlier one."""
    from app.core.photos import delete_photos, store_photo

    previous = alert.stored_photo
    alert.stored_photo = store_photo(data, by.id)
    db.session.flush()
    if previous is not None:
        delete_photos([previous])
    return alert


def remove_photo(alert: Alert) -> Alert:
    from app.core.photos import delete_photos

    previous = alert.stored_photo
    if previous is not None:
        alert.stored_photo = None
        db.session.flush()
        delete_photos([previous])
    return alert
