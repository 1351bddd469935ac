"""Taking and leaving places: eligibility, the rules, the capacity claim, the waitlist and swaps.

Every place is taken with ``core.services.claim_one`` (a conditional UPDATE on the shift's
``taken`` counter), so 50 people tapping the last place at once give one success and 49
``shift_full`` answers, on SQLite and PostgreSQL alike.
"""

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, exists, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import RoleGrant, User, UserStatus
from app.accounts.services import managers_over
from app.audit.services import record
from app.core import clock
from app.core.access import Principal, Role
from app.core.services import claim_one
from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language
from app.notifications.texts import format_when, text
from app.orgs.models import MembershipStatus, Team, TeamMembership, Unit
from app.scheduling.messages import shift_payload
from app.scheduling.models import (
    Shift,
    ShiftSignup,
    ShiftStatus,
    SignupStatus,
    SwapOffer,
    SwapStatus,
    WaitlistEntry,
)
from app.scheduling.rules import Rules, local_date, rules_for, week_start, zone

# Who may patrol a shift ---------------------------------------------------------------------------------


def eligible_people(shift: Shift) -> Select:
    """User ids who may take this shift: the team's active members, or for a unit's shift the
    members of that unit and below; active accounts only."""
    if shift.team_id is not None:
        people = select(TeamMembership.user_id).where(
            TeamMembership.team_id == shift.team_id, TeamMembership.status == MembershipStatus.ACTIVE
        )
    else:
        people = (
            select(RoleGrant.user_id)
            .join(Unit, RoleGrant.unit_id == Unit.id)
            .where(RoleGrant.role == Role.MEMBER, Unit.path.startswith(shift.unit.path))
        )
    return select(User.id).where(User.id.in_(people), User.status == UserStatus.ACTIVE)


def is_eligible(shift: Shift, user_id: int) -> bool:
    return db.session.scalar(eligible_people(shift).where(User.id == user_id)) is not None


def leads_for(shift: Shift, user_id: int) -> bool:
    """Does the person lead the shift's team (or, for a unit's shift, a team of that unit)?"""
    stmt = select(TeamMembership.id).where(
        TeamMembership.user_id == user_id,
        TeamMembership.is_leader.is_(True),
        TeamMembership.status == MembershipStatus.ACTIVE,
    )
    if shift.team_id is not None:
        stmt = stmt.where(TeamMembership.team_id == shift.team_id)
    else:
        stmt = (
            stmt.join(Team, TeamMembership.team_id == Team.id)
            .join(Unit, Team.unit_id == Unit.id)
            .where(Unit.path.startswith(shift.unit.path))
        )
    return db.session.scalar(stmt.limit(1)) is not None


def holding(user_id: int):
    return and_(ShiftSignup.user_id == user_id, ShiftSignup.status != SignupStatus.DROPPED)


def check_rules(shift: Shift, user_id: int, rules: Rules, *, ignoring_shift: int | None = None) -> None:
    """Each refusal names its rule: signup_not_open, signup_closed, overlap, rest_too_short, weekly_cap."""
    now = clock.now()
    if shift.is_cancelled:
        raise RuleViolation("shift_cancelled", "the shift was cancelled")
    if now < shift.starts_at - timedelta(days=rules.signup_opens_days):
        raise RuleViolation("signup_not_open", f"sign-up opens {rules.signup_opens_days} days before")
    if now > shift.starts_at - timedelta(hours=rules.signup_closes_hours):
        raise RuleViolation("signup_closed", f"sign-up closed {rules.signup_closes_hours} h before the start")
    rest = timedelta(hours=rules.min_rest_hours)
    mine = (
        select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(holding(user_id), Shift.status == ShiftStatus.SCHEDULED, Shift.id != shift.id)
    )
    if ignoring_shift is not None:
        mine = mine.where(Shift.id != ignoring_shift)
    nearby = db.session.scalars(
        mine.where(Shift.starts_at < shift.ends_at + rest, Shift.ends_at > shift.starts_at - rest)
    ).all()
    if any(other.starts_at < shift.ends_at and other.ends_at > shift.starts_at for other in nearby):
        raise RuleViolation("overlap", "you are on another shift at that time")
    if nearby:
        raise RuleViolation("rest_too_short", f"leave at least {rules.min_rest_hours} h between shifts")
    monday = week_start(local_date(shift.starts_at))
    week_from = datetime.combine(monday, datetime.min.time(), tzinfo=zone())
    week_shifts = db.session.execute(
        mine.with_only_columns(Shift.starts_at, Shift.ends_at).where(
            Shift.starts_at >= week_from, Shift.starts_at < week_from + timedelta(days=7)
        )
    ).all()
    minutes = sum((ends - starts).total_seconds() / 60 for starts, ends in week_shifts)
    minutes += (shift.ends_at - shift.starts_at).total_seconds() / 60
    if minutes > rules.weekly_hours_cap * 60:
        raise RuleViolation("weekly_cap", f"at most {rules.weekly_hours_cap} h a week")


