"""The public document pages (DBYS): finding a document by any of its names, and one document's
once-only view: its standard name and aliases, who issues it, its sample, the services that
issue it and the services that still ask citizens for it.

A document a public institution issues and a service asks for is one the service could fetch
from the issuer instead (the once-only principle); the page says so next to the services that
ask. The service lists are capped with their totals (a common document is asked for by
thousands of services); ``/api/v1/reports/once-only`` has them all.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue import document_samples
from registry.catalogue.models import (
    Document,
    DocumentAlias,
    DocumentRole,
    RecordStatus,
    Service,
    ServiceDocument,
)
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.organizations import tree
from registry.search import matching
from registry.web.formats import page_count, page_number
from registry.web.site import blp

PER_PAGE = 30
SERVICES_SHOWN = 50


@blp.get("/documents")
def document_list() -> str:
    """Documents by any of their names, typed with or without Turkish letters and suffixes."""
    session = get_session()
    q = (request.args.get("q") or "").strip()[:200]
    stmt = select(Document).where(Document.status == RecordStatus.ACTIVE)
    if q:
        stmt = stmt.where(*matching.matches(Document.search_text, q))
    page = page_number()
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordering = [matching.rank(Document.search_text, q)] if q else []
    documents = session.scalars(
        stmt.order_by(*ordering, Document.sort_key, Document.code)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return render_template(
        "document_list.html",
        q=q,
        documents=documents,
        issuers=_unit_names(session, {d.issuer_id for d in documents if d.issuer_id}),
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@blp.get("/documents/<string:code>")
def document_page(code: str) -> str:
    """One document: its names, issuer and sample, who issues it and who asks for it."""
    session = get_session()
    document = session.scalar(select(Document).where(Document.code == code[:24]))
    if document is None:
        abort(404, description=f"{code[:24]} kodlu belge bulunamadı.")
    aliases = session.scalars(
        select(DocumentAlias.alias)
        .where(
            DocumentAlias.document_id == document.id,
            DocumentAlias.folded != turkish.fold(document.name),
        )
        .order_by(DocumentAlias.alias)
    ).all()
    issued, issued_total = _services(session, document.id, DocumentRole.ISSUED)
    asked, asked_total = _services(session, document.id, DocumentRole.REQUIRED)
    owners = {s.organization_id for s in (*issued, *asked)}
    names = _unit_names(session, owners | ({document.issuer_id} if document.issuer_id else set()))
    issuer = names.get(document.issuer_id) if document.issuer_id else None
    return render_template(
        "document.html",
        document=document,
        aliases=aliases,
        issuer=issuer,
        sample=document_samples.describe(session, [document.id]).get(document.id),
        issued=issued,
        issued_total=issued_total,
        asked=asked,
        asked_total=asked_total,
        units=names,
        public_issuer=issuer is not None or bool(issued),
    )


def _services(session: Session, document_id: int, role: str) -> tuple[list[Any], int]:
    stmt = (
        select(Service.code, Service.name, Service.organization_id)
        .join(ServiceDocument, ServiceDocument.service_id == Service.id)
        .where(
            ServiceDocument.document_id == document_id,
            ServiceDocument.role == role,
            Service.status == RecordStatus.ACTIVE,
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Service.sort_key, Service.code).limit(SERVICES_SHOWN))
    return list(rows), total


def _unit_names(session: Session, org_ids: set[int]) -> dict[int, tuple[str, str]]:
    """``id → (DETSİS number, name today)``; a unit not open today is named by its number."""
    found = tree.versions_at(session, org_ids, today())
    names = {org_id: (number, version.name) for org_id, (number, version) in found.items()}
    for org_id, number in tree.numbers_of(session, org_ids - names.keys()).items():
        names[org_id] = (number, number)
    return names
