"""What EBYS systems need besides the tree: signatories, distribution lists, and the dated
records of a unit's managers, other identifiers, budget type, officers' work contacts and the
e-Yazışma package version its EBYS accepts.

Each belongs to one unit and changes only through approved change requests: signatories are who
signs a unit's letters, distribution lists whom a letter is sent to, for action (gereği) or for
information (bilgi). Everything else a letter needs (letterhead, addressee, KEP addresses,
certificate, contact block) is read from the unit's versions in the tree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus
from registry.organizations.models import SortKey
from registry.reference.models import Dated, dated_args


class Signatory(Base):
    """Who signs a unit's letters: a written name and title, or a manager post (the head of a
    unit, as of the letter's date), or both (the written name signs while the post is vacant)."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    # Written name and title: who signs, or (with a manager post) who signs while it is vacant.
    name: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))
    # The unit whose head post signs: the letter names whoever holds it on the letter's date
    # (``registry.ebys.managers``), so a new appointment needs no new signatory.
    manager_of_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
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
        CheckConstraint(
            "manager_of_id IS NOT NULL OR "
            "(name IS NOT NULL AND surname IS NOT NULL AND title IS NOT NULL)",
            name="signer",
        ),
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


# -- dated records of a unit (registry.reference.dated): each change is a new version --

APPOINTMENTS = ("asaleten", "vekaleten", "gorevlendirme")
BUDGET_TYPES = (
    "general_budget",  # genel bütçeli idare
    "special_budget",  # özel bütçeli idare
    "regulatory_body",  # düzenleyici ve denetleyici kurum
    "social_security",  # sosyal güvenlik kurumu
    "local_administration",  # mahalli idare
    "state_enterprise",  # kamu iktisadi teşebbüsü
    "revolving_fund",  # döner sermayeli işletme
    "other",  # diğer (fonlar, vakıf üniversiteleri…)
)


class ManagerPost(Dated, Base):
    """Who holds (or held) a unit's head post: one record per appointment, numbered by ``key``.

    Personal data are kept to the name and title a letter prints: no birth date, age or national
    id. The person is known by the person key (``registry.accounts.persons``), so two posts of
    one person are linked without storing who that person is."""

    __tablename__ = "manager_posts"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    person_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    appointment: Mapped[str] = mapped_column(String(20))  # asaleten | vekaleten | görevlendirme
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)  # the post's last day

    __table_args__ = (
        *dated_args("manager_posts"),
        Index("ix_manager_posts_organization", "organization_id", "since"),
        Index("ix_manager_posts_person", "person_key"),
        CheckConstraint(
            "appointment IN ('asaleten', 'vekaleten', 'gorevlendirme')", name="appointment"
        ),
        CheckConstraint("until IS NULL OR until >= since", name="post_range"),
    )


class UnitIdentifiers(Dated, Base):
    """A unit's other numbers: its e-tebligat (UETS) address, its old State Organization Ledger
    number (kütük no) and its tax number. ``key``: the unit's DETSİS number."""

    __tablename__ = "unit_identifiers"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    uets: Mapped[str | None] = mapped_column(String(20))
    kutuk_no: Mapped[str | None] = mapped_column(String(30))
    tax_no: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        *dated_args("unit_identifiers"),
        Index("ix_unit_identifiers_organization", "organization_id"),
        Index("ix_unit_identifiers_kutuk_no", "kutuk_no"),
        Index("ix_unit_identifiers_uets", "uets"),
    )


class BudgetProfile(Dated, Base):
    """An institution's budget type and legal personality. ``key``: its DETSİS number."""

    __tablename__ = "budget_profiles"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    budget_type: Mapped[str] = mapped_column(String(30))
    legal_entity: Mapped[bool] = mapped_column(Boolean)  # tüzel kişiliği var mı

    __table_args__ = (
        *dated_args("budget_profiles"),
        Index("ix_budget_profiles_organization", "organization_id"),
        CheckConstraint(
            "budget_type IN ('general_budget', 'special_budget', 'regulatory_body', "
            "'social_security', 'local_administration', 'state_enterprise', 'revolving_fund', "
            "'other')",
            name="budget_type",
        ),
    )


class OfficerContact(Dated, Base):
    """The public work contact of an account that keeps its institution's records (a DETSİS
    officer): title, work phone and e-mail. Accounts keep no contact of their own, so it is
    kept here, through the workflow. ``key``: the account's id."""

    __tablename__ = "officer_contacts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    title: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))

    __table_args__ = (
        *dated_args("officer_contacts"),
        Index("ix_officer_contacts_organization", "organization_id"),
    )


class EypVersion(Dated, Base):
    """The e-Yazışma package (EYP) version an institution's EBYS accepts. ``key``: its DETSİS
    number."""

    __tablename__ = "eyp_versions"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    package_version: Mapped[str] = mapped_column(String(20))

    __table_args__ = (
        *dated_args("eyp_versions"),
        Index("ix_eyp_versions_organization", "organization_id"),
    )


# -- the EBYS facts projection (issue 27; ``registry.ebys.projection``) --

# Compared byte by byte on both backends (keyset pages, subtree ranges of ``path``).
FactsNumber = String(8).with_variant(String(8, collation="C"), "postgresql")
FactsPath = String(200).with_variant(String(200, collation="C"), "postgresql")
# Derived rows, rebuilt from the records: outside the ledger and outside dumps.
PROJECTION_INFO = {"ledger": False, "dump": False}


class EbysFactsRow(Base):
    """What a letter and the SOAP daily sync need of one unit in force on ``as_of`` (the
    state's), computed at audit entry ``seq``: ``facts`` (the ``UnitFacts`` of an open unit,
    as JSON; None for a closed one) and ``record`` (its ``KurumBirimWS``, also as XML), with
    the columns the daily-sync operations filter and page by."""

    __tablename__ = "ebys_facts"
    __table_args__ = (
        Index("ix_ebys_facts_path", "path"),
        Index("ix_ebys_facts_changed_at", "changed_at"),
        {"info": PROJECTION_INFO},
    )

    detsis_no: Mapped[str] = mapped_column(FactsNumber, primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer, unique=True)
    path: Mapped[str] = mapped_column(FactsPath)  # "/root id/…/unit id/"
    depth: Mapped[int] = mapped_column(Integer)  # 1 for a root
    sort_key: Mapped[str] = mapped_column(SortKey)
    status: Mapped[str] = mapped_column(String(10))
    corresponds_externally: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # last version recorded
    has_kep: Mapped[bool] = mapped_column(Boolean)  # an active KEP address of its own
    own_kep: Mapped[list[str]] = mapped_column(JSON)  # its own active KEP addresses
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    # ``record`` as its ``KurumBirimWS`` element, written once by lxml: the daily sync copies
    # these bytes instead of building 200,000 elements per call.
    record_xml: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(Integer)


class EbysFactsState(Base):
    """Where the projection stands: every audit entry up to ``seq`` is reflected in its rows,
    which are the units as they stand on ``as_of``. No row: never built (or restored from a
    dump, which leaves projections out)."""

    __tablename__ = "ebys_facts_state"
    __table_args__ = ({"info": PROJECTION_INFO},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    rebuilt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
