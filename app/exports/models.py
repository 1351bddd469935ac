"""Files made for someone by a job (large exports), kept for download until they expire."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.access import Principal
from app.core.models import Base, JSONDocument, enum_column


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Export(Base):
    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Which exporter made it ("reports"), in which format (csv, xlsx), from which filters.
    kind: Mapped[str] = mapped_column(String(30))
    format: Mapped[str] = mapped_column(String(10))
    params: Mapped[dict] = mapped_column(JSONDocument)
    status: Mapped[ExportStatus] = mapped_column(enum_column(ExportStatus), default=ExportStatus.PENDING)
    row_count: Mapped[int | None]
    byte_size: Mapped[int | None]
    filename: Mapped[str | None] = mapped_column(String(120))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def is_visible_to(self, principal: Principal) -> bool:
        """An export holds what its requester could see: it is theirs alone."""
        return self.user_id == principal.id
