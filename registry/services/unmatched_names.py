"""The queue of document names that matched no standard name well enough.

A service written with a free-text document name that ``document_names`` cannot place is created
without that document, and the name waits here with the service and the role it was asked in.
A reviewer (the central working group keeps DBYS) resolves it: either the name becomes an alias
of an existing standard document, or a new standard document is created under it. Either way the
service then gets the document, and both writes go to the audit trail like any approved change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry import turkish
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.models import (
    Document,
    Role,
    Service,
    UnmatchedDocumentName,
    UnmatchedStatus,
    User,
)
from registry.services.audit import Provenance


def enqueue(session: Session, name: str, service_id: int | None, role: str | None) -> None:
    """Queue ``name`` (once per service and role while it is open)."""
    folded = turkish.fold(name)
    already = session.scalar(
        select(UnmatchedDocumentName.id).where(
            UnmatchedDocumentName.folded == folded,
            UnmatchedDocumentName.service_id == service_id,
            UnmatchedDocumentName.role == role,
            UnmatchedDocumentName.status == UnmatchedStatus.OPEN.value,
        )
    )
    if already is None:
        session.add(
            UnmatchedDocumentName(
                name=name[:300],
                folded=folded[:300],
                service_id=service_id,
                role=role,
                status=UnmatchedStatus.OPEN.value,
            )
        )
        session.flush()


def require_reviewer(actor: User) -> None:
    if actor.role != Role.REVIEWER.value:
        raise Forbidden(
            "Belge adlarını yalnızca merkezi inceleme grubu eşleştirir / only reviewers resolve "
            "document names."
        )


def require_reader(actor: User) -> None:
    if actor.role == Role.ADMIN.value:
        raise Forbidden(
            "Yönetici hesapları yalnızca kullanıcıları yönetir / admins manage users only."
        )


def listing(status: str | None) -> Select[UnmatchedDocumentName]:
    stmt = select(UnmatchedDocumentName)
    if status:
        stmt = stmt.where(UnmatchedDocumentName.status == status)
    return stmt.order_by(UnmatchedDocumentName.id)


def views(session: Session, items: list[UnmatchedDocumentName]) -> list[dict[str, Any]]:
    service_ids = {i.service_id for i in items if i.service_id}
    document_ids = {i.document_id for i in items if i.document_id}
    services = dict(
        (service_id, code)
        for service_id, code in session.execute(
            select(Service.id, Service.code).where(Service.id.in_(service_ids))
        )
    )
    documents = dict(
        (document_id, code)
        for document_id, code in session.execute(
            select(Document.id, Document.code).where(Document.id.in_(document_ids))
        )
    )
    return [
        {
            "id": item.id,
            "name": item.name,
            "service": services.get(item.service_id) if item.service_id else None,
            "role": item.role,
            "status": item.status,
            "document": documents.get(item.document_id) if item.document_id else None,
            "created_at": item.created_at,
            "resolved_at": item.resolved_at,
            "resolved_by": item.resolved_by,
        }
        for item in items
    ]


def resolve(
    session: Session, actor: User, item_id: int, decision: dict[str, Any]
) -> UnmatchedDocumentName:
    """Make the name an alias of ``decision['document']`` (a code), or create
    ``decision['new_document']`` (name, issuer…) with the name as its alias; link the service."""
    from registry.services import service_records as records

    require_reviewer(actor)
    item = session.get(UnmatchedDocumentName, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"{item_id} numaralı eşleşmemiş ad yok / no such unmatched name.")
    if item.status != UnmatchedStatus.OPEN.value:
        raise Conflict("Bu ad zaten eşleştirildi / the name is already resolved.")
    provenance = Provenance(recorded_by=actor.name, approved_by=actor.name)
    if decision.get("document"):
        document = records.get_document(session, decision["document"])
        if document.status != "active":
            raise InvalidInput(
                "Belge kapatılmış / the document is closed.", errors={"document": ["closed"]}
            )
        known = {turkish.fold(a.alias) for a in document.aliases}
        if item.folded not in known:
            aliases = [a.alias for a in document.aliases if a.alias != document.name]
            records.check_document_names(session, document, {"aliases": [item.name]})
            records.update_document(
                session, document.code, {"aliases": [*aliases, item.name]}, provenance=provenance
            )
    else:
        new = decision.get("new_document") or {"name": item.name}
        records.check_document_names(session, None, new)
        document = records.create_document(session, new, provenance=provenance)
        given = list(new.get("aliases") or [])
        if item.folded not in {turkish.fold(n) for n in [document.name, *given]}:
            records.update_document(
                session, document.code, {"aliases": [*given, item.name]}, provenance=provenance
            )
    if item.service_id is not None and item.role is not None:
        records.add_service_document(
            session, item.service_id, document.id, item.role, provenance=provenance
        )
    item.status = UnmatchedStatus.RESOLVED.value
    item.document_id = document.id
    item.resolved_at = datetime.now(UTC)
    item.resolved_by = actor.name
    session.flush()
    return item
