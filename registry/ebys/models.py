"""What EBYS systems need besides the tree: signatories and distribution lists.

Each belongs to one unit and changes only through approved change requests: signatories are who
signs a unit's letters, distribution lists whom a letter is sent to, for action (gereği) or for
information (bilgi). Everything else a letter needs (letterhead, addressee, KEP addresses,
certificate, contact block) is read from the unit's versions in the tree.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus


class Signatory(Base):
    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    # Signing on someone's behalf ("Bakan a.") or acting for them ("Bakan V."); None: in own name.
    delegation: Mapped[str | None] = mapped_column(String(100))
    # 1 is the highest: with two signatures the higher one signs on the right.
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_signatories_organization", "organization_id", "status", "rank"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint("rank >= 1", name="rank"),
    )


class DistributionList(Base):
    __tablename__ = "distribution_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    recipients: Mapped[list[DistributionRecipient]] = relationship(
        order_by="DistributionRecipient.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_distribution_lists_owner", "owner_id", "status"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
    )


class DistributionRecipient(Base):
    __tablename__ = "distribution_recipients"

    list_id: Mapped[int] = mapped_column(ForeignKey("distribution_lists.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # gereği (for action) | bilgi (for information)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("kind IN ('gereği', 'bilgi')", name="kind"),)
