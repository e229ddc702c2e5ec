"""Writing and reading data elements, and what documents and services are made of.

A data element belongs to the institution that keeps the data (its owner); what a document holds
is the document's issuer's to say, and what a service takes and produces the service's unit's,
so those two lists are records of their own (entities ``document_elements`` and
``service_elements``, id the document's or service's code). Every write appends an audit entry
with the record as the API shows it; the lists' version is the number of their entries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.catalogue import documents as document_records
from registry.catalogue import services as service_records
from registry.catalogue.models import Document, Service
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.legislation.models import Legislation
from registry.metadata.models import (
    DataElement,
    DataType,
    Direction,
    DocumentElement,
    ServiceElement,
)
from registry.organizations import tree
from registry.workflow.handling import Proposal

ELEMENT = "data_element"
DOCUMENT_ELEMENTS = "document_elements"
SERVICE_ELEMENTS = "service_elements"
_PUNCTUATION = re.compile(r"[^\w\s]")
FIELDS: tuple[str, ...] = ("name", "definition", "data_type", "format", "code_list", "unit")
FIELDS += ("provision", "personal_data", "synonyms")


def record_id(target: str | int, what: str) -> int:
    try:
        return int(target)
    except (TypeError, ValueError) as error:
        raise NotFound(f"{what} {target} yok / no such {what}.") from error


def get_element(session: Session, target: str | int) -> DataElement:
    element = session.get(DataElement, record_id(target, "veri öğesi"))
    if element is None:
        raise NotFound(f"Veri öğesi {target} yok / no such data element.")
    return element


def element_record(session: Session, element: DataElement) -> dict[str, Any]:
    """The element as the audit trail and the API show it."""
    return {
        "id": element.id,
        "name": element.name,
        "definition": element.definition,
        "data_type": str(element.data_type),
        "format": element.format,
        "code_list": element.code_list,
        "unit": element.unit,
        "owner": tree.number_of(session, element.owner_id),
        "legal_basis": element.legislation_id,
        "provision": element.provision,
        "personal_data": str(element.personal_data),
        "synonyms": list(element.synonyms or []),
        "status": str(element.status),
        "version": element.version,
    }


def element_view(session: Session, element: DataElement) -> dict[str, Any]:
    """The record, with the documents holding it and the services taking or producing it."""
    documents = session.scalars(
        select(Document.code)
        .join(DocumentElement, DocumentElement.document_id == Document.id)
        .where(DocumentElement.element_id == element.id)
        .order_by(Document.code)
    )
    services = session.execute(
        select(Service.code, ServiceElement.direction)
        .join(ServiceElement, ServiceElement.service_id == Service.id)
        .where(ServiceElement.element_id == element.id)
        .order_by(Service.code, ServiceElement.direction)
    )
    return {
        **element_record(session, element),
        "documents": list(documents),
        "services": [{"service": code, "direction": str(d)} for code, d in services],
    }


def list_elements(session: Session, q: str | None, owner: int | None) -> Sequence[DataElement]:
    """Active elements by Turkish name; ``q`` matches the name and synonyms, accents aside."""
    stmt = select(DataElement).where(DataElement.status == RecordStatus.ACTIVE)
    if owner is not None:
        stmt = stmt.where(DataElement.owner_id == owner)
    found = list(session.scalars(stmt))
    if q:
        wanted = _searchable(q)
        found = [
            e
            for e in found
            if any(wanted in _searchable(name) for name in [e.name, *(e.synonyms or [])])
        ]
    return sorted(found, key=lambda e: (turkish.sort_key(e.name), e.id))


def _searchable(text: str) -> str:
    """Folded, punctuation and spaces dropped: "tc kimlik" finds "T.C. Kimlik Numarası"."""
    return "".join(_PUNCTUATION.sub("", turkish.fold(text)).split())


def legal_basis_exists(session: Session, proposal: Proposal) -> None:
    act = proposal.data.get("legal_basis")
    if act is not None and session.get(Legislation, act) is None:
        raise InvalidInput(
            f"{act} numaralı mevzuat yok / no such legislation.",
            errors={"data.legal_basis": [f"no legislation {act}"]},
        )


def element_fits(session: Session, proposal: Proposal) -> None:
    """A code element names its code list; no two active elements of one owner share a name."""
    if proposal.action == "close":
        return
    current = get_element(session, proposal.target) if proposal.target else None
    merged = element_record(session, current) if current else {}
    merged.update(proposal.data)
    if merged.get("data_type") == DataType.CODE and not merged.get("code_list"):
        raise InvalidInput(
            "Kod türündeki veri öğesi kod listesini adlandırır / a code element names its "
            "code list.",
            errors={"data.code_list": ["required when data_type is code"]},
        )
    owner = tree.unit_id_for(session, merged["owner"], "data.owner", open_only=False)
    folded = turkish.fold(merged["name"])
    for other in session.scalars(
        select(DataElement).where(
            DataElement.owner_id == owner, DataElement.status == RecordStatus.ACTIVE
        )
    ):
        if other.id != (current.id if current else None) and turkish.fold(other.name) == folded:
            raise InvalidInput(
                f"Bu kurumun '{other.name}' adlı bir veri öğesi zaten var (#{other.id}) / the "
                "owner already has a data element of this name.",
                errors={"data.name": [f"taken by data element {other.id}"]},
            )


def save_element(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> DataElement:
    """Create (no target) or update a data element with the fields ``data`` names."""
    element = get_element(session, target) if target is not None else DataElement(version=0)
    before = element_record(session, element) if target is not None else None
    if target is not None and element.status != RecordStatus.ACTIVE:
        raise Conflict("Veri öğesi kapatılmış / the data element is closed.")
    if "owner" in data:
        element.owner_id = tree.unit_id_for(session, data["owner"], "data.owner")
    if "legal_basis" in data:
        element.legislation_id = data["legal_basis"]
    for name in FIELDS:
        if name in data:
            setattr(element, name, data[name])
    if element.synonyms is None:
        element.synonyms = []
    element.version += 1
    element.status = RecordStatus.ACTIVE
    session.add(element)
    session.flush()
    after = element_record(session, element)
    action = "create" if before is None else "update"
    audit.record_change(session, ELEMENT, str(element.id), action, before, after, provenance)
    return element


def close_element(session: Session, target: str, *, provenance: Provenance = NO_PROVENANCE) -> str:
    """Close an element: documents, services and integrations stop counting it."""
    element = get_element(session, target)
    if element.status != RecordStatus.ACTIVE:
        raise Conflict("Veri öğesi kapatılmış / the data element is closed.")
    before = element_record(session, element)
    element.status = RecordStatus.CLOSED
    element.version += 1
    session.flush()
    after = element_record(session, element)
    audit.record_change(session, ELEMENT, target, "close", before, after, provenance)
    return target


def active_elements(session: Session, ids: Sequence[int], field: str) -> list[int]:
    """The ids as given, each an active data element (else a 422 naming the list item)."""
    found = {
        e.id: e.status
        for e in session.scalars(select(DataElement).where(DataElement.id.in_(set(ids))))
    }
    for index, element_id in enumerate(ids):
        if found.get(element_id) != RecordStatus.ACTIVE:
            raise InvalidInput(
                f"{element_id} numaralı etkin veri öğesi yok / no active data element "
                f"{element_id}.",
                errors={f"{field}.{index}": [f"no active data element {element_id}"]},
            )
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            "Bir veri öğesi iki kez yazılmış / a data element is listed twice.",
            errors={field: ["listed twice"]},
        )
    return list(ids)


def _version(session: Session, entity: str, entity_id: str) -> int:
    """A list's version: how many changes the audit trail holds of it, plus one."""
    count = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    )
    return (count or 0) + 1


