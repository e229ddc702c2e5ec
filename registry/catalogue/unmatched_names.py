"""The queue of document names that matched no standard name well enough.

A service written with a free-text document name that ``document_names`` cannot place is created
without that document, and the name waits here with the service and the role it was asked in.
A reviewer (the central working group keeps DBYS) resolves it: either the name becomes an alias
of an existing standard document, or a new standard document is created under it. Either way the
service then gets the document, and both writes go to the audit trail like any approved change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, Service, UnmatchedDocumentName, UnmatchedStatus
from registry.kernel import turkish


def enqueue(session: Session, name: str, service_id: int | None, role: str | None) -> None:
    """Queue ``name`` (once per service and role while it is open)."""
    folded = turkish.fold(name)
    already = session.scalar(
        select(UnmatchedDocumentName.id).where(
            UnmatchedDocumentName.folded == folded,
            UnmatchedDocumentName.service_id == service_id,
            UnmatchedDocumentName.role == role,
            UnmatchedDocumentName.status == UnmatchedStatus.OPEN,
        )
    )
    if already is None:
        session.add(
            UnmatchedDocumentName(
                name=name[:300],
                folded=folded[:300],
                service_id=service_id,
                role=role,
                status=UnmatchedStatus.OPEN,
            )
        )
        session.flush()


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
