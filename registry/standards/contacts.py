"""A unit's places of application: the two contact blocks printed under its standards table.

One record per unit (the unit whose table they are printed under). Like every registry record it
carries a version for optimistic locking, is closed rather than deleted, and appends an audit
entry on every change (the change feed follows it, and the entry is what republishes the table).
Complaints filed at the unit go to these places (``complaints.route_for``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import tree
from registry.standards.models import ServiceStandardContacts

ENTITY = "service_standard"  # the record's name in the workflow and the audit trail
CONTACT_FIELDS = ("name", "title", "address", "phone", "fax", "email", "organization")


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
        "organization": tree.number_of(session, found.organization_id),
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
        org_id, existing = _refuse_second(session, data)
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
    found.status = RecordStatus.ACTIVE
    session.add(found)
    session.flush()
    record = contacts_record(session, found)
    action = "create" if before is None else "update"
    audit.record_change(session, ENTITY, record["organization"], action, before, record, provenance)
    return found


def refuse_second_contacts(session: Session, data: dict[str, Any]) -> None:
    """A unit has one contacts record: a create while one is active is refused (use update)."""
    _refuse_second(session, data)


def _refuse_second(
    session: Session, data: dict[str, Any]
) -> tuple[int, ServiceStandardContacts | None]:
    """The unit's id and its closed record, if any (which a create opens again)."""
    org_id = tree.unit_id_for(session, data["organization"], "data.organization")
    existing = session.scalar(
        select(ServiceStandardContacts).where(ServiceStandardContacts.organization_id == org_id)
    )
    if existing is not None and existing.status == RecordStatus.ACTIVE:
        raise InvalidInput(
            "Bu birimin müracaat yerleri zaten kayıtlı; 'update' kullanın / the unit already "
            "has contacts, use 'update'.",
            errors={"data.organization": ["already has service-standard contacts"]},
        )
    return org_id, existing


def close_contacts(session: Session, target: str, *, provenance: Provenance = NO_PROVENANCE) -> str:
    """Close the unit's contacts (its table is republished no more); returns the unit's number."""
    found = get_contacts(session, target)
    _require_active(found)
    before = contacts_record(session, found)
    found.status = RecordStatus.CLOSED
    found.version += 1
    session.flush()
    after = contacts_record(session, found)
    audit.record_change(session, ENTITY, target, "close", before, after, provenance)
    return target


def _require_active(found: ServiceStandardContacts) -> None:
    if found.status != RecordStatus.ACTIVE:
        raise Conflict("Kayıt kapatılmış / the record is closed.")


def _clean(session: Session, contact: dict[str, Any], field: str) -> dict[str, Any]:
    if contact.get("organization"):
        tree.unit_id_for(session, contact["organization"], field)
    return {key: (contact.get(key) or None) for key in CONTACT_FIELDS}
