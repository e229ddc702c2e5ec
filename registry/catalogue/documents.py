"""Writing and reading standard document names (DBYS).

A document carries one standard name and any number of aliases; every write appends an audit
entry (entity ``document``, id its code). What the API shows of a document is a ``DocumentView``;
the audit trail keeps the same keys and values as a plain JSON object (``document_record``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.catalogue import codes, document_samples
from registry.catalogue.document_samples import SampleInfo
from registry.catalogue.models import (
    Document,
    DocumentAlias,
    DocumentRole,
    RecordStatus,
    Service,
    ServiceDocument,
)
from registry.kernel import turkish
from registry.kernel.errors import Conflict, NotFound
from registry.organizations import tree

DOCUMENT_FIELDS = ("name", "description", "sample_url")


class DocumentView(TypedDict):
    """A standard document name as the API shows it, with the services using it."""

    code: str
    name: str
    aliases: list[str]  # the other names it is known by
    issuer: str | None  # DETSİS number
    description: str | None
    sample_url: str | None
    sample: SampleInfo | None
    kind: str  # issued (an institution or a service issues it) or required
    issued_by_services: list[str]
    required_by_services: list[str]
    status: str
    version: int


def get_document(session: Session, code: str) -> Document:
    document = session.scalar(select(Document).where(Document.code == code))
    if document is None:
        raise NotFound(f"{code} kodlu belge yok / no such document.")
    return document


def list_documents(q: str | None) -> Select[Document]:
    stmt = select(Document).where(Document.status == RecordStatus.ACTIVE)
    if q:
        for word in turkish.fold(q).split():
            stmt = stmt.where(Document.search_text.contains(word, autoescape=True))
    return stmt.order_by(Document.sort_key, Document.code)


def document_views(session: Session, documents: Sequence[Document]) -> list[DocumentView]:
    if not documents:
        return []
    ids = [d.id for d in documents]
    numbers = tree.numbers_of(session, {d.issuer_id for d in documents if d.issuer_id})
    samples = document_samples.describe(session, ids)
    uses: dict[tuple[int, str], list[str]] = {}
    for document_id, role, code in session.execute(
        select(ServiceDocument.document_id, ServiceDocument.role, Service.code)
        .join(Service, Service.id == ServiceDocument.service_id)
        .where(ServiceDocument.document_id.in_(ids), Service.status == RecordStatus.ACTIVE)
        .order_by(Service.code)
    ):
        uses.setdefault((document_id, role), []).append(code)
    return [
        {
            "code": d.code,
            "name": d.name,
            "aliases": [a.alias for a in d.aliases if a.folded != turkish.fold(d.name)],
            "issuer": numbers.get(d.issuer_id) if d.issuer_id else None,
            "description": d.description,
            "sample_url": d.sample_url,
            "sample": samples.get(d.id),
            "kind": "issued" if d.issuer_id or (d.id, DocumentRole.ISSUED) in uses else "required",
            "issued_by_services": uses.get((d.id, DocumentRole.ISSUED), []),
            "required_by_services": uses.get((d.id, DocumentRole.REQUIRED), []),
            "status": d.status,
            "version": d.version,
        }
        for d in documents
    ]


def document_view(session: Session, document: Document) -> DocumentView:
    return document_views(session, [document])[0]


def document_record(session: Session, document: Document) -> dict[str, Any]:
    """What the audit trail and the change feed keep of a document: its view, as a JSON object."""
    return dict(document_view(session, document))


def create_document(
    session: Session, data: dict[str, Any], *, provenance: Provenance = NO_PROVENANCE
) -> Document:
    check_document_names(session, None, data)
    document = Document(version=1, status=RecordStatus.ACTIVE, search_text="")
    _set_document_fields(session, document, data)

    def next_code() -> str:
        used = session.scalar(select(func.count()).select_from(Document))
        return f"BLG-{(used or 0) + 1:06d}"

    codes.insert_with_code(session, document, next_code)
    _set_aliases(session, document, data.get("aliases", []))
    if data.get("sample"):
        document_samples.save(session, document, data["sample"])
    session.flush()
    audit.record_change(
        session,
        "document",
        document.code,
        "create",
        None,
        document_record(session, document),
        provenance,
    )
    return document


def update_document(
    session: Session, code: str, data: dict[str, Any], *, provenance: Provenance = NO_PROVENANCE
) -> Document:
    document = get_document(session, code)
    check_document_names(session, document, data)
    before = document_record(session, document)
    _set_document_fields(session, document, data)
    if "aliases" in data or "name" in data:
        kept = [a.alias for a in document.aliases if a.folded != turkish.fold(before["name"])]
        _set_aliases(session, document, data.get("aliases", kept))
    if "sample" in data:
        document_samples.save(session, document, data["sample"])
    document.version += 1
    session.flush()
    audit.record_change(
        session, "document", code, "update", before, document_record(session, document), provenance
    )
    return document


def close_document(
    session: Session, code: str, *, provenance: Provenance = NO_PROVENANCE
) -> Document:
    document = get_document(session, code)
    if document.status != RecordStatus.ACTIVE:
        raise Conflict(f"{code} kodlu belge zaten kapatılmış / the document is already closed.")
    in_use = session.scalar(
        select(func.count())
        .select_from(ServiceDocument)
        .join(Service, Service.id == ServiceDocument.service_id)
        .where(
            ServiceDocument.document_id == document.id,
            Service.status == RecordStatus.ACTIVE,
        )
    )
    if in_use:
        raise Conflict(
            f"{code} kodlu belge {in_use} hizmette kullanılıyor; önce hizmetleri güncelleyin "
            "/ services still use this document."
        )
    before = document_record(session, document)
    document.status = RecordStatus.CLOSED
    document.version += 1
    session.flush()
    audit.record_change(
        session, "document", code, "close", before, document_record(session, document), provenance
    )
    return document


def check_document_names(session: Session, document: Document | None, data: dict[str, Any]) -> None:
    """One folded name belongs to one document: a name or alias used elsewhere is refused (409).

    Folding (``turkish.fold``) is looser than ``text.name_key``, so names that only differ in
    case, composition or diacritics count as the same; called on submission and on approval.
    """
    if data.get("issuer"):
        tree.unit_id_for(session, data["issuer"], "data.issuer")
    names = [data["name"]] if data.get("name") else []
    names += data.get("aliases") or []
    own = document.id if document is not None else 0
    for name in names:
        folded = turkish.fold(name)
        clash = session.scalar(
            select(Document.code)
            .join(DocumentAlias, DocumentAlias.document_id == Document.id)
            .where(DocumentAlias.folded == folded, Document.id != own)
        )
        if clash:
            raise Conflict(
                f"'{name}' adı zaten {clash} kodlu belgeye ait / the name belongs to document "
                f"{clash}.",
                errors={"data.aliases" if name != data.get("name") else "data.name": [clash]},
                extra={"existing": {"code": clash}},
            )


def _set_document_fields(session: Session, document: Document, data: dict[str, Any]) -> None:
    for name in DOCUMENT_FIELDS:
        if name in data:
            setattr(document, name, data[name])
    if "issuer" in data:
        document.issuer_id = (
            tree.unit_id_for(session, data["issuer"], "data.issuer") if data["issuer"] else None
        )
    document.sort_key = turkish.sort_key(document.name)[:600]


def _set_aliases(session: Session, document: Document, aliases: list[str]) -> None:
    """Store the name and every alias as folded names (one document per name), searchable."""
    document.aliases.clear()
    session.flush()
    seen: set[str] = set()
    for alias in [document.name, *aliases]:
        folded = turkish.fold(alias)
        if folded in seen:
            continue
        seen.add(folded)
        document.aliases.append(DocumentAlias(alias=alias.strip(), folded=folded))
    document.search_text = " | ".join(sorted(seen))