# -- what a document holds --


def document_elements_record(session: Session, document: Document) -> dict[str, Any]:
    ids = session.scalars(
        select(DocumentElement.element_id)
        .where(DocumentElement.document_id == document.id)
        .order_by(DocumentElement.position)
    )
    return {"document": document.code, "elements": list(ids)}


def document_elements_live(session: Session, code: str) -> tuple[int, dict[str, Any]]:
    document = document_records.get_document(session, code)
    version = _version(session, DOCUMENT_ELEMENTS, code)
    return version, document_elements_record(session, document)


def save_document_elements(
    session: Session, code: str, elements: list[int], *, provenance: Provenance = NO_PROVENANCE
) -> str:
    document = document_records.get_document(session, code)
    before = document_elements_record(session, document)
    for link in session.scalars(
        select(DocumentElement).where(DocumentElement.document_id == document.id)
    ):
        session.delete(link)
    session.flush()
    session.add_all(
        DocumentElement(document_id=document.id, element_id=element_id, position=position)
        for position, element_id in enumerate(elements, start=1)
    )
    session.flush()
    after = document_elements_record(session, document)
    audit.record_change(session, DOCUMENT_ELEMENTS, code, "update", before, after, provenance)
    return code


# -- what a service takes and produces --


def service_elements_record(session: Session, service: Service) -> dict[str, Any]:
    links = session.scalars(
        select(ServiceElement)
        .where(ServiceElement.service_id == service.id)
        .order_by(ServiceElement.direction, ServiceElement.position)
    ).all()
    return {
        "service": service.code,
        "inputs": [link.element_id for link in links if link.direction == Direction.INPUT],
        "outputs": [link.element_id for link in links if link.direction == Direction.OUTPUT],
    }


def service_elements_live(session: Session, code: str) -> tuple[int, dict[str, Any]]:
    service = service_records.get_service(session, code)
    return _version(session, SERVICE_ELEMENTS, code), service_elements_record(session, service)


def save_service_elements(
    session: Session, code: str, data: dict[str, Any], *, provenance: Provenance = NO_PROVENANCE
) -> str:
    """Replace the inputs and/or outputs ``data`` names; the other direction stays."""
    service = service_records.get_service(session, code)
    before = service_elements_record(session, service)
    wanted = {
        Direction.INPUT: data.get("inputs", before["inputs"]),
        Direction.OUTPUT: data.get("outputs", before["outputs"]),
    }
    for link in session.scalars(
        select(ServiceElement).where(ServiceElement.service_id == service.id)
    ):
        session.delete(link)
    session.flush()
    session.add_all(
        ServiceElement(
            service_id=service.id, element_id=element_id, direction=direction, position=position
        )
        for direction, ids in wanted.items()
        for position, element_id in enumerate(ids, start=1)
    )
    session.flush()
    after = service_elements_record(session, service)
    audit.record_change(session, SERVICE_ELEMENTS, code, "update", before, after, provenance)
    return code
