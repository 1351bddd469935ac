"""Hazard reports (隐患上报) and the unified case workflow (统一登记、受理、调度、分流、管理).

``submitted`` → ``accepted`` | ``rejected`` | ``duplicate`` → ``dispatched`` (to a department)
→ ``in_progress`` → ``resolved`` → ``closed``; officers may reopen. Every change is a method
of ``Report`` guarded by a predicate: ``report.can(action, principal)`` says whether the
caller's *role* allows the action (403 otherwise); the method itself refuses a *state* that
does not (409 ``invalid_transition``). Each change writes a ``ReportEvent`` in the same
transaction: the timeline, never purged.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.core import clock
from app.core.access import ADMIN_ROLES, OVERSIGHT_ROLES, Principal, UnitScoped
from app.core.models import Base, JSONDocument, TimestampMixin, enum_column
from app.errors import Conflict

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.core.photos import Photo
    from app.orgs.models import Team


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # 登记
    ACCEPTED = "accepted"  # 受理
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    DISPATCHED = "dispatched"  # 派遣 / 分流
    IN_PROGRESS = "in_progress"  # 处置
    RESOLVED = "resolved"  # 反馈
    CLOSED = "closed"  # 核查结案


OPEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.DISPATCHED, ReportStatus.IN_PROGRESS)


class ReportSeverity(enum.StrEnum):
    LOW = "low"  # 一般
    MEDIUM = "medium"  # 较重
    HIGH = "high"  # 紧急


class Actor(enum.StrEnum):
    """Who may take an action, and who took a timeline entry (as the reporter may be told)."""

    OFFICER = "officer"  # officers and admins over the case's unit
    HANDLER = "handler"  # a handler of the department the case is dispatched to
    REPORTER = "reporter"
    SYSTEM = "system"  # SLA escalation


class Viewer(enum.StrEnum):
    """How someone sees a case: what of it they may read."""

    STAFF = "staff"  # officers and admins over its unit: everything
    HANDLER = "handler"  # its department's handlers: all but the reporter's phone
    REPORTER = "reporter"  # its reporter: all but internal notes and comments
    FOLLOWER = "follower"  # a member who follows it: its status and public timeline only


class InvalidTransition(Conflict):
    error = "invalid_transition"


@dataclass(frozen=True)
class Transition:
    sources: tuple[ReportStatus, ...]
    target: ReportStatus | None  # None: the action changes no state (a request to reopen)
    actor: Actor
    is_public: bool  # the reporter sees the entry in the timeline
    note_is_public: bool  # ... and its note


S = ReportStatus
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition((S.SUBMITTED,), S.ACCEPTED, Actor.OFFICER, True, True),
    "reject": Transition((S.SUBMITTED,), S.REJECTED, Actor.OFFICER, True, True),
    "mark_duplicate": Transition((S.SUBMITTED, S.ACCEPTED), S.DUPLICATE, Actor.OFFICER, True, True),
    "dispatch": Transition((S.ACCEPTED,), S.DISPATCHED, Actor.OFFICER, True, False),
    "return": Transition((S.DISPATCHED,), S.ACCEPTED, Actor.HANDLER, False, False),
    "start": Transition((S.DISPATCHED,), S.IN_PROGRESS, Actor.HANDLER, True, False),
    "resolve": Transition((S.IN_PROGRESS,), S.RESOLVED, Actor.HANDLER, True, True),
    "close": Transition((S.RESOLVED,), S.CLOSED, Actor.OFFICER, True, True),
    "reopen": Transition((S.RESOLVED, S.CLOSED), S.ACCEPTED, Actor.OFFICER, True, True),
    "request_reopen": Transition((S.RESOLVED, S.CLOSED), None, Actor.REPORTER, True, True),
}
REOPEN_ACTIONS = ("reopen", "request_reopen")


class Department(UnitScoped, TimestampMixin, Base):
    """A responsible department (城管, 市场监管, 消防...) at a unit; it serves the unit's subtree."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("unit_id", "name"), CheckConstraint("name <> ''", name="name_not_empty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=True)

    routes: Mapped[list[CategoryRoute]] = relationship(
        back_populates="department", cascade="all, delete-orphan", lazy="selectin"
    )

    def can_administer(self, principal: Principal) -> bool:
        return principal.has_role_over(self.unit, ADMIN_ROLES)

    def serves(self, unit) -> bool:
        """A department serves its own unit and every unit below it."""
        return unit.path.startswith(self.unit.path)


