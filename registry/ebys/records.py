"""Writing and reading signatories, distribution lists and service-standard contacts.

All three belong to one unit (a signatory's unit, a list's owner, the unit whose standards table
the contacts are printed under), carry a version for optimistic locking, are closed rather than
deleted, and append an audit entry on every change (the change feed and EBYS caches follow it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.ebys.models import DistributionList, DistributionRecipient, Signatory
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import tree
from registry.standards.models import ServiceStandardContacts

SIGNATORY_FIELDS = ("name", "surname", "title", "delegation", "rank")


def _number(session: Session, org_id: int) -> str:
    return tree.number_of(session, org_id)


def _id(target: str | int, what: str) -> int:
    try:
        return int(target)
    except (TypeError, ValueError) as error:
        raise NotFound(f"{what} {target} yok / no such {what}.") from error


def _require_active(record: Signatory | DistributionList | ServiceStandardContacts) -> None:
    if record.status != "active":
        raise Conflict("Kayıt kapatılmış / the record is closed.")


# -- signatories --


def get_signatory(session: Session, target: str | int) -> Signatory:
    signatory = session.get(Signatory, _id(target, "imza yetkilisi"))
    if signatory is None:
        raise NotFound(f"İmza yetkilisi {target} yok / no such signatory.")
    return signatory


def signatory_record(session: Session, signatory: Signatory) -> dict[str, Any]:
    return {
        "id": signatory.id,
        "organization": _number(session, signatory.organization_id),
        "name": signatory.name,
        "surname": signatory.surname,
        "title": signatory.title,
        "delegation": signatory.delegation,
        "rank": signatory.rank,
        "status": signatory.status,
        "version": signatory.version,
    }


def save_signatory(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Signatory:
    """Create (no target) or update a signatory with the fields ``data`` names."""
    signatory = get_signatory(session, target) if target is not None else Signatory(version=0)
    before = signatory_record(session, signatory) if target is not None else None
    if target is not None:
        _require_active(signatory)
    if "organization" in data:
        signatory.organization_id = tree.unit_id_for(
            session, data["organization"], "data.organization"
        )
    for name in SIGNATORY_FIELDS:
        if name in data:
            setattr(
                signatory, name, data[name].strip() if isinstance(data[name], str) else data[name]
            )
    signatory.version += 1
    signatory.status = "active"
    session.add(signatory)
    session.flush()
    _audit(
        session,
        "signatory",
        str(signatory.id),
        before,
        signatory_record(session, signatory),
        provenance,
    )
    return signatory


# -- distribution lists --


def get_distribution_list(session: Session, target: str | int) -> DistributionList:
    found = session.get(DistributionList, _id(target, "dağıtım listesi"))
    if found is None:
        raise NotFound(f"Dağıtım listesi {target} yok / no such distribution list.")
    return found


def distribution_list_record(session: Session, found: DistributionList) -> dict[str, Any]:
    numbers = tree.numbers_of(session, [r.organization_id for r in found.recipients])
    return {
        "id": found.id,
        "name": found.name,
        "owner": _number(session, found.owner_id),
        "recipients": [
            {"detsis_no": numbers[r.organization_id], "kind": r.kind} for r in found.recipients
        ],
        "status": found.status,
        "version": found.version,
    }


def save_distribution_list(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> DistributionList:
    found = (
        get_distribution_list(session, target)
        if target is not None
        else DistributionList(version=0)
    )
    before = distribution_list_record(session, found) if target is not None else None
    if target is not None:
        _require_active(found)
    if "owner" in data:
        found.owner_id = tree.unit_id_for(session, data["owner"], "data.owner")
    if "name" in data:
        found.name = data["name"].strip()
    if "recipients" in data:
        recipients = [
            (tree.unit_id_for(session, r["detsis_no"], f"data.recipients.{i}.detsis_no"), r["kind"])
            for i, r in enumerate(data["recipients"])
        ]
        found.recipients.clear()
        session.flush()
        for position, (org_id, kind) in enumerate(recipients, start=1):
            found.recipients.append(
                DistributionRecipient(organization_id=org_id, kind=kind, position=position)
            )
    found.version += 1
    found.status = "active"
    session.add(found)
    session.flush()
    session.refresh(found)
    _audit(
        session,
        "distribution_list",
        str(found.id),
        before,
        distribution_list_record(session, found),
        provenance,
    )
    return found


# -- service-standard contacts --


def get_contacts(session: Session, detsis_no: str) -> ServiceStandardContacts:
    org_id = tree.organization_id(session, detsis_no)
    found = session.scalar(
        select(ServiceStandardContacts).where(ServiceStandardContacts.organization_id == org_id)
    )
    if found is None:
        raise NotFound(
            f"{detsis_no} için müracaat yerleri kayıtlı değil / no service-standard contacts."
        )
    return found


def contacts_record(session: Session, found: ServiceStandardContacts) -> dict[str, Any]:
    return {
        "organization": _number(session, found.organization_id),
        "first_contact": found.first_contact,
        "second_contact": found.second_contact,
        "response_days": found.response_days,
        "status": found.status,
        "version": found.version,
    }


def save_contacts(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> ServiceStandardContacts:
    """Create a unit's contacts (one record per unit) or update them."""
    if target is None:
        org_id = tree.unit_id_for(session, data["organization"], "data.organization")
        existing = session.scalar(
            select(ServiceStandardContacts).where(ServiceStandardContacts.organization_id == org_id)
        )
        if existing is not None and existing.status == "active":
            raise InvalidInput(
                "Bu birimin müracaat yerleri zaten kayıtlı; 'update' kullanın / the unit already "
                "has contacts, use 'update'.",
                errors={"data.organization": ["already has service-standard contacts"]},
            )
        found = existing or ServiceStandardContacts(organization_id=org_id, version=0)
        before = contacts_record(session, existing) if existing else None
    else:
        found = get_contacts(session, target)
        _require_active(found)
        before = contacts_record(session, found)
        if "organization" in data and data["organization"] != target:
            raise InvalidInput(
                "Müracaat yerleri başka birime taşınamaz / contacts stay with their unit.",
                errors={"data.organization": ["cannot change"]},
            )
    for name in ("first_contact", "second_contact"):
        if name in data:
            setattr(found, name, _clean(session, data[name], f"data.{name}.organization"))
    if "response_days" in data:
        found.response_days = data["response_days"]
    found.version += 1
    found.status = "active"
    session.add(found)
    session.flush()
    record = contacts_record(session, found)
    _audit(session, "service_standard", record["organization"], before, record, provenance)
    return found


