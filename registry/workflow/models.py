"""Change requests: the only way a record reaches the public registry, and their transitions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    INSTITUTION_APPROVED = "institution_approved"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self in (RequestStatus.SUBMITTED, RequestStatus.INSTITUTION_APPROVED)


class BatchStatus(enum.StrEnum):
    OPEN = "open"  # some of its requests are still open
    DECIDED = "decided"  # every request approved, rejected or withdrawn


class ChangeBatch(Base):
    """Requests filed together by an importer: reviewed, approved or rejected as a whole."""

    __tablename__ = "change_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    importer: Mapped[str] = mapped_column(String(40))  # units, legislation, service-standards…
    source: Mapped[str] = mapped_column(String(300))  # the file's name
    source_sha256: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    status: Mapped[BatchStatus] = mapped_column(EnumText(BatchStatus, 12), default=BatchStatus.OPEN)
    # What the importer found: counts, and the rows it refused with their reasons.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)

    requests: Mapped[list[ChangeRequest]] = relationship(order_by="ChangeRequest.id")

    __table_args__ = (Index("ix_change_batches_source", "importer", "source_sha256"),)


class ChangeRequest(Base):
    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    effective_from: Mapped[date | None] = mapped_column(Date)
    # The record's version when the request was written: approval refuses if it moved on.
    base_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[RequestStatus] = mapped_column(EnumText(RequestStatus, 24))
    # The unit whose subtree the request touches, and that unit's institution (for approvers).
    scope_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    result_entity: Mapped[str | None] = mapped_column(String(32))
    result_id: Mapped[str | None] = mapped_column(String(40))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("change_batches.id"), index=True)

    events: Mapped[list[ChangeRequestEvent]] = relationship(
        back_populates="request", order_by="ChangeRequestEvent.id"
    )
    institutions: Mapped[list[InstitutionApproval]] = relationship(
        back_populates="request", order_by="InstitutionApproval.institution_id"
    )

    __table_args__ = (
        Index("ix_change_requests_status_entity", "status", "entity"),
        Index("ix_change_requests_institution", "institution_id", "status"),
        Index("ix_change_requests_submitted_by", "submitted_by"),
    )


class InstitutionApproval(Base):
    """An institution whose approver must agree before the reviewers decide, and whether it has.

    A service's providing institutions (the old and the new one on a move), and every other
    institution whose record the change alters (an act it amends or repeals, a successor unit,
    a document it gives an alias): one row each, filled in when that institution approves.
    """

    __tablename__ = "change_request_institutions"

    request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[ChangeRequest] = relationship(back_populates="institutions")

    __table_args__ = (Index("ix_change_request_institutions_institution", "institution_id"),)


class ChangeRequestEvent(Base):
    """One transition of a request: who moved it from which state to which, when and why."""

    __tablename__ = "change_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    from_status: Mapped[RequestStatus | None] = mapped_column(EnumText(RequestStatus, 24))
    to_status: Mapped[RequestStatus] = mapped_column(EnumText(RequestStatus, 24))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(Text)

    request: Mapped[ChangeRequest] = relationship(back_populates="events")


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
    status: Mapped[TaskStatus] = mapped_column(EnumText(TaskStatus, 10), default=TaskStatus.OPEN)
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