class ReportCategory(UnitScoped, TimestampMixin, Base):
    """A district's kind of hazard, with a stable ``code`` (for Open311 ``service_code`` later)."""

    __tablename__ = "report_categories"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    # False for categories whose cases must stay discreet (可疑人员, 矛盾纠纷): never shown nearby.
    shows_nearby: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    sla_targets: Mapped[list[SlaTarget]] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="selectin", order_by="SlaTarget.id"
    )

    def can_administer(self, principal: Principal) -> bool:
        return principal.has_role_over(self.unit, ADMIN_ROLES)

    def sla_minutes(self, severity: ReportSeverity) -> tuple[int, int]:
        """(minutes to accept, minutes to resolve), both from the report."""
        for target in self.sla_targets:
            if target.severity == severity:
                return target.accept_minutes, target.resolve_minutes
        default = current_app.config["REPORT_SLA_DEFAULTS"][severity.value]
        return default["accept_minutes"], default["resolve_minutes"]


class SlaTarget(Base):
    __tablename__ = "report_sla_targets"
    __table_args__ = (
        UniqueConstraint("category_id", "severity"),
        CheckConstraint("accept_minutes > 0 AND resolve_minutes >= accept_minutes", name="sensible_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("report_categories.id"))
    severity: Mapped[ReportSeverity] = mapped_column(enum_column(ReportSeverity))
    accept_minutes: Mapped[int]
    resolve_minutes: Mapped[int]

    category: Mapped[ReportCategory] = relationship(back_populates="sla_targets")


class CategoryRoute(Base):
    """A department takes a category's cases by default within its unit's subtree.

    One department per category and unit; a case is routed to the route at the nearest unit
    at or above its own.
    """

    __tablename__ = "report_category_routes"
    __table_args__ = (UniqueConstraint("category_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("report_categories.id"), index=True)
    # Always the department's unit; here so that the database keeps one department per unit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)

    department: Mapped[Department] = relationship(back_populates="routes")
    category: Mapped[ReportCategory] = relationship(lazy="joined")


class Report(UnitScoped, Base):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_created", "created_at", "id"),
        Index("ix_reports_status_created", "status", "created_at", "id"),
        Index("ix_reports_updated", "updated_at", "id"),
        Index("ix_reports_due", "due_at", "id"),
        Index("ix_reports_reporter", "reporter_id", "created_at"),
        Index("ix_reports_department_status", "department_id", "status"),
        Index("ix_reports_category_created", "category_id", "created_at"),
        CheckConstraint("accuracy_m > 0", name="accuracy_positive"),
        CheckConstraint("duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_duplicate_of_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("report_categories.id"))
    severity: Mapped[ReportSeverity] = mapped_column(enum_column(ReportSeverity))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str | None] = mapped_column(String(200))
    # The position (WGS-84), as the device fixed it or the reporter moved it on the map.
    lon: Mapped[float]
    lat: Mapped[float]
    accuracy_m: Mapped[float]
    is_imprecise: Mapped[bool] = mapped_column(default=False)
    fixed_at: Mapped[datetime | None]
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus), default=ReportStatus.SUBMITTED)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The reporter's team when reporting, for the queue's filter.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The SLA deadline now due (to accept while submitted, to resolve while open); None once
    # the case needs nothing more. 1: overdue, told to the unit's officers; 2: escalated above.
    due_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(default=0)
    # Optimistic locking: of two officers acting at once, the second gets 409.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[ReportCategory] = relationship(lazy="joined")
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    team: Mapped[Team | None] = relationship()
    department: Mapped[Department | None] = relationship()
    duplicate_of: Mapped[Report | None] = relationship(remote_side=[id])
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.id", cascade="all, delete-orphan"
    )
    followers: Mapped[list[ReportFollower]] = relationship(back_populates="report", cascade="all, delete-orphan")
    # Written, never loaded whole: read through services.timeline_for().
    events: WriteOnlyMapped[ReportEvent] = relationship(back_populates="report", passive_deletes=True)

    # Who is looking ----------------------------------------------------------------------------

    def oversees(self, principal: Principal) -> bool:
        return principal.has_role_over(self.unit, OVERSIGHT_ROLES)

    def handles(self, principal: Principal) -> bool:
        """A handler of the department the case is dispatched to, working at or above its unit."""
        return self.department_id is not None and any(
            grant.department_id == self.department_id and self.unit.path.startswith(grant.unit.path)
            for grant in principal.handler_grants()
        )

    def is_followed_by(self, principal: Principal) -> bool:
        return any(follower.user_id == principal.id for follower in self.followers)

    def viewer(self, principal: Principal) -> Viewer | None:
        if self.oversees(principal):
            return Viewer.STAFF
        if self.handles(principal):
            return Viewer.HANDLER
        if self.reporter_id == principal.id:
            return Viewer.REPORTER
        if self.is_followed_by(principal):
            return Viewer.FOLLOWER
        return None

    def is_visible_to(self, principal: Principal) -> bool:
        return self.viewer(principal) is not None

    # Who may do what ----------------------------------------------------------------------------

    def can(self, action: str, principal: Principal) -> bool:
        """Does the caller's role allow ``action`` on this case (whatever its state)?"""
        actor = TRANSITIONS[action].actor
        if actor == Actor.OFFICER:
            return self.oversees(principal)
        if actor == Actor.HANDLER:
            return self.handles(principal) and self.handler_id in (None, principal.id)
        return self.reporter_id == principal.id

    def can_accept(self, principal: Principal) -> bool:
        return self.can("accept", principal)

    def can_dispatch(self, principal: Principal) -> bool:
        return self.can("dispatch", principal)

    def can_resolve(self, principal: Principal) -> bool:
        return self.can("resolve", principal)

    def can_comment(self, principal: Principal, internal: bool) -> bool:
        """Staff and handlers comment internally or publicly; the reporter publicly; followers not."""
        viewer = self.viewer(principal)
        if internal:
            return viewer in (Viewer.STAFF, Viewer.HANDLER)
        return viewer in (Viewer.STAFF, Viewer.HANDLER, Viewer.REPORTER)

    def photo_kind_for(self, principal: Principal) -> PhotoKind | None:
        """The photos a person may add: the reporter's and followers' show the hazard, the
        handler's the work done; officers add none."""
        viewer = self.viewer(principal)
        if viewer == Viewer.HANDLER and self.can("resolve", principal):
            return PhotoKind.RESOLUTION
        if viewer in (Viewer.REPORTER, Viewer.FOLLOWER):
            return PhotoKind.REPORT
        return None

    def can_delete(self, principal: Principal) -> bool:
        """Admins over its unit (a case that must go: personal data, abuse); its reporter, while
        nobody has acted on it (a report sent by mistake)."""
        return principal.has_role_over(self.unit, ADMIN_ROLES) or self.reporter_id == principal.id

    def can_follow(self, principal: Principal) -> bool:
        """Someone of its district who found the case nearby may follow it instead of reporting it
        again; those who work on it or reported it see it anyway."""
        return (
            self.category.shows_nearby
            and self.reporter_id != principal.id
            and not self.oversees(principal)
            and not self.handles(principal)
            and any(self.unit.path.startswith(_district_path(g.unit.path)) for g in principal.grants)
        )

    def actions_for(self, principal: Principal) -> list[str]:
        """The workflow actions the caller may take now (role and state), for the PWA's buttons."""
        allowed = []
        for action, transition in TRANSITIONS.items():
            if self.status in transition.sources and self.can(action, principal):
                if action in REOPEN_ACTIONS and not self.reopen_window_open():
                    continue
                allowed.append(action)
        return allowed

    # State ------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at <= clock.now()

    def reopen_window_open(self) -> bool:
        since = self.closed_at or self.resolved_at
        days = current_app.config["REPORT_REOPEN_DAYS"]
        return since is not None and clock.now() <= since + timedelta(days=days)

    def _set_due(self, due_at: datetime | None) -> None:
        self.due_at = due_at
        self.escalation_level = 0

    def start_clock(self) -> None:
        """The SLA's first deadline: to accept, counted from the report."""
        accept_minutes, _ = self.category.sla_minutes(self.severity)
        self._set_due(self.created_at + timedelta(minutes=accept_minutes))

    def check_state(self, action: str) -> None:
        """409 ``invalid_transition`` unless the case's state allows ``action``."""
        if self.status not in TRANSITIONS[action].sources:
            raise InvalidTransition(message=f"cannot {action.replace('_', ' ')} a case that is {self.status.value}")

    def _move(self, action: str, by: Principal, note: str | None, **data) -> ReportEvent:
        transition = TRANSITIONS[action]
        self.check_state(action)
        previous = self.status
        if transition.target is not None:
            self.status = transition.target
        self.updated_at = clock.now()
        return self.record(
            action,
            actor_id=by.id,
            actor=transition.actor,
            from_status=previous,
            note=note,
            is_public=transition.is_public,
            note_is_public=transition.note_is_public,
            **data,
        )

    def record(
        self,
        action: str,
        *,
        actor_id: int | None,
        actor: Actor,
        from_status: ReportStatus | None = None,
        note: str | None = None,
        is_public: bool,
        note_is_public: bool = False,
        **data,
    ) -> ReportEvent:
        """Add a timeline entry (in this transaction)."""
        event = ReportEvent(
            at=clock.now(),
            actor_id=actor_id,
            actor_role=actor,
            action=action,
            from_status=from_status,
            to_status=self.status,
            note=note or None,
            is_public=is_public,
            note_is_public=note_is_public,
            data=data,
        )
        self.events.add(event)
        return event

    def accept(self, by: Principal, note: str | None = None) -> ReportEvent:
        event = self._move("accept", by, note)
        self.accepted_at = clock.now()
        _, resolve_minutes = self.category.sla_minutes(self.severity)
        self._set_due(self.created_at + timedelta(minutes=resolve_minutes))
        return event

    def reject(self, by: Principal, reason: str) -> ReportEvent:
        event = self._move("reject", by, reason)
        self._set_due(None)
        return event

    def mark_duplicate(self, by: Principal, original: Report, note: str | None = None) -> ReportEvent:
        if original.id == self.id:
            raise InvalidTransition("duplicate_of_itself", "a case cannot duplicate itself")
        if original.status == ReportStatus.DUPLICATE:
            raise InvalidTransition("duplicate_of_duplicate", "mark it a duplicate of the original case instead")
        event = self._move("mark_duplicate", by, note, duplicate_of_id=original.id)
        self.duplicate_of_id = original.id
        self._set_due(None)
        return event

    def dispatch(self, by: Principal, department: Department, handler: User | None, note: str | None) -> ReportEvent:
        event = self._move(
            "dispatch",
            by,
            note,
            department_id=department.id,
            department_name=department.name,
            handler_id=handler.id if handler else None,
        )
        self.department_id = department.id
        self.department = department
        self.handler_id = handler.id if handler else None
        return event

    def return_to_officers(self, by: Principal, reason: str) -> ReportEvent:
        """退回: the department says the case is not theirs (or not doable as dispatched)."""
        event = self._move("return", by, reason, department_id=self.department_id)
        self.department_id = None
        self.department = None
        self.handler_id = None
        return event

    def start(self, by: Principal, note: str | None = None) -> ReportEvent:
        event = self._move("start", by, note)
        self.handler_id = by.id
        return event

    def resolve(self, by: Principal, note: str) -> ReportEvent:
        event = self._move("resolve", by, note)
        self.resolved_at = clock.now()
        self._set_due(None)
        return event

    def close(self, by: Principal, note: str | None = None) -> ReportEvent:
        event = self._move("close", by, note)
        self.closed_at = clock.now()
        return event

    def reopen(self, by: Principal, reason: str) -> ReportEvent:
        self._check_reopen_window()
        event = self._move("reopen", by, reason)
        _, resolve_minutes = self.category.sla_minutes(self.severity)
        self._set_due(clock.now() + timedelta(minutes=resolve_minutes))
        self.resolved_at = self.closed_at = None
        self.department_id = self.handler_id = None
        self.department = None
        return event

    def request_reopen(self, by: Principal, reason: str) -> ReportEvent:
        self._check_reopen_window()
        return self._move("request_reopen", by, reason)

    def _check_reopen_window(self) -> None:
        if self.status in TRANSITIONS["reopen"].sources and not self.reopen_window_open():
            days = current_app.config["REPORT_REOPEN_DAYS"]
            raise InvalidTransition("reopen_period_over", f"a case may be reopened within {days} days")


def _district_path(path: str) -> str:
    """``/1/4/9/`` → ``/1/``: the district a unit belongs to."""
    return "/" + path.strip("/").split("/")[0] + "/"


class PhotoKind(enum.StrEnum):
    REPORT = "report"  # what the reporter (or a follower) saw
    RESOLUTION = "resolution"  # what the handler did


class ReportPhoto(Base):
    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), unique=True)
    kind: Mapped[PhotoKind] = mapped_column(enum_column(PhotoKind))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    report: Mapped[Report] = relationship(back_populates="photos")
    photo: Mapped[Photo] = relationship(lazy="joined")

    @property
    def content_id(self) -> str:
        return self.photo.content_id

    def is_visible_to(self, principal: Principal, viewer: Viewer) -> bool:
        """A follower sees the work done and their own photos, never another member's."""
        if viewer == Viewer.FOLLOWER:
            return self.kind == PhotoKind.RESOLUTION or self.uploaded_by_id == principal.id
        return True


class ReportFollower(Base):
    """A member who saw the same hazard and follows this case instead of reporting it again."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    report: Mapped[Report] = relationship(back_populates="followers")


class ReportEvent(Base):
    """One timeline entry: who did what, when, with which note. Its own table, so the audit
    log's retention never touches it."""

    __tablename__ = "report_events"
    __table_args__ = (Index("ix_report_events_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[Actor] = mapped_column(enum_column(Actor))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus))
    to_status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus))
    note: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(default=False)
    note_is_public: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(JSONDocument, default=dict)

    report: Mapped[Report] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ReportComment(Base):
    """Internal comments are for staff and handlers; public ones the reporter sees too."""

    __tablename__ = "report_comments"
    __table_args__ = (Index("ix_report_comments_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[Actor] = mapped_column(enum_column(Actor))
    body: Mapped[str] = mapped_column(Text)
    is_public: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User] = relationship()


def may_triage(principal: Principal) -> bool:
    return principal.has_role(OVERSIGHT_ROLES)


def may_handle(principal: Principal) -> bool:
    return bool(principal.handler_grants())


def may_report(principal: Principal) -> bool:
    return bool(principal.grants)
