"""Legislation (KMS): acts, their texts and provisions, and the links that make them a graph.

An act's identity and status live on ``Legislation``; every link (basis, amends, repeals) is a
``LegislationLink`` row from the act that does something to the act it is done to. Links are
written only by approved change requests, so the graph in memory (``services.legal_graph``) can
follow them through the audit trail.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
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
from registry.organizations.models import SortKey


class LegislationStatus(enum.StrEnum):
    IN_FORCE = "in_force"
    REPEALED = "repealed"


class LinkKind(enum.StrEnum):
    BASIS = "basis"  # source relies on target (target is its "dayanak")
    AMENDS = "amends"
    REPEALS = "repeals"


class TextKind(enum.StrEnum):
    ORIGINAL = "original"  # as first published
    CONSOLIDATED = "consolidated"  # with the amendments up to ``as_of`` worked in


class Legislation(Base):
    __tablename__ = "legislation"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_code: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(1000))
    # Folded title and number, for Turkish- and accent-insensitive matching in SQL.
    search_text: Mapped[str] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(SortKey)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    gazette_date: Mapped[date | None] = mapped_column(Date)
    gazette_issue: Mapped[int | None] = mapped_column(Integer)
    gazette_repeat: Mapped[int | None] = mapped_column(Integer)
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    in_force_from: Mapped[date] = mapped_column(Date)
    status: Mapped[LegislationStatus] = mapped_column(EnumText(LegislationStatus, 10))
    repealed_on: Mapped[date | None] = mapped_column(Date)
    repealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("legislation.id"))
    # Bumped on every applied change: what an update request is written against.
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    texts: Mapped[list[LegislationText]] = relationship(
        order_by=lambda: [LegislationText.as_of, LegislationText.id],
        back_populates="legislation",
    )
    provisions: Mapped[list[LegislationProvision]] = relationship(
        order_by="LegislationProvision.position", back_populates="legislation"
    )

    __table_args__ = (
        Index("ix_legislation_type_number", "type_code", "number"),
        Index("ix_legislation_issuer", "issuer_id", "type_code"),
        Index("ix_legislation_sort_key", "sort_key"),
        Index("ix_legislation_status_type", "status", "type_code"),
        CheckConstraint("status IN ('in_force', 'repealed')", name="status"),
        CheckConstraint(
            "(status = 'repealed') = (repealed_on IS NOT NULL)", name="repealed_has_date"
        ),
    )


class LegislationText(Base):
    """A full text of the act: as first published, or consolidated as of a date."""

    __tablename__ = "legislation_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    legislation_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    kind: Mapped[TextKind] = mapped_column(EnumText(TextKind, 16))
    as_of: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)

    legislation: Mapped[Legislation] = relationship(back_populates="texts")

    __table_args__ = (
        Index("ix_legislation_texts_act", "legislation_id", "as_of"),
        CheckConstraint("kind IN ('original', 'consolidated')", name="kind"),
    )


class LegislationProvision(Base):
    """One article (madde) of the act, where the provisions are known."""

    __tablename__ = "legislation_provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    legislation_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(60))
    heading: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)

    legislation: Mapped[Legislation] = relationship(back_populates="provisions")

    __table_args__ = (
        UniqueConstraint("legislation_id", "position", name="uq_legislation_provisions_position"),
    )


class LegislationLink(Base):
    """``source`` does ``kind`` to ``target``: relies on it, amends it, or repeals it."""

    __tablename__ = "legislation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"))
    kind: Mapped[LinkKind] = mapped_column(EnumText(LinkKind, 10))
    on: Mapped[date | None] = mapped_column(Date)
    provision: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_legislation_links_source", "source_id", "kind"),
        Index("ix_legislation_links_target", "target_id", "kind"),
        CheckConstraint("source_id <> target_id", name="not_self"),
        CheckConstraint("kind IN ('basis', 'amends', 'repeals')", name="kind"),
    )