def leader_place_free_for_all():
    """0 while the leader place is held (leader needed, none signed up, before the release), else 1."""
    now = clock.now()
    held = and_(Shift.leader_needed.is_(True), Shift.leader_taken.is_(False), Shift.leader_release_at > now)
    return case((held, 1), else_=0)


def _take_place(shift: Shift, as_leader: bool) -> bool:
    """Claim one place: a leader may take the held leader place, anyone else only the others."""
    if as_leader:
        values = {"leader_taken": True} if shift.leader_needed else {}
        return claim_one(shift, Shift.taken, Shift.places, Shift.status == ShiftStatus.SCHEDULED, values=values)
    return claim_one(
        shift, Shift.taken, Shift.places - leader_place_free_for_all(), Shift.status == ShiftStatus.SCHEDULED
    )


def _hold(shift: Shift, user_id: int, as_leader: bool, **extra) -> ShiftSignup:
    signup = ShiftSignup(shift_id=shift.id, user_id=user_id, is_leader=as_leader, **extra)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict("already_signed_up", "you are on this shift already") from exc
    db.session.execute(
        WaitlistEntry.__table__.delete().where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == user_id)
    )
    return signup


def signup_of(shift: Shift, user_id: int) -> ShiftSignup | None:
    """The place the person holds on the shift (or has asked to drop), if any."""
    return db.session.scalar(select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, holding(user_id)))


def _alreadyholding(shift: Shift, user_id: int) -> bool:
    return signup_of(shift, user_id) is not None


def _check_may_join(shift: Shift, user: Principal) -> None:
    """Signing up, waiting and taking a swap ask the same of the person joining."""
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this shift is for another team")
    if _alreadyholding(shift, user.id):
        raise Conflict("already_signed_up", "you are on this shift already")
    check_rules(shift, user.id, rules_for(shift.unit))


def _leader_present(shift: Shift):
    return exists().where(
        ShiftSignup.shift_id == shift.id, ShiftSignup.is_leader.is_(True), ShiftSignup.status != SignupStatus.DROPPED
    )


def sign_up(shift: Shift, user: Principal) -> ShiftSignup:
    _check_may_join(shift, user)
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    if not _take_place(shift, as_leader):
        raise Conflict("shift_full", "every place is taken; you may join the waitlist")
    signup = _hold(shift, user.id, as_leader)
    record("shift_signed_up", actor_id=user.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    return signup


def assign(shift: Shift, user: User, by: Principal, override_reason: str | None) -> ShiftSignup:
    """A coordinator puts someone on a shift. The rules apply; a reason overrides them (audited).
    Places are never exceeded, but an override may use the place held for a leader."""
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this person is not in the shift's team or unit")
    if _alreadyholding(shift, user.id):
        raise Conflict("already_signed_up", "this person is on this shift already")
    broken = None
    try:
        check_rules(shift, user.id, rules_for(shift.unit))
    except RuleViolation as exc:
        if not override_reason or exc.error == "shift_cancelled":
            raise
        broken = exc.error
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    taken = _take_place(shift, as_leader or bool(override_reason))
    if not taken:
        raise Conflict("shift_full", "every place is taken")
    signup = _hold(shift, user.id, as_leader, assigned_by_id=by.id, override_reason=override_reason)
    record(
        "shift_assigned",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        user_id=user.id,
        overridden_rule=broken,
        reason=override_reason,
    )
    return signup


# Dropping and the waitlist ------------------------------------------------------------------------------


def _release_place(shift: Shift, signup: ShiftSignup) -> None:
    signup.status = SignupStatus.DROPPED
    signup.dropped_at = clock.now()
    db.session.flush()
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken > 0)
        .values(taken=Shift.taken - 1, leader_taken=_leader_present(shift))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(shift)


