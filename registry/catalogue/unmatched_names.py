"""The queue of document names that matched no standard name well enough.

A service written with a free-text document name that ``document_names`` cannot place is created
without that document, and the name waits here with the service and the role it was asked in.
Resolving it is a change request (``name_resolution``): either the name becomes an alias of an
existing standard document, or a new standard document is created under it; either way the
service then gets the document once another person approves. Until then the service's standards
table shows the name as written, marked as awaiting a standard name (``awaiting``).
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


def drop_superseded(session: Session, service_id: int, role: str, entries: list[str]) -> None:
    """A service's new document list replaces the one it had: names it no longer asks for leave
    the queue (and its standards table); names it still asks for stay queued once."""
    kept = {turkish.fold(entry) for entry in entries}
    for item in session.scalars(
        select(UnmatchedDocumentName).where(
            UnmatchedDocumentName.service_id == service_id,
            UnmatchedDocumentName.role == role,
            UnmatchedDocumentName.status == UnmatchedStatus.OPEN,
        )
    ):
        if item.folded not in kept:
            session.delete(item)
    session.flush()


def awaiting(session: Session, service_ids: list[int], role: str) -> dict[int, list[str]]:
    """The names each service asks for as written, still waiting for a standard name."""
    found: dict[int, list[str]] = {}
    for chunk in (service_ids[i : i + 500] for i in range(0, len(service_ids), 500)):
        for service_id, name in session.execute(
            select(UnmatchedDocumentName.service_id, UnmatchedDocumentName.name)
            .where(
                UnmatchedDocumentName.service_id.in_(chunk),
                UnmatchedDocumentName.role == role,
                UnmatchedDocumentName.status == UnmatchedStatus.OPEN,
            )
            .order_by(UnmatchedDocumentName.id)
        ):
            if service_id is not None:
                found.setdefault(service_id, []).append(name)
    return found


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
