"""The audit log: who did what to which record, from where, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, JSONDocument

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.orgs.models import Unit


class AuditEvent(Base):
    """One recorded action. ``unit_id`` places it in the organisation for scoped reading;
    events that belong to no unit (a sign-in with an unknown phone) are read from the top."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    data: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