def refuse_second_contacts(
    session: Session, data: dict[str, Any]
) -> ServiceStandardContacts | None:
    """A unit has one contacts record: a create while one is active is refused (use update)."""
    org_id = tree.unit_id_for(session, data["organization"], "data.organization")
    existing = session.scalar(
        select(ServiceStandardContacts).where(ServiceStandardContacts.organization_id == org_id)
    )
    if existing is not None and existing.status == "active":
        raise InvalidInput(
            "Bu birimin müracaat yerleri zaten kayıtlı; 'update' kullanın / the unit already "
            "has contacts, use 'update'.",
            errors={"data.organization": ["already has service-standard contacts"]},
        )
    return existing


def _clean(session: Session, contact: dict[str, Any], field: str) -> dict[str, Any]:
    keys = ("name", "title", "address", "phone", "fax", "email", "organization")
    if contact.get("organization"):
        tree.unit_id_for(session, contact["organization"], field)
    return {key: (contact.get(key) or None) for key in keys}


# -- closing --


_KINDS: dict[
    str, tuple[Callable[[Session, str], Any], Callable[[Session, Any], dict[str, Any]]]
] = {
    "signatory": (get_signatory, signatory_record),
    "distribution_list": (get_distribution_list, distribution_list_record),
    "service_standard": (get_contacts, contacts_record),
}


def close(
    session: Session, entity: str, target: str, *, provenance: Provenance = NO_PROVENANCE
) -> str:
    """Close a signatory, list or contacts record; returns the record's id."""
    get, view = _KINDS[entity]
    record = get(session, target)
    _require_active(record)
    before = view(session, record)
    record.status = "closed"
    record.version += 1
    session.flush()
    _audit(session, entity, target, before, view(session, record), provenance)
    return target


def _audit(
    session: Session,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    provenance: Provenance,
) -> None:
    action = "create" if before is None else ("close" if after["status"] == "closed" else "update")
    audit.record_change(session, entity, entity_id, action, before, after, provenance)
