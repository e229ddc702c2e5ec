"""Reference tables: Standard File Plan codes, places, categories and unit types.

Each row is one version of a record (``Dated``; ``registry.reference.dated`` writes and reads
them): the record's ``key`` stays, its versions follow each other in time.
"""

from __future__ import annotations

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
from sqlalchemy.orm import Mapped, mapped_column

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus

DISPOSITIONS = ("archive", "review", "destroy")  # SDP saklama kodu: A, AD, İ
PLACE_KINDS = ("province", "district", "country")


class Dated:
    """Columns of one version of a dated record (a mixin of each kind's model)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record's identity across its versions: a code, a place id, a post number…
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RecordStatus] = mapped_column(EnumText(RecordStatus, 10))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


def dated_args(table: str) -> tuple[object, ...]:
    return (
        UniqueConstraint("key", "version", name=f"uq_{table}_key_version"),
        Index(f"ix_{table}_key_from", "key", "valid_from"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
    )


class FilePlanCode(Dated, Base):
    """One code of the Standard File Plan (Standart Dosya Planı): a common code (no
    organization) or one of an institution's main-service codes. ``key`` is the code, prefixed
    by the institution's DETSİS number for its own codes (``24325150:710.01``)."""

    __tablename__ = "file_plan_codes"

    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    code: Mapped[str] = mapped_column(String(20))  # 010.01.02: main code and up to 3 sub-codes
    subject: Mapped[str] = mapped_column(String(300))
    level: Mapped[int] = mapped_column(Integer)
    retention_unit_years: Mapped[int | None] = mapped_column(Integer)  # birimde saklama
    retention_archive_years: Mapped[int | None] = mapped_column(Integer)  # kurum arşivinde
    disposition: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)  # dipnot
    explanation: Mapped[str | None] = mapped_column(Text)  # açıklama
    group_start: Mapped[str | None] = mapped_column(String(20))
    group_end: Mapped[str | None] = mapped_column(String(20))
    search_text: Mapped[str] = mapped_column(String(400))  # folded code and subject, for q

    __table_args__ = (
        *dated_args("file_plan_codes"),
        Index("ix_file_plan_codes_organization_code", "organization_id", "code"),
        CheckConstraint(
            "disposition IS NULL OR disposition IN ('archive', 'review', 'destroy')",
            name="disposition",
        ),
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
    )


class Place(Dated, Base):
    """A province (its number is its plate code), a district, or a country (for units abroad).

    ``number`` is the stable numeric code EBYS systems store as a unit's place
    (``Fk_BulunduguYerID``); 0 is never a place: it means "unknown"."""

    __tablename__ = "places"

    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    province_code: Mapped[int | None] = mapped_column(Integer)  # plate code, 1–81
    area_code: Mapped[str | None] = mapped_column(String(10))  # telephone, without the 0
    country_code: Mapped[int | None] = mapped_column(Integer)  # ISO 3166-1 numeric

    __table_args__ = (
        *dated_args("places"),
        Index("ix_places_number", "number"),
        CheckConstraint("kind IN ('province', 'district', 'country')", name="kind"),
        CheckConstraint("number > 0", name="number"),
    )


class Category(Dated, Base):
    """An institution category (DETSİS type 1): Bakanlık, Bağlı Kuruluş…"""

    __tablename__ = "categories"

    code: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    plural_name: Mapped[str | None] = mapped_column(String(100))
    parent_code: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (*dated_args("categories"), Index("ix_categories_code", "code"))


class UnitType(Dated, Base):
    """A unit type (DETSİS type 2): Genel Müdürlük, İl Müdürlüğü… with the two addressee
    fields of the national contract, set only where an institution registered an exception to
    the dative rule of ``registry.kernel.turkish``."""

    __tablename__ = "unit_types"

    code: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    plural_name: Mapped[str | None] = mapped_column(String(100))
    parent_code: Mapped[int | None] = mapped_column(Integer)  # a category's code
    addressee_cut: Mapped[str | None] = mapped_column(String(40))  # kesilecek muhatap bölümü
    addressee_add: Mapped[str | None] = mapped_column(String(40))  # eklenecek muhatap bölümü

    __table_args__ = (*dated_args("unit_types"), Index("ix_unit_types_code", "code"))
