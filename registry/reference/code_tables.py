"""The code tables of DETSİS: institution categories (type 1) and unit types (type 2).

Units carry their category and unit type by name (``schemas.vocabularies``); the tables give
each a stable code, a plural name and a parent, as EBYS systems copy them. A unit type also has
the two addressee fields of the national contract: the ending to cut from a unit's name and the
text to add to it to write the addressee of a letter (the dative). The rule of
``registry.kernel.turkish.dative`` stays the source of truth: the fields show what it gives, and
a value is stored only where an institution registered an exception to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput
from registry.reference import dated
from registry.reference.models import Category, UnitType
from registry.workflow.handling import Proposal
from schemas.vocabularies import CATEGORIES, UNIT_TYPES

# Plural names of the packaged vocabularies (Turkish plurals do not follow one rule here).
PLURALS: dict[str, str] = {
    "Cumhurbaşkanlığı": "Cumhurbaşkanlığı",
    "Anayasal Kuruluş": "Anayasal Kuruluşlar",
    "Bakanlık": "Bakanlıklar",
    "Bağlı Kuruluş": "Bağlı Kuruluşlar",
    "İlgili Kuruluş": "İlgili Kuruluşlar",
    "İlişkili Kuruluş": "İlişkili Kuruluşlar",
    "Bağımsız Düzenleyici Kurum": "Bağımsız Düzenleyici Kurumlar",
    "Yükseköğretim Kurumu": "Yükseköğretim Kurumları",
    "Mülki İdare": "Mülki İdareler",
    "Belediye": "Belediyeler",
    "İl Özel İdaresi": "İl Özel İdareleri",
    "Kamu İktisadi Teşebbüsü": "Kamu İktisadi Teşebbüsleri",
    "Diğer Kamu Kurumu": "Diğer Kamu Kurumları",
    "Başkanlık": "Başkanlıklar",
    "Kurum Başkanlığı": "Kurum Başkanlıkları",
    "Genel Müdürlük": "Genel Müdürlükler",
    "Genel Sekreterlik": "Genel Sekreterlikler",
    "Rektörlük": "Rektörlükler",
    "Fakülte": "Fakülteler",
    "Enstitü": "Enstitüler",
    "Yüksekokul": "Yüksekokullar",
    "Daire Başkanlığı": "Daire Başkanlıkları",
    "Müşavirlik": "Müşavirlikler",
    "Şube Müdürlüğü": "Şube Müdürlükleri",
    "Müdürlük": "Müdürlükler",
    "Birim": "Birimler",
    "Merkez": "Merkezler",
    "Kurul": "Kurullar",
    "Valilik": "Valilikler",
    "Kaymakamlık": "Kaymakamlıklar",
    "İl Müdürlüğü": "İl Müdürlükleri",
    "İlçe Müdürlüğü": "İlçe Müdürlükleri",
    "Bölge Müdürlüğü": "Bölge Müdürlükleri",
    "Büyükelçilik": "Büyükelçilikler",
    "Başkonsolosluk": "Başkonsolosluklar",
    "Müşavirlik (Yurt Dışı)": "Müşavirlikler (Yurt Dışı)",
    "Temsilcilik": "Temsilcilikler",
}


def rule_addressee(name: str) -> tuple[str, str]:
    """(ending to cut, text to add) that turn ``name`` into its dative by the rule."""
    target = turkish.dative(name)
    common = 0
    while common < min(len(name), len(target)) and name[common] == target[common]:
        common += 1
    return name[common:], target[common:]


def _category_view(_session: Session, row: Category) -> dict[str, Any]:
    return {
        "id": row.code,
        "name": row.name,
        "plural_name": row.plural_name,
        "parent": row.parent_code,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


def _unit_type_view(_session: Session, row: UnitType) -> dict[str, Any]:
    cut, add = rule_addressee(row.name)
    exception = row.addressee_cut is not None or row.addressee_add is not None
    return {
        "id": row.code,
        "name": row.name,
        "plural_name": row.plural_name,
        "parent": row.parent_code,
        "addressee_cut": row.addressee_cut if exception else cut,
        "addressee_add": row.addressee_add if exception else add,
        "addressee_exception": exception,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


CATEGORY: dated.Kind[Category] = dated.Kind(
    entity="category",
    model=Category,
    fields=("code", "name", "plural_name", "parent_code"),
    view=_category_view,
    label="kategori / category",
)
UNIT_TYPE: dated.Kind[UnitType] = dated.Kind(
    entity="unit_type",
    model=UnitType,
    fields=("code", "name", "plural_name", "parent_code", "addressee_cut", "addressee_add"),
    view=_unit_type_view,
    label="birim türü / unit type",
)


def values(_session: Session, data: dict[str, Any]) -> dict[str, Any]:
    renamed = {"id": "code", "parent": "parent_code"}
    out = {renamed.get(k, k): v for k, v in data.items()}
    if "addressee" in out:  # {cut, add}, or None to follow the rule again
        exception = out.pop("addressee") or {}
        out["addressee_cut"] = exception.get("cut")
        out["addressee_add"] = exception.get("add")
    return out


def key_for(_session: Session, data: dict[str, Any]) -> str:
    return str(data["id"])


def parent_exists(parent_kind: dated.Kind[Any]) -> Any:
    """The parent code names an active record of ``parent_kind`` (categories for unit types)."""

    def check(session: Session, proposal: Proposal) -> None:
        parent = proposal.data.get("parent")
        if parent is None or proposal.action == "close":
            return
        found = dated.latest(session, parent_kind, str(parent))
        if found is None or found.status != RecordStatus.ACTIVE:
            raise InvalidInput(
                f"Üst kod {parent} yok / no parent {parent} in the {parent_kind.entity} table.",
                errors={"data.parent": [f"no {parent_kind.entity} {parent}"]},
            )

    return check


def table_rows(session: Session, kind: dated.Kind[Any], on: date) -> list[Any]:
    model = kind.model
    return list(
        session.scalars(
            dated.rows_on(kind, on).where(model.status == RecordStatus.ACTIVE).order_by(model.code)
        )
    )


def load_packaged(session: Session, on: date, provenance: Provenance) -> tuple[int, int]:
    """The vocabularies as code tables, numbered in their order (new names get the next code):
    the records a new registry starts from: (created, already there). Running it again changes
    nothing."""
    created = unchanged = 0
    tables: tuple[tuple[dated.Kind[Any], tuple[str, ...]], ...] = (
        (CATEGORY, CATEGORIES),
        (UNIT_TYPE, UNIT_TYPES),
    )
    for kind, names in tables:
        known = {row.name for row in session.scalars(select(kind.model))}
        next_code = session.scalar(select(kind.model.code).order_by(kind.model.code.desc())) or 0
        for name in names:
            if name in known:
                unchanged += 1
                continue
            next_code += 1
            row = kind.model(
                key=str(next_code),
                version=1,
                valid_from=on,
                valid_to=None,
                status=RecordStatus.ACTIVE,
                code=next_code,
                name=name,
                plural_name=PLURALS.get(name),
                parent_code=None,
            )
            session.add(row)
            session.flush()
            audit.record_change(
                session, kind.entity, row.key, "create", None, kind.view(session, row), provenance
            )
            created += 1
    return created, unchanged