def drop(shift: Shift, user: Principal) -> ShiftSignup:
    """Before the cut-off the place is freed and the waitlist moves up; after it, the drop waits
    for a coordinator (who is told)."""
    signup = signup_of(shift, user.id)
    if signup is None:
        raise NotFound("not_signed_up", "you are not on this shift")
    rules = rules_for(shift.unit)
    if clock.now() > shift.starts_at - timedelta(hours=rules.drop_cutoff_hours):
        if signup.status != SignupStatus.DROP_REQUESTED:
            signup.status = SignupStatus.DROP_REQUESTED
            db.session.flush()
            _tell_coordinators(shift, user.display_name)
            record(
                "shift_drop_requested",
                actor_id=user.id,
                subject_type="shift",
                subject_id=shift.id,
                unit_id=shift.unit_id,
            )
        return signup
    _release_place(shift, signup)
    record("shift_dropped", actor_id=user.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    promote_waitlist(shift)
    return signup


def drop_member(shift: Shift, user_id: int, by: Principal) -> ShiftSignup:
    """A coordinator takes someone off a shift (approving a late drop, or otherwise)."""
    signup = signup_of(shift, user_id)
    if signup is None:
        raise NotFound("not_signed_up", "this person is not on this shift")
    _release_place(shift, signup)
    record(
        "shift_drop_approved",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        user_id=user_id,
    )
    notify_in_their_language(
        select(User.id).where(User.id == user_id),
        NotificationKind.SHIFT_CHANGED,
        shift_payload(shift, "shift_changed_title"),
        subject_type="shift",
        subject_id=shift.id,
    )
    promote_waitlist(shift)
    return signup


def _tell_coordinators(shift: Shift, name: str) -> None:
    def make(locale: str) -> dict:
        when = format_when(shift.starts_at, locale)
        return {
            "title": text("drop_requested_title", locale),
            "body": text("person_shift_line", locale, name=name, when=when, area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
        }

    notify_in_their_language(
        managers_over(shift.unit), NotificationKind.DROP_REQUESTED, make, subject_type="shift", subject_id=shift.id
    )


def join_waitlist(shift: Shift, user: Principal) -> WaitlistEntry:
    _check_may_join(shift, user)
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    open_to_me = shift.places - shift.taken - (0 if as_leader or not shift.leader_place_held else 1)
    if open_to_me > 0:
        raise Conflict("shift_not_full", "there is a place: sign up instead")
    entry = WaitlistEntry(shift_id=shift.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict("already_waitlisted", "you are on the waitlist already") from exc
    return entry


def leave_waitlist(shift: Shift, user: Principal) -> None:
    removed = db.session.execute(
        WaitlistEntry.__table__.delete().where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == user.id)
    ).rowcount
    if not removed:
        raise NotFound("not_waitlisted", "you are not on the waitlist")


def promote_waitlist(shift: Shift) -> list[int]:
    """Give freed places to the first on the waitlist whom the rules still allow; they are told."""
    promoted = []
    rules = rules_for(shift.unit)
    for entry in db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.shift_id == shift.id)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all():
        try:
            check_rules(shift, entry.user_id, rules)
        except RuleViolation:
            continue
        as_leader = shift.leader_needed and leads_for(shift, entry.user_id)
        if not _take_place(shift, as_leader):
            break
        _hold(shift, entry.user_id, as_leader)
        promoted.append(entry.user_id)
    if promoted:
        notify_in_their_language(
            select(User.id).where(User.id.in_(promoted)),
            NotificationKind.WAITLIST_PROMOTED,
            shift_payload(shift, "waitlist_promoted_title"),
            subject_type="shift",
            subject_id=shift.id,
        )
    return promoted


# Swaps -----------------------------------------------------------------------------------------------


def offer_swap(shift: Shift, user: Principal) -> SwapOffer:
    signup = db.session.scalar(
        select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == user.id, ShiftSignup.status == SignupStatus.ACTIVE
        )
    )
    if signup is None:
        raise NotFound("not_signed_up", "you are not on this shift")
    if shift.starts_at <= clock.now():
        raise RuleViolation("shift_started", "the shift has started")
    existing = db.session.scalar(
        select(SwapOffer).where(
            SwapOffer.shift_id == shift.id,
            SwapOffer.offered_by_id == user.id,
            SwapOffer.status.in_([SwapStatus.OPEN, SwapStatus.TAKEN]),
        )
    )
    if existing is not None:
        return existing
    offer = SwapOffer(shift_id=shift.id, offered_by_id=user.id)
    db.session.add(offer)
    db.session.flush()
    return offer


