"""Recording many documents and services at once (a whole inventory), with the guarantees of one
by one.

``documents.create_document`` and ``services.create_service`` take a savepoint per code and read
each record back for its audit entry: right for an approval, most of an hour for 50,000
services. Here the rows, their codes and their audit entries (``create``, the record as the API
shows it) are written in a few statements per thousand records, in the caller's transaction,
after the checks the one-by-one paths make: a folded name names one document
(``documents.check_document_names``); one unit offers no two active services of one name
(``services.check_service_name``, ``text.name_key``); issuers and providing units are open
today; cited acts are in force; named documents exist. A name already taken is a 409, as there.
Codes follow the same rule (``BLG-{sequence}``, ``{DETSİS}-{sequence}``: the next number after
those in use).

Documents are named here by code only: a name to be resolved goes to the reviewers' queue, one
service at a time (``services.create_service``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from registry.audit import ledger
from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.catalogue.documents import DocumentView
from registry.catalogue.models import (
    Document,
    DocumentAlias,
    DocumentRole,
    RecordStatus,
    Service,
    ServiceDocument,
    ServiceLegalBasis,
)
from registry.catalogue.services import DurationView, ServiceView
from registry.kernel import text
from registry.kernel.clock import today
from registry.kernel.durations import Duration
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.kernel.folding import Folding
from registry.legislation.models import Legislation, LegislationStatus
from registry.organizations import tree

CHUNK = 1000


@dataclass(frozen=True)
class NewDocument:
    """A new document as ``DocumentInputSchema`` describes it (no sample: uploads are one by
    one); the issuer by DETSİS number."""

    name: str
    aliases: tuple[str, ...] = ()
    issuer: str | None = None
    description: str | None = None
    sample_url: str | None = None


@dataclass(frozen=True)
class NewService:
    """A new service as ``ServiceInputSchema`` describes it (flat), documents by code."""

    organization: str  # DETSİS number of the providing unit
    name: str
    description: str | None = None
    applicants: str | None = None
    kind: str = "core"
    legal_basis: tuple[int, ...] = ()  # act ids
    required_documents: tuple[str, ...] = ()
    issued_documents: tuple[str, ...] = ()
    max_duration: Duration | None = None
    norm_duration: Duration | None = None
    average_duration: Duration | None = None
    channels: tuple[str, ...] = ()
    annual_volume: int | None = None
    fee_amount: Decimal | None = None
    fee_note: str | None = None


def create_documents(
    session: Session, documents: Sequence[NewDocument], provenance: Provenance
) -> list[str]:
    """Record the documents in order; returns their codes. Nothing is committed here."""
    if not documents:
        return []
    folding = Folding()
    names = [_names(document, folding) for document in documents]
    _refuse_taken_names(session, names)
    issuers = _open_units(session, {d.issuer for d in documents if d.issuer}, "issuer")
    used = session.scalar(select(func.count()).select_from(Document)) or 0
    codes = _next_codes(session, Document, ["BLG"] * len(documents), {"BLG": used}, _document_code)
    rows = [
        {
            "code": code,
            "name": document.name,
            "description": document.description,
            "issuer_id": issuers[document.issuer] if document.issuer else None,
            "sample_url": document.sample_url,
            "status": RecordStatus.ACTIVE,
            "search_text": " | ".join(sorted(folded for folded, _ in own)),
            "sort_key": folding.sort_key(document.name),
            "version": 1,
        }
        for document, own, code in zip(documents, names, codes, strict=True)
    ]
    ids = _insert_with_codes(session, Document, rows)
    aliases = [
        {"document_id": doc_id, "alias": alias, "folded": folded}
        for doc_id, own in zip(ids, names, strict=True)
        for folded, alias in own
    ]
    for start in range(0, len(aliases), CHUNK):
        session.execute(insert(_table(DocumentAlias)), aliases[start : start + CHUNK])
    entries = []
    for document, own, code in zip(documents, names, codes, strict=True):
        record: DocumentView = {
            "code": code,
            "name": document.name,
            "aliases": [alias for _, alias in own[1:]],
            "issuer": document.issuer,
            "description": document.description,
            "sample_url": document.sample_url,
            "sample": None,
            "kind": "issued" if document.issuer else "required",
            "issued_by_services": [],
            "required_by_services": [],
            "status": RecordStatus.ACTIVE,
            "version": 1,
        }
        entries.append(audit.NewEntry("document", code, "create", None, dict(record)))
    ledger.record_rows(session, (Document.id, ids), (DocumentAlias.document_id, ids))
    audit.append_many(session, entries, provenance, json_native=True)
    return codes


def create_services(
    session: Session, services: Sequence[NewService], provenance: Provenance
) -> list[str]:
    """Record the services in order; returns their codes. Nothing is committed here."""
    if not services:
        return []
    units = _open_units(session, {s.organization for s in services}, "organization")
    _refuse_same_service_names(session, services, units)
    institutions = {
        org_id: entry.detsis_no
        for org_id, entry in tree.institutions_of(session, set(units.values()), today()).items()
    }
    _check_acts(session, {act for s in services for act in s.legal_basis})
    documents = _document_ids(
        session, {c for s in services for c in (*s.required_documents, *s.issued_documents)}
    )
    counts = _service_counts(session, units)
    folding = Folding()
    codes = _next_codes(session, Service, [s.organization for s in services], counts, _service_code)
    rows = [
        {
            "code": code,
            "organization_id": units[service.organization],
            "name": service.name,
            "description": service.description,
            "applicants": service.applicants,
            "kind": service.kind,
            **_durations(service),
            "fee_amount": service.fee_amount,
            "fee_note": service.fee_note,
            "channels": list(service.channels),
            "annual_volume": service.annual_volume,
            "status": RecordStatus.ACTIVE,
            "search_text": folding.fold(service.name, service.description),
            "sort_key": folding.sort_key(service.name),
            "version": 1,
        }
        for service, code in zip(services, codes, strict=True)
    ]
    ids = _insert_with_codes(session, Service, rows)
    citations: list[dict[str, Any]] = []
    uses: list[dict[str, Any]] = []
    entries = []
    for service_id, service, code in zip(ids, services, codes, strict=True):
        acts = list(dict.fromkeys(service.legal_basis))
        citations.extend(
            {
                "service_id": service_id,
                "legislation_id": act,
                "position": position,
                "provision": None,
            }
            for position, act in enumerate(acts, start=1)
        )
        asked: dict[str, list[str]] = {}
        for role, named in (
            (DocumentRole.REQUIRED, service.required_documents),
            (DocumentRole.ISSUED, service.issued_documents),
        ):
            asked[role.value] = list(dict.fromkeys(named))
            uses.extend(
                {
                    "service_id": service_id,
                    "document_id": documents[document],
                    "role": role.value,
                    "position": position,
                    "channels": None,
                }
                for position, document in enumerate(asked[role.value], start=1)
            )
        record: ServiceView = {
            "code": code,
            "name": service.name,
            "description": service.description,
            "applicants": service.applicants,
            "organization": service.organization,
            "institution": institutions.get(units[service.organization]),
            "kind": service.kind,
            "legal_basis": acts,
            "required_documents": asked[DocumentRole.REQUIRED],
            "issued_documents": asked[DocumentRole.ISSUED],
            "document_channels": [],
            "max_duration": _view(service.max_duration),
            "norm_duration": _view(service.norm_duration),
            "average_duration": _view(service.average_duration),
            "channels": list(service.channels),
            "annual_volume": service.annual_volume,
            "fee": None
            if service.fee_amount is None
            else {"amount": f"{service.fee_amount:.2f}", "note": service.fee_note},
            "status": RecordStatus.ACTIVE,
            "version": 1,
        }
        entries.append(audit.NewEntry("service", code, "create", None, dict(record)))
    for table, rows_of in ((ServiceLegalBasis, citations), (ServiceDocument, uses)):
        for start in range(0, len(rows_of), CHUNK):
            session.execute(insert(_table(table)), rows_of[start : start + CHUNK])
    ledger.record_rows(
        session,
        (Service.id, ids),
        (ServiceLegalBasis.service_id, ids),
        (ServiceDocument.service_id, ids),
    )
    audit.append_many(session, entries, provenance, json_native=True)
    return codes


def _names(document: NewDocument, folding: Folding) -> list[tuple[str, str]]:
    """``(folded, as written)`` of the name and each alias, a folded name once
    (``documents._set_aliases``)."""
    seen: dict[str, str] = {}
    for alias in (document.name, *document.aliases):
        seen.setdefault(folding.fold(alias), alias.strip())
    return list(seen.items())


def _refuse_taken_names(session: Session, names: list[list[tuple[str, str]]]) -> None:
    """One folded name names one document, in the call and in the registry."""
    owner: dict[str, int] = {}
    for index, own in enumerate(names):
        for folded, alias in own:
            if owner.setdefault(folded, index) != index:
                raise Conflict(
                    f"'{alias}' adı iki belgeye verilmiş / the name is given to two documents.",
                    errors={f"{index}.aliases": [alias]},
                )
    ordered = sorted(owner)
    for start in range(0, len(ordered), CHUNK):
        clash = session.execute(
            select(DocumentAlias.alias, Document.code)
            .join(Document, Document.id == DocumentAlias.document_id)
            .where(DocumentAlias.folded.in_(ordered[start : start + CHUNK]))
        ).first()
        if clash is not None:
            raise Conflict(
                f"'{clash.alias}' adı zaten {clash.code} kodlu belgeye ait / the name belongs "
                f"to document {clash.code}.",
                errors={"aliases": [clash.code]},
                extra={"existing": {"code": clash.code}},
            )


def _refuse_same_service_names(
    session: Session, services: Sequence[NewService], units: dict[str, int]
) -> None:
    """One unit offers no two active services of one name (``services.check_service_name``):
    in the call, and against the active services the units already offer."""
    named: dict[tuple[int, str], int] = {}
    for index, service in enumerate(services):
        key = (units[service.organization], text.name_key(service.name))
        if key in named:
            raise Conflict(
                f"'{service.name}' adı aynı birimin iki hizmetine verilmiş / the name is given to "
                "two services of one unit.",
                errors={f"{index}.name": [f"same name as position {named[key]}"]},
            )
        named[key] = index
    ordered = sorted(set(units.values()))
    for start in range(0, len(ordered), CHUNK):
        rows = session.execute(
            select(Service.organization_id, Service.code, Service.name).where(
                Service.organization_id.in_(ordered[start : start + CHUNK]),
                Service.status == RecordStatus.ACTIVE,
            )
        )
        for org_id, code, name in rows:
            if (org_id, text.name_key(name)) in named:
                raise Conflict(
                    f"Birimin aynı adlı bir hizmeti var ({code}) / the unit already offers an "
                    f"active service of that name ({code}).",
                    errors={"name": [f"same name as service {code}"]},
                    extra={"existing": {"code": code, "name": name}},
                )


def _open_units(session: Session, numbers: Collection[str], name: str) -> dict[str, int]:
    """DETSİS number → id of units open today (``tree.unit_id_for``, for many)."""
    try:
        ids = tree.organization_ids(session, numbers)
    except (NotFound, InvalidInput) as error:
        raise InvalidInput(error.detail, errors={name: ["no such unit"]}) from error
    live = tree.versions_at(session, ids.values(), today())
    for number, org_id in ids.items():
        if org_id not in live or live[org_id][1].status != RecordStatus.ACTIVE:
            raise InvalidInput(
                f"{number} numaralı birim bugün açık değil / the unit is not open today.",
                errors={name: ["closed unit"]},
            )
    return ids


def _check_acts(session: Session, acts: set[int]) -> None:
    """Cited acts exist and are in force (``services.check_service_references``)."""
    ordered = sorted(acts)
    status: dict[int, str] = {}
    for start in range(0, len(ordered), CHUNK):
        rows = session.execute(
            select(Legislation.id, Legislation.status).where(
                Legislation.id.in_(ordered[start : start + CHUNK])
            )
        )
        status.update({act: value for act, value in rows})
    for act in ordered:
        if status.get(act) != LegislationStatus.IN_FORCE:
            problem = "repealed" if act in status else "unknown"
            raise InvalidInput(
                f"{act} numaralı mevzuat yürürlükte değil veya yok / the act is {problem}.",
                errors={"legal_basis": [f"act {act} is {problem}"]},
            )


def _document_ids(session: Session, codes: set[str]) -> dict[str, int]:
    ordered = sorted(codes)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), CHUNK):
        rows = session.execute(
            select(Document.code, Document.id).where(
                Document.code.in_(ordered[start : start + CHUNK])
            )
        )
        found.update({code: doc_id for code, doc_id in rows})
    missing = [code for code in ordered if code not in found]
    if missing:
        raise InvalidInput(
            f"{missing[0]} kodlu belge yok / no document {missing[0]}.",
            errors={"required_documents": [f"unknown document {missing[0]}"]},
        )
    return found


def _service_counts(session: Session, units: dict[str, int]) -> dict[str, int]:
    """DETSİS number → how many services the unit has (the last number of its codes)."""
    number_of = {org_id: number for number, org_id in units.items()}
    ordered = sorted(number_of)
    counts: dict[str, int] = {}
    for start in range(0, len(ordered), CHUNK):
        rows = session.execute(
            select(Service.organization_id, func.count())
            .where(Service.organization_id.in_(ordered[start : start + CHUNK]))
            .group_by(Service.organization_id)
        )
        counts.update({number_of[org_id]: count for org_id, count in rows})
    return counts


def _document_code(_series: str, number: int) -> str:
    return f"BLG-{number:06d}"


def _service_code(unit: str, number: int) -> str:
    return f"{unit}-{number:03d}"


def _next_codes(
    session: Session,
    model: type[Service] | type[Document],
    series: list[str],
    counts: dict[str, int],
    code: Callable[[str, int], str],
) -> list[str]:
    """For each record, the code numbered after the count of its series (``BLG``, or the unit),
    past the codes in use (a number given by hand): ``codes.insert_with_code``'s rule, without
    its retries."""
    used: set[str] = set()
    checked: set[str] = set()
    while True:
        last = dict(counts)
        codes = []
        for key in series:
            number = last.get(key, 0) + 1
            while code(key, number) in used:
                number += 1
            last[key] = number
            codes.append(code(key, number))
        fresh = [c for c in codes if c not in checked]
        if not fresh:
            return codes
        checked.update(fresh)
        used |= _codes_in_use(session, model, fresh)


def _codes_in_use(
    session: Session, model: type[Service] | type[Document], codes: list[str]
) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        found.update(
            session.scalars(select(model.code).where(model.code.in_(codes[start : start + CHUNK])))
        )
    return found


def _durations(service: NewService) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("max_duration", "norm_duration", "average_duration"):
        duration: Duration | None = getattr(service, name)
        values[f"{name}_value"] = duration.value if duration else None
        values[f"{name}_unit"] = duration.unit if duration else None
    return values


def _view(duration: Duration | None) -> DurationView | None:
    if duration is None:
        return None
    return {"value": duration.value, "unit": duration.unit, "text": duration.text}


def _insert_with_codes(
    session: Session, model: type[Service] | type[Document], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows``; their new ids, in the order of the rows, read back by code (``RETURNING``
    in parameter order costs SQLite one statement per row)."""
    table = _table(model)
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        session.execute(insert(table), chunk)
        codes = [row["code"] for row in chunk]
        found = {
            code: record_id
            for code, record_id in session.execute(
                select(model.code, model.id).where(model.code.in_(codes))
            )
        }
        ids.extend(found[code] for code in codes)
    return ids


def _table(model: Any) -> Table:
    """The model's table, for Core statements: the ORM's bulk path costs more per row."""
    return cast(Table, model.__table__)
