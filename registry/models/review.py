"""Review tasks: a service whose legal basis was amended or repealed must be looked at again.

Applying an amendment or a repeal opens one task per affected service, for the service's
institution. The task stays open until a coordinator of that institution confirms the service still
stands, or an update of the service is approved.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # a coordinator checked the service and it still stands
    UPDATED = "updated"  # an update of the service was approved


class ReviewTask(Base):
    __tablename__ = "review_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    # The act the service depends on that changed, and the act that changed it.
    legislation_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    cause: Mapped[str] = mapped_column(String(10))  # amends | repeals
    request_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=TaskStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(160))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_review_tasks_institution", "institution_id", "status"),
        Index("ix_review_tasks_service", "service_id", "status"),
        CheckConstraint("status IN ('open', 'confirmed', 'updated')", name="status"),
        CheckConstraint("cause IN ('amends', 'repeals')", name="cause"),
    )