def take_swap(offer: SwapOffer, user: Principal) -> SwapOffer:
    shift = offer.shift
    if offer.offered_by_id == user.id:
        raise RuleViolation("own_offer", "this is your own offer")
    _check_may_join(shift, user)
    claimed = db.session.execute(
        update(SwapOffer)
        .where(SwapOffer.id == offer.id, SwapOffer.status == SwapStatus.OPEN)
        .values(status=SwapStatus.TAKEN, taken_by_id=user.id, taken_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("swap_not_open", "someone took this offer already")
    db.session.refresh(offer)
    if rules_for(shift.unit).swap_needs_approval:
        _tell_coordinators_of_swap(offer)
        return offer
    return _complete_swap(offer, approved_by=None)


def approve_swap(offer: SwapOffer, by: Principal) -> SwapOffer:
    if offer.status != SwapStatus.TAKEN:
        raise Conflict("swap_not_taken", "nobody has taken this offer yet")
    return _complete_swap(offer, approved_by=by)


def _complete_swap(offer: SwapOffer, approved_by: Principal | None) -> SwapOffer:
    shift = offer.shift
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, holding(offer.offered_by_id))
    )
    if signup is None:
        offer.status = SwapStatus.CANCELLED
        db.session.flush()
        raise Conflict("swap_not_open", "the person offering is no longer on the shift")
    taker_leads = shift.leader_needed and leads_for(shift, offer.taken_by_id)
    signup.status = SignupStatus.DROPPED
    signup.dropped_at = clock.now()
    db.session.flush()
    _hold(shift, offer.taken_by_id, taker_leads)
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id)
        .values(leader_taken=_leader_present(shift))
        .execution_options(synchronize_session=False)
    )
    offer.status = SwapStatus.DONE
    offer.decided_at = clock.now()
    offer.approved_by_id = approved_by.id if approved_by else None
    db.session.flush()
    db.session.refresh(shift)
    notify_in_their_language(
        select(User.id).where(User.id.in_([offer.offered_by_id, offer.taken_by_id])),
        NotificationKind.SWAP_DONE,
        shift_payload(shift, "swap_done_title"),
        subject_type="shift",
        subject_id=shift.id,
    )
    record(
        "shift_swapped",
        actor_id=(approved_by.id if approved_by else offer.taken_by_id),
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        from_user=offer.offered_by_id,
        to_user=offer.taken_by_id,
    )
    return offer


def _tell_coordinators_of_swap(offer: SwapOffer) -> None:
    shift = offer.shift

    def make(locale: str) -> dict:
        when = format_when(shift.starts_at, locale)
        return {
            "title": text("swap_taken_title", locale),
            "body": text("shift_line", locale, when=when, area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
            "swap_offer_id": offer.id,
        }

    notify_in_their_language(
        managers_over(shift.unit), NotificationKind.SWAP_TAKEN, make, subject_type="shift", subject_id=shift.id
    )
