"""A unit's other identifiers (its e-tebligat address, old ledger number, tax number) and an
institution's budget type and legal personality: dated records of the unit, kept through the
workflow, read as of a date and looked up backwards (which unit has this kütük no?)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from registry.ebys.models import BudgetProfile, UnitIdentifiers
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import tree
from registry.reference import dated
from registry.workflow.handling import Proposal

BUDGET_TYPE_NAMES = {
    "general_budget": "Genel Bütçeli İdare",
    "special_budget": "Özel Bütçeli İdare",
    "regulatory_body": "Düzenleyici ve Denetleyici Kurum",
    "social_security": "Sosyal Güvenlik Kurumu",
    "local_administration": "Mahalli İdare",
    "state_enterprise": "Kamu İktisadi Teşebbüsü",
    "revolving_fund": "Döner Sermayeli İşletme",
    "other": "Diğer",
}
IDENTIFIER_FIELDS = ("uets", "kutuk_no", "tax_no")


def _identifiers_view(session: Session, row: UnitIdentifiers) -> dict[str, Any]:
    return {
        "detsis_no": tree.number_of(session, row.organization_id),
        "uets": row.uets,
        "kutuk_no": row.kutuk_no,
        "tax_no": row.tax_no,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


def _budget_view(session: Session, row: BudgetProfile) -> dict[str, Any]:
    return {
        "detsis_no": tree.number_of(session, row.organization_id),
        "budget_type": row.budget_type,
        "budget_type_name": BUDGET_TYPE_NAMES.get(row.budget_type),
        "legal_entity": row.legal_entity,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


IDENTIFIERS: dated.Kind[UnitIdentifiers] = dated.Kind(
    entity="unit_identifiers",
    model=UnitIdentifiers,
    fields=("organization_id", *IDENTIFIER_FIELDS),
    view=_identifiers_view,
    label="birim tanıtıcıları / unit identifiers",
)
BUDGET: dated.Kind[BudgetProfile] = dated.Kind(
    entity="budget_profile",
    model=BudgetProfile,
    fields=("organization_id", "budget_type", "legal_entity"),
    view=_budget_view,
    label="bütçe türü / budget type",
)


def values(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k != "organization"}
    if "organization" in data:
        out["organization_id"] = tree.unit_id_for(
            session, data["organization"], "data.organization"
        )
    return out


def key_for(_session: Session, data: dict[str, Any]) -> str:
    return str(data["organization"])


def unique_identifiers(session: Session, proposal: Proposal) -> None:
    """An e-tebligat address or a kütük no names one unit (a tax number may be shared by the
    units of one legal entity)."""
    for name in ("uets", "kutuk_no"):
        value = proposal.data.get(name)
        if not value:
            continue
        holders = [
            key
            for key in session.scalars(
                dated.rows_on(IDENTIFIERS, today())
                .with_only_columns(UnitIdentifiers.key)
                .where(
                    getattr(UnitIdentifiers, name) == value,
                    UnitIdentifiers.status == RecordStatus.ACTIVE,
                )
            )
            if key != (proposal.target or proposal.data.get("organization"))
        ]
        if holders:
            raise Conflict(
                f"Bu {name} başka bir birimde kayıtlı ({holders[0]}) / this {name} is "
                "registered for another unit.",
                errors={f"data.{name}": [f"held by {holders[0]}"]},
            )


def an_institution(session: Session, proposal: Proposal) -> None:
    """A budget type is an institution's (the top of its subtree), not a unit's inside it."""
    number = proposal.data.get("organization")
    if not number:
        return
    org_id = tree.unit_id_for(session, number, "data.organization")
    path = tree.path_at(session, org_id, today())
    if not path or tree.institution_of(path).organization_id != org_id:
        raise InvalidInput(
            "Bütçe türü kurum düzeyinde tutulur / a budget type belongs to an institution.",
            errors={"data.organization": ["not an institution"]},
        )


def identifiers_of(session: Session, number: str, on: date) -> UnitIdentifiers:
    tree.organization_id(session, number)
    return dated.as_of(session, IDENTIFIERS, number, on)


def budget_of(session: Session, number: str, on: date) -> BudgetProfile:
    tree.organization_id(session, number)
    return dated.as_of(session, BUDGET, number, on)


def lookup(session: Session, field: str, value: str, on: date) -> list[UnitIdentifiers]:
    """The units whose identifier ``field`` is ``value`` on ``on`` (the reverse lookup)."""
    if field not in IDENTIFIER_FIELDS:
        raise InvalidInput(f"Bilinmeyen tanıtıcı / unknown identifier {field}.")
    return list(
        session.scalars(
            dated.rows_on(IDENTIFIERS, on).where(
                getattr(UnitIdentifiers, field) == value.strip(),
                UnitIdentifiers.status == RecordStatus.ACTIVE,
            )
        )
    )


def numbers_with_kutuk_no(session: Session, kutuk_no: str, on: date) -> list[str]:
    """DETSİS numbers of the units registered under an old ledger number on ``on``."""
    return [row.key for row in lookup(session, "kutuk_no", kutuk_no, on)]


def budget_profiles(session: Session, on: date) -> list[BudgetProfile]:
    """Every institution's budget type in force on ``on`` (AnaKurumlarButceTurleri)."""
    return list(
        session.scalars(
            dated.rows_on(BUDGET, on)
            .where(BudgetProfile.status == RecordStatus.ACTIVE)
            .order_by(BudgetProfile.key)
        )
    )
