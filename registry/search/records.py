"""Registry records as search documents: what each kind of record is found by.

A document has a title (the record's name, weighted most), a body (everything else a citizen
might type: descriptions, aliases, the unit and its institution, the province), and the facets
the search filters on: type, the owning institution's DETSİS number, the province's plate code.
Only what is public and current is indexed: active services and documents, units open today,
every act (repealed ones too, marked so).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, DocumentAlias, RecordStatus, Service
from registry.kernel.clock import today
from registry.kernel.reference import province_name
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from schemas.vocabularies import LEGISLATION_TYPES

TYPES = ("service", "organization", "legislation", "document")
# Audit-trail entity → search type (the change feed names records this way).
ENTITY_TYPES = {
    "service": "service",
    "organization": "organization",
    "legislation": "legislation",
    "document": "document",
}
_BATCH = 1000


@dataclass(frozen=True)
class SearchDocument:
    type: str
    id: str
    title: str
    body: str
    context: str  # where the record sits: its unit's path, institution, province, issuer
    organization: str  # DETSİS of the owning institution, "" if none
    province: str  # plate code, "" if none

    @property
    def uid(self) -> str:
        return f"{self.type}:{self.id}"


class _Units:
    """Each unit's name, path, institution and province as of today, read in batches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[int, tuple[str, list[str], str, str]] = {}

    def load(self, org_ids: Collection[int]) -> None:
        # Not ``set(ids) - cache.keys()``: that walks every cached key, once per record.
        missing = sorted({org_id for org_id in org_ids if org_id not in self.cache})
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            found = tree.versions_at(self.session, chunk, today())
            paths = tree.lineages(self.session, found, today())
            for org_id, (_number, version) in found.items():
                path = paths.get(org_id, [])
                institution = tree.institution_of(path).detsis_no if path else ""
                province = str(version.province_code) if version.province_code else ""
                self.cache[org_id] = (version.name, [p.name for p in path], institution, province)

    def describe(self, org_id: int | None) -> tuple[str, list[str], str, str]:
        if org_id is None:
            return "", [], "", ""
        self.load([org_id])
        return self.cache.get(org_id, ("", [], "", ""))


def _province_words(code: str) -> str:
    return province_name(int(code)) or "" if code else ""


def services(session: Session, codes: Collection[str] | None = None) -> Iterator[SearchDocument]:
    stmt = select(
        Service.code,
        Service.name,
        Service.description,
        Service.applicants,
        Service.organization_id,
    ).where(Service.status == RecordStatus.ACTIVE)
    if codes is not None:
        stmt = stmt.where(Service.code.in_(list(codes)))
    rows = session.execute(stmt).all()
    units = _Units(session)
    units.load({row.organization_id for row in rows})
    for code, name, description, applicants, org_id in rows:
        _unit, path, institution, province = units.describe(org_id)
        yield SearchDocument(
            "service",
            code,
            name,
            " ".join(filter(None, (description, applicants))),
            " ".join(filter(None, (*path, _province_words(province)))),
            institution,
            province,
        )


def organizations(
    session: Session, numbers: Collection[str] | None = None
) -> Iterator[SearchDocument]:
    stmt = (
        select(Organization.id, Organization.detsis_no)
        .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
        .where(tree.in_force(today()), OrganizationVersion.status == Status.ACTIVE)
    )
    if numbers is not None:
        stmt = stmt.where(Organization.detsis_no.in_(list(numbers)))
    rows = session.execute(stmt).all()
    units = _Units(session)
    units.load({row.id for row in rows})
    versions = tree.versions_at(session, [row.id for row in rows], today())
    for org_id, number in rows:
        name, path, institution, province = units.describe(org_id)
        version = versions[org_id][1]
        yield SearchDocument(
            "organization",
            number,
            name,
            " ".join(
                filter(
                    None,
                    (
                        version.short_name,
                        version.english_name,
                        version.unit_type,
                        version.category,
                        version.district,
                    ),
                )
            ),
            " ".join(filter(None, (*path[:-1], _province_words(province)))),
            institution,
            province,
        )


def legislation(session: Session, ids: Collection[int] | None = None) -> Iterator[SearchDocument]:
    stmt = select(
        Legislation.id,
        Legislation.type_code,
        Legislation.number,
        Legislation.title,
        Legislation.status,
        Legislation.issuer_id,
    )
    if ids is not None:
        stmt = stmt.where(Legislation.id.in_(list(ids)))
    rows = session.execute(stmt).all()
    units = _Units(session)
    units.load({row.issuer_id for row in rows if row.issuer_id})
    for act_id, type_code, number, title, status, issuer_id in rows:
        issuer, _path, institution, _province = units.describe(issuer_id)
        kind = LEGISLATION_TYPES.get(type_code, "")
        repealed = "mülga yürürlükten kaldırıldı" if status != "in_force" else ""
        yield SearchDocument(
            "legislation",
            str(act_id),
            title,
            " ".join(filter(None, (kind, number, repealed))),
            issuer,
            institution,
            "",
        )


def documents(session: Session, codes: Collection[str] | None = None) -> Iterator[SearchDocument]:
    stmt = select(
        Document.id, Document.code, Document.name, Document.description, Document.issuer_id
    ).where(Document.status == RecordStatus.ACTIVE)
    if codes is not None:
        stmt = stmt.where(Document.code.in_(list(codes)))
    rows = session.execute(stmt).all()
    aliases: dict[int, list[str]] = {}
    ids = [row.id for row in rows]
    for start in range(0, len(ids), _BATCH):
        for document_id, alias in session.execute(
            select(DocumentAlias.document_id, DocumentAlias.alias).where(
                DocumentAlias.document_id.in_(ids[start : start + _BATCH])
            )
        ):
            aliases.setdefault(document_id, []).append(alias)
    units = _Units(session)
    units.load({row.issuer_id for row in rows if row.issuer_id})
    for document_id, code, name, description, issuer_id in rows:
        issuer, _path, institution, _province = units.describe(issuer_id)
        others = [a for a in aliases.get(document_id, []) if a != name]
        yield SearchDocument(
            "document",
            code,
            name,
            " ".join(filter(None, (*others, description))),
            issuer,
            institution,
            "",
        )


def everything(session: Session) -> Iterator[SearchDocument]:
    yield from organizations(session)
    yield from services(session)
    yield from legislation(session)
    yield from documents(session)


def some(session: Session, type_: str, ids: Collection[str]) -> Iterator[SearchDocument]:
    """The current documents of these records (fewer than asked: the others are gone)."""
    if type_ == "service":
        yield from services(session, ids)
    elif type_ == "organization":
        yield from organizations(session, ids)
    elif type_ == "legislation":
        yield from legislation(session, [int(i) for i in ids if i.isdigit()])
    elif type_ == "document":
        yield from documents(session, ids)
