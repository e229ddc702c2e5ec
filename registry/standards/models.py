"""Citizen complaints about service standards tables, and the satisfaction survey (KMA).

A complaint carries personal data (the citizen's contact): it is kept out of the public audit trail
and the change feed, and only the institution concerned and the citizen holding the access key read
it. Its own history is kept as events.
"""

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
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus


class ComplaintSubject(enum.StrEnum):
    TABLE_NOT_KEPT = "table_not_kept"  # the table is not followed
    EXTRA_DOCUMENTS = "extra_documents"  # documents beyond the list were asked for
    TIME_EXCEEDED = "time_exceeded"  # not finished within the longest completion time
    SERVICE_MISSING = "service_missing"  # the service is not in the table


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"  # waiting for the place of application it is with
    IN_REVIEW = "in_review"
    ANSWERED = "answered"  # final: the place of application answered
    CLOSED = "closed"  # final: closed without an answer on the merits (withdrawn, duplicate)


class ComplaintLevel(enum.StrEnum):
    FIRST = "first"  # İlk Müracaat Yeri
    SECOND = "second"  # İkinci Müracaat Yeri, after the first did not answer in time


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    # SHA-256 of the access key given once to the citizen; the key itself is never stored.
    access_key_hash: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    # The service as the citizen named it (a service missing from the table has no code).
    service_name: Mapped[str | None] = mapped_column(String(500))
    # Where the citizen applied; the first place of application is the unit publishing its table.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    first_place_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    second_place_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    level: Mapped[ComplaintLevel] = mapped_column(
        EnumText(ComplaintLevel, 10), default=ComplaintLevel.FIRST
    )
    subject: Mapped[ComplaintSubject] = mapped_column(EnumText(ComplaintSubject, 30))
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)  # personal data
    status: Mapped[ComplaintStatus] = mapped_column(
        EnumText(ComplaintStatus, 12), default=ComplaintStatus.RECEIVED
    )
    # Working days the place of application has to answer, as the institution set them.
    response_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[ComplaintEvent]] = relationship(
        order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_complaints_first_place", "first_place_id", "status"),
        Index("ix_complaints_second_place", "second_place_id", "status"),
        Index("ix_complaints_open_due", "status", "level", "due_on"),
        CheckConstraint(
            "subject IN ('table_not_kept', 'extra_documents', 'time_exceeded', 'service_missing')",
            name="subject",
        ),
        CheckConstraint("status IN ('received', 'in_review', 'answered', 'closed')", name="status"),
        CheckConstraint("level IN ('first', 'second')", name="level"),
        CheckConstraint("response_days BETWEEN 1 AND 90", name="response_days"),
    )


class ComplaintEvent(Base):
    """One step in a complaint's life: received, taken up, escalated, answered, closed."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # A user's name, or "vatandaş" / "sistem" for the citizen and automatic escalation.
    actor: Mapped[str] = mapped_column(String(160))
    from_status: Mapped[ComplaintStatus | None] = mapped_column(EnumText(ComplaintStatus, 12))
    to_status: Mapped[ComplaintStatus] = mapped_column(EnumText(ComplaintStatus, 12))
    level: Mapped[ComplaintLevel] = mapped_column(EnumText(ComplaintLevel, 10))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_complaint_events_complaint", "complaint_id", "id"),)


class SurveyResponse(Base):
    """One citizen's rating of a service (1 = not at all satisfied … 5 = very satisfied)."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    # The unit providing the service when it was rated: rates per institution follow the tree.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_survey_responses_service", "service_id"),
        Index("ix_survey_responses_organization", "organization_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
    )


class SurveyRatingClaim(Base):
    """One client's rating of a service on a day: a second one that day is refused, so one
    client cannot swing a service's rate. The client is a keyed hash of its address and user
    agent, of that day and service (``standards.rating_clients``): never the address itself,
    and not linkable across services or days, nor to the response it rated."""

    __tablename__ = "survey_rating_claims"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    rated_on: Mapped[date] = mapped_column(Date, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class ServiceStandardTable(Base):
    __tablename__ = "service_standard_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # The change request whose approval published it (None: sample data, imports, republishing).
    request_id: Mapped[int | None] = mapped_column(Integer)
    # The whole table as published: organization, rows, the two contact blocks.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the canonical content: an approval that leaves the table unchanged publishes
    # nothing new.
    digest: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("organization_id", "version"),)


class ServiceStandardContacts(Base):
    """The two places of application printed under a unit's service standards table."""

    __tablename__ = "service_standard_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    first_contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    second_contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Working days the first place of application has to answer a complaint before it goes to the
    # second; None: the registry's default.
    response_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (CheckConstraint("status IN ('active', 'closed')", name="status"),)
