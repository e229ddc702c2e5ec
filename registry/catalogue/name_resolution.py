"""Resolving a queued document name: an alias of a known document, or a new one; the service
that asked under that name then gets the document in the role it was asked in.

A resolution changes published data (a document's aliases, a new document, a service's
documents, the standards tables listing the service), so it is a change request like any other
(entity ``document_name``, declared in ``catalogue/handlers.py``): one person proposes it,
another approves it, and the approval applies it here. The functions below are the checks on
submission and the applier; none of them decides who may act (the workflow asks the policy).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.catalogue import documents as document_records
from registry.catalogue import services as records
from registry.catalogue.models import Document, Service, UnmatchedDocumentName, UnmatchedStatus
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import tree

ENTITY = "document_name"  # the change requests' and the audit trail's name for a resolution


def get_item(session: Session, target: str, *, lock: bool = False) -> UnmatchedDocumentName:
    """The queued name a request's ``target`` (its id) names."""
    item_id = int(target) if target.isdigit() else 0
    item = session.get(UnmatchedDocumentName, item_id, with_for_update=lock) if item_id else None
    if item is None:
        raise NotFound(f"{target} numaralı eşleşmemiş ad yok / no such unmatched name.")
    return item


def check(session: Session, target: str, decision: dict[str, Any]) -> None:
    """Refuse a resolution that could not be applied: a name resolved already, a closed
    document, a new document whose name or aliases are another document's."""
    item = get_item(session, target)
    if item.status != UnmatchedStatus.OPEN:
        raise Conflict("Bu ad zaten eşleştirildi / the name is already resolved.")
    if decision.get("document"):
        document = document_records.get_document(session, decision["document"])
        if document.status != RecordStatus.ACTIVE:
            raise InvalidInput(
                "Belge kapatılmış / the document is closed.", errors={"data.document": ["closed"]}
            )
        if item.folded not in {turkish.fold(a.alias) for a in document.aliases}:
            document_records.check_document_names(session, document, {"aliases": [item.name]})
    else:
        document_records.check_document_names(session, None, decision["new_document"])


def units(session: Session, target: str) -> list[int | None]:
    """The unit of the service that asked under the name (None: no service, the group's)."""
    item = get_item(session, target)
    service = session.get(Service, item.service_id) if item.service_id else None
    return [service.organization_id if service is not None else None]


def touched(session: Session, target: str, decision: dict[str, Any]) -> list[int | None]:
    """The issuer of the document that gets the alias, or of the new document."""
    if decision.get("document"):
        return [document_records.get_document(session, decision["document"]).issuer_id]
    issuer = (decision.get("new_document") or {}).get("issuer")
    return [tree.unit_id_for(session, issuer, "data.new_document.issuer")] if issuer else []


def record(session: Session, item: UnmatchedDocumentName) -> dict[str, Any]:
    """The queued name as the audit trail and a request's diff show it."""
    service = session.get(Service, item.service_id) if item.service_id else None
    document = session.get(Document, item.document_id) if item.document_id else None
    return {
        "name": item.name,
        "service": service.code if service is not None else None,
        "organization": (
            tree.number_of(session, service.organization_id) if service is not None else None
        ),
        "role": item.role,
        "status": item.status,
        "document": document.code if document is not None else None,
    }


def version(item: UnmatchedDocumentName) -> int:
    """1 while the name waits, 2 once resolved: a second resolution of it is stale."""
    return 1 if item.status == UnmatchedStatus.OPEN else 2


def apply(
    session: Session, target: str, decision: dict[str, Any], provenance: Provenance
) -> UnmatchedDocumentName:
    """Make the name an alias of ``decision['document']`` (a code), or create
    ``decision['new_document']`` with the name as its alias; link the service."""
    item = get_item(session, target, lock=True)
    check(session, target, decision)
    before = record(session, item)
    if decision.get("document"):
        document = document_records.get_document(session, decision["document"])
        if item.folded not in {turkish.fold(a.alias) for a in document.aliases}:
            aliases = [a.alias for a in document.aliases if a.alias != document.name]
            document_records.update_document(
                session, document.code, {"aliases": [*aliases, item.name]}, provenance=provenance
            )
    else:
        new = decision["new_document"]
        document = document_records.create_document(session, new, provenance=provenance)
        given = list(new.get("aliases") or [])
        if item.folded not in {turkish.fold(n) for n in [document.name, *given]}:
            document_records.update_document(
                session, document.code, {"aliases": [*given, item.name]}, provenance=provenance
            )
    if item.service_id is not None and item.role is not None:
        records.add_service_document(
            session, item.service_id, document.id, item.role, provenance=provenance
        )
    item.status = UnmatchedStatus.RESOLVED
    item.document_id = document.id
    item.resolved_at = datetime.now(UTC)
    item.resolved_by = provenance.approved_by
    session.flush()
    audit.record_change(
        session, ENTITY, str(item.id), "update", before, record(session, item), provenance
    )
    return item
