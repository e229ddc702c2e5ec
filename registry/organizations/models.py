"""The organization registry (DETSİS): identities, dated versions and reorganization links.

An ``Organization`` is only an identity: its DETSİS number, which never changes. Everything that can
change (name, parent, contact, status…) lives in ``OrganizationVersion`` rows, each valid over a
half-open date range ``[valid_from, valid_to)``. The version in force on a date answers ``?at=``;
the version in force today is the current view, so a change scheduled for a future date becomes
current on that day without anyone acting.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, TypedDict

from sqlalchemy import (
    JSON,
    Boolean,
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
from registry.kernel.enums import EnumText

# Binary collation on PostgreSQL so the Turkish sort key orders the same on both backends.
SortKey = String(600).with_variant(String(600, collation="C"), "postgresql")


class Level(enum.StrEnum):
    CENTRAL = "central"
    PROVINCIAL = "provincial"
    ABROAD = "abroad"


class Status(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class Event(enum.StrEnum):
    """Why a version exists: the typed reorganization events of DETSİS."""

    CREATED = "created"
    UPDATED = "updated"
    RENAMED = "renamed"
    MOVED = "moved"
    MERGED = "merged"
    SPLIT = "split"
    CLOSED = "closed"
    REOPENED = "reopened"


# The fields a version holds about a unit (besides its parent and status): what a change may set.
CONTENT_FIELDS: tuple[str, ...] = (
    "name",
    "short_name",
    "english_name",
    "category",
    "unit_type",
    "level",
    "province_code",
    "district",
    "address",
    "phone",
    "fax",
    "email",
    "web",
    "kep_addresses",
    "certificate_pem",
    "corresponds_externally",
    "letterhead",
    "info_person",
)


class Contact(TypedDict):
    """A unit's contact block as registered: what the API and letters show of it."""

    address: str | None
    phone: str | None
    fax: str | None
    email: str | None
    web: str | None
    info_person: dict[str, Any] | None  # "Bilgi için": {name, title, phone, email}


class DetsisNumber(Base):
    """Every number ever assigned. Rows are never deleted, so a number is never reused."""

    __tablename__ = "detsis_numbers"

    number: Mapped[str] = mapped_column(String(8), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        CheckConstraint("length(number) = 8 AND substr(number, 1, 1) <> '0'", name="format"),
    )


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    detsis_no: Mapped[str] = mapped_column(
        String(8), ForeignKey("detsis_numbers.number"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    versions: Mapped[list[OrganizationVersion]] = relationship(
        back_populates="organization",
        foreign_keys="OrganizationVersion.organization_id",
        order_by="OrganizationVersion.version",
    )


class OrganizationVersion(Base):
    """One state of a unit over ``[valid_from, valid_to)``; ``valid_to`` NULL means open-ended.

    A zero-length range (two changes on one day) is kept for the history but never answers ``at``.
    """

    __tablename__ = "organization_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    event: Mapped[Event] = mapped_column(EnumText(Event, 16))
    reason: Mapped[str | None] = mapped_column(Text)

    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(100))
    english_name: Mapped[str | None] = mapped_column(String(300))
    # Folded name + short name, for Turkish- and accent-insensitive matching in SQL.
    search_text: Mapped[str] = mapped_column(String(420))
    sort_key: Mapped[str] = mapped_column(SortKey)

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    category: Mapped[str | None] = mapped_column(String(60))
    unit_type: Mapped[str | None] = mapped_column(String(80))
    level: Mapped[Level] = mapped_column(EnumText(Level, 12))
    province_code: Mapped[int | None] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(100))

    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    web: Mapped[str | None] = mapped_column(String(300))
    kep_addresses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    certificate_pem: Mapped[str | None] = mapped_column(Text)
    # The registered letterhead, line by line, where the one derived from the tree is not used.
    letterhead: Mapped[list[str] | None] = mapped_column(JSON)
    # "Bilgi için": whom a letter's reader may call ({name, title, phone, email}).
    info_person: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    corresponds_externally: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[Status] = mapped_column(EnumText(Status, 10))

    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    recorded_by: Mapped[str | None] = mapped_column(String(120))

    organization: Mapped[Organization] = relationship(
        back_populates="versions", foreign_keys=[organization_id]
    )

    __table_args__ = (
        UniqueConstraint("organization_id", "version", name="uq_organization_versions_org_version"),
        Index("ix_organization_versions_org_from", "organization_id", "valid_from"),
        Index("ix_organization_versions_parent_from", "parent_id", "valid_from"),
        Index("ix_organization_versions_sort_key", "sort_key"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        CheckConstraint("level IN ('central', 'provincial', 'abroad')", name="level"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint(
            "province_code IS NULL OR (province_code BETWEEN 1 AND 81)", name="province_code"
        ),
    )

    @property
    def contact(self) -> Contact:
        """The contact block, as the API and letters show it."""
        return Contact(
            address=self.address,
            phone=self.phone,
            fax=self.fax,
            email=self.email,
            web=self.web,
            info_person=self.info_person,
        )


class OrganizationLink(Base):
    """Predecessor → successor, from a merge, a split, or a close naming its successors."""

    __tablename__ = "organization_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    successor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    event: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id", name="uq_organization_links_pair"),
        Index("ix_organization_links_successor", "successor_id"),
        CheckConstraint("predecessor_id <> successor_id", name="not_self"),
    )
