"""Change requests for services (two-step approval) and standard document names."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from registry.catalogue import documents as document_records
from registry.catalogue import name_resolution, unmatched_names
from registry.catalogue import services as records
from registry.catalogue.models import DocumentRole
from registry.workflow import review_tasks
from registry.workflow.handling import (
    Change,
    Proposal,
    RecordHandler,
    active_target,
    changes_something,
    named_unit,
    reason_to_close,
)
from schemas.catalogue.documents import UnmatchedDecisionSchema
from schemas.catalogue.services import (
    DocumentInputSchema,
    DocumentUpdateSchema,
    ServiceInputSchema,
    ServiceUpdateSchema,
)

# -- services: the providing unit's records; its institution approves before the reviewers --


def _service_references(session: Session, proposal: Proposal) -> None:
    records.check_service_references(session, proposal.data)


def _service_name(session: Session, proposal: Proposal) -> None:
    """No second active service of the same name in one unit (checked again on approval)."""
    service = records.get_service(session, proposal.target) if proposal.target else None
    if proposal.action != "close":
        records.check_service_name(session, service, proposal.data)


def _service_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The providing unit, and the new one when the service moves."""
    scopes: list[int | None] = []
    if target is not None:
        scopes.append(records.get_service(session, target).organization_id)
    if data.get("organization"):
        scopes.append(named_unit(session, data, "organization"))
    return scopes


def _service_live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    """The service's record, its documents listing the names still queued as written: what
    it asks for, so that dropping such a name is a change and repeating it is none."""
    service = records.get_service(session, target)
    record = records.service_record(session, service)
    for name, role in (
        ("required_documents", DocumentRole.REQUIRED),
        ("issued_documents", DocumentRole.ISSUED),
    ):
        queued = unmatched_names.awaiting(session, [service.id], role.value).get(service.id, [])
        record[name] = [*record.get(name, []), *queued]
    return service.version, record


def _create_service(session: Session, change: Change) -> str:
    return records.create_service(session, change.data, provenance=change.provenance).code


def _update_service(session: Session, change: Change) -> str:
    """An approved update (or close) is the review the service's open tasks asked for."""
    assert change.target is not None
    asked = records.get_service(session, change.target)
    for name, role in (
        ("required_documents", DocumentRole.REQUIRED),
        ("issued_documents", DocumentRole.ISSUED),
    ):
        if name in change.data:
            unmatched_names.drop_superseded(session, asked.id, role.value, change.data[name])
    service = records.update_service(
        session, change.target, change.data, provenance=change.provenance
    )
    review_tasks.resolve_for_service(session, service, change.provenance.approved_by)
    return service.code


def _close_service(session: Session, change: Change) -> str:
    assert change.target is not None
    service = records.close_service(session, change.target, provenance=change.provenance)
    review_tasks.resolve_for_service(session, service, change.provenance.approved_by)
    return service.code


SERVICE = RecordHandler(
    entity="service",
    schemas={"create": ServiceInputSchema, "update": ServiceUpdateSchema, "close": Schema},
    checks=(
        changes_something,
        reason_to_close(),
        active_target(
            records.get_service,
            "Hizmet kapatılmış / the service is closed.",
            {"target": ["closed service"]},
        ),
        _service_references,
        _service_name,
    ),
    scopes=_service_scopes,
    live=_service_live,
    appliers={"create": _create_service, "update": _update_service, "close": _close_service},
    two_step=True,
)


# -- document names: the issuer's records; names issued by no institution are the group's --


def _document_names(session: Session, proposal: Proposal) -> None:
    """The target exists; a new or changed name is not another document's."""
    target = proposal.target
    document = document_records.get_document(session, target) if target is not None else None
    if proposal.action != "close":
        document_records.check_document_names(session, document, proposal.data)


def _document_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    scopes: list[int | None] = []
    if target is not None:
        scopes.append(document_records.get_document(session, target).issuer_id)
    if action == "create" or "issuer" in data:
        scopes.append(named_unit(session, data, "issuer"))
    return scopes


def _document_live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    document = document_records.get_document(session, target)
    return document.version, document_records.document_record(session, document)


def _create_document(session: Session, change: Change) -> str:
    return document_records.create_document(session, change.data, provenance=change.provenance).code


def _update_document(session: Session, change: Change) -> str:
    assert change.target is not None
    return document_records.update_document(
        session, change.target, change.data, provenance=change.provenance
    ).code


def _close_document(session: Session, change: Change) -> str:
    assert change.target is not None
    return document_records.close_document(
        session, change.target, provenance=change.provenance
    ).code


DOCUMENT = RecordHandler(
    entity="document",
    schemas={"create": DocumentInputSchema, "update": DocumentUpdateSchema, "close": Schema},
    checks=(changes_something, reason_to_close(), _document_names),
    scopes=_document_scopes,
    live=_document_live,
    appliers={"create": _create_document, "update": _update_document, "close": _close_document},
)


# -- queued document names: a resolution is proposed by one person and approved by another --


def _resolvable(session: Session, proposal: Proposal) -> None:
    assert proposal.target is not None
    name_resolution.check(session, proposal.target, proposal.data)


def _resolution_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The unit of the service that asked under the name."""
    assert target is not None
    return name_resolution.units(session, target)


def _resolution_touches(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The issuer of the document that gets the alias (or of the new one) agrees too."""
    assert target is not None
    return name_resolution.touched(session, target, data)


def _resolution_live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    item = name_resolution.get_item(session, target)
    return name_resolution.version(item), name_resolution.record(session, item)


def _resolve(session: Session, change: Change) -> str:
    assert change.target is not None
    name_resolution.apply(session, change.target, change.data, change.provenance)
    return change.target


DOCUMENT_NAME = RecordHandler(
    entity=name_resolution.ENTITY,
    schemas={"update": UnmatchedDecisionSchema},
    checks=(_resolvable,),
    scopes=_resolution_scopes,
    touches=_resolution_touches,
    live=_resolution_live,
    appliers={"update": _resolve},
)
