"""The once-only report at the data level: which papers a service could stop asking for.

For each document citizens bring (a document an active service requires) and each institution
whose services ask for it, every data element the document holds is either

* available to that institution: it keeps the element itself (the element's owner), or an
  integration in use already brings it there (or it provides the element to someone);
* extendable: an integration in use carries it, but to another institution, so the protocol
  could be extended to this one;
* missing: no integration in use carries it.

The document's verdict follows: all available → "istemeyi bırakın / stop asking"; none missing
→ "protokolü genişletin / extend the protocol"; otherwise "entegrasyon gerekli / integration
needed" (and "veri öğeleri tanımlanmamış": nobody has said yet what the document holds). Rows
are ranked by the yearly volume of the institution's services asking for the document.

A projection of the audit trail, computed on read and kept per process: the answer is cached
under the trail's head (its sequence number and hash) and today's date. When the head moves, the
entries since are read: if they are all metadata records (elements, compositions, integrations,
applications), only the metadata half is reloaded and the verdicts recomputed; the catalogue
half (services × documents × institutions, the expensive walk of the tree) is kept. Anything
else (a service, a document, a unit) rebuilds both.
"""

from __future__ import annotations

import enum
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry, AuditHead
from registry.catalogue.models import Document, DocumentRole, Service, ServiceDocument
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.metadata import applications, elements, integrations
from registry.metadata.models import (
    DataElement,
    DocumentElement,
    Integration,
    IntegrationElement,
    Lifecycle,
)
from registry.organizations import tree
from registry.organizations.tree import PathEntry

# Entities whose changes leave the catalogue half as it was.
METADATA_ENTITIES = frozenset(
    {
        elements.ELEMENT,
        elements.DOCUMENT_ELEMENTS,
        elements.SERVICE_ELEMENTS,
        integrations.ENTITY,
        applications.ENTITY,
    }
)


# Entities that change what documents hold (``_held``).
HOLDING_ENTITIES = frozenset({elements.ELEMENT, elements.DOCUMENT_ELEMENTS})


class Verdict(enum.StrEnum):
    STOP_ASKING = "stop_asking"
    EXTEND_PROTOCOL = "extend_protocol"
    INTEGRATION_NEEDED = "integration_needed"
    UNDESCRIBED = "undescribed"


ADVICE = {
    Verdict.STOP_ASKING: "İstemeyi bırakın / stop asking",
    Verdict.EXTEND_PROTOCOL: "Protokolü genişletin / extend the protocol",
    Verdict.INTEGRATION_NEEDED: "Entegrasyon gerekli / integration needed",
    Verdict.UNDESCRIBED: "Veri öğeleri tanımlanmamış / data elements not described",
}


@dataclass(frozen=True)
class DataRow:
    """A document one institution's services ask citizens for, and what to do about it."""

    document: str
    document_name: str
    organization: str  # the asking institution's DETSİS number
    organization_name: str
    services: tuple[str, ...]  # its services asking for the document
    annual_volume: int  # their yearly applications together
    verdict: Verdict
    advice: str
    elements: tuple[int, ...]  # what the document holds
    through: tuple[int, ...]  # integrations in use bringing its elements to the institution
    extend: tuple[int, ...]  # integrations to others that carry the elements it lacks
    missing: tuple[int, ...]  # elements no integration in use carries


@dataclass
class _Needs:
    """The catalogue half: who asks for what, by institution, in the report's order."""

    head: tuple[int, str]  # the trail's head it follows (sequence number, hash)
    day: date
    # (document id, institution id, yearly volume, service codes), by volume, code, number
    asks: list[tuple[int, int, int, tuple[str, ...]]]
    documents: dict[int, tuple[str, str]]  # id → code, name
    institutions: dict[int, PathEntry]  # unit id → its institution (filled as needed)


# A verdict as kept: (index into ``asks``, verdict, through, extend, missing); rows are made
# only for the page asked for.
_Verdicted = tuple[int, Verdict, tuple[int, ...], tuple[int, ...], tuple[int, ...]]


@dataclass
class _State:
    head: tuple[int, str]
    day: date
    needs: _Needs
    verdicts: list[_Verdicted] = field(default_factory=list)
    held: dict[int, list[int]] = field(default_factory=dict)


_STATES: dict[str, _State] = {}
_LOCK = threading.Lock()


def _head(session: Session) -> tuple[int, str]:
    found = session.execute(select(AuditHead.last_seq, AuditHead.last_hash)).first()
    return (found[0], found[1]) if found else (0, "")


def _state(session: Session) -> _State:
    """The report as of the trail's head and today; computed once per head and day."""
    key = str(session.get_bind().engine.url)
    head, day = _head(session), today()
    with _LOCK:
        state = _STATES.get(key)
        if state is not None and state.head == head and state.day == day:
            return state
        needs = state.needs if state is not None else None
        changed = _changed_since(session, needs.head, head[0]) if needs is not None else None
        if needs is None or needs.day != day or changed is None or changed - METADATA_ENTITIES:
            needs, changed = _load_needs(session, head, day), None
        needs.head = head
        held = (
            state.held
            if state is not None and changed is not None and not changed & HOLDING_ENTITIES
            else _held(session)
        )
        state = _State(head, day, needs, _verdicts(session, needs, held), held)
        _STATES[key] = state
        return state


def _changed_since(session: Session, after: tuple[int, str], upto: int) -> set[str] | None:
    """The entities of the entries since ``after`` (a head this database passed); None when
    ``after`` is not this database's (a test's fresh copy behind the same URL)."""
    if upto < after[0] or (
        after[0]
        and session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == after[0])) != after[1]
    ):
        return None
    return set(
        session.scalars(
            select(AuditEntry.entity)
            .where(AuditEntry.seq > after[0], AuditEntry.seq <= upto)
            .distinct()
        )
    )


def _load_needs(session: Session, head: tuple[int, str], day: date) -> _Needs:
    found = session.execute(
        select(
            ServiceDocument.document_id,
            Service.code,
            Service.organization_id,
            Service.annual_volume,
        )
        .join(Service, Service.id == ServiceDocument.service_id)
        .where(ServiceDocument.role == DocumentRole.REQUIRED, Service.status == RecordStatus.ACTIVE)
    ).all()
    institutions = tree.institutions_of(session, {unit for _d, _c, unit, _v in found}, day)
    documents = {
        document_id: (code, name)
        for document_id, code, name in session.execute(
            select(Document.id, Document.code, Document.name).where(
                Document.status == RecordStatus.ACTIVE
            )
        )
    }
    grouped: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for document_id, code, unit, volume in found:
        if document_id not in documents:
            continue
        pair = (document_id, institutions[unit].organization_id)
        total, codes = grouped.get(pair, (0, []))
        codes.append(code)
        grouped[pair] = (total + (volume or 0), codes)
    by_institution = {entry.organization_id: entry for entry in institutions.values()}
    asks = [
        (document_id, asker, volume, tuple(sorted(codes)))
        for (document_id, asker), (volume, codes) in grouped.items()
    ]
    asks.sort(key=lambda a: (-a[2], documents[a[0]][0], by_institution[a[1]].detsis_no))
    return _Needs(head, day, asks, documents, by_institution | institutions)


def _institution_ids(session: Session, needs: _Needs, units: set[int]) -> dict[int, int]:
    missing = units - needs.institutions.keys()
    if missing:
        needs.institutions.update(tree.institutions_of(session, missing, needs.day))
    return {unit: needs.institutions[unit].organization_id for unit in units}


def _held(session: Session) -> dict[int, list[int]]:
    """Document → its active data elements, in order."""
    held: dict[int, list[int]] = defaultdict(list)
    for document_id, element_id in session.execute(
        select(DocumentElement.document_id, DocumentElement.element_id)
        .join(DataElement, DataElement.id == DocumentElement.element_id)
        .where(DataElement.status == RecordStatus.ACTIVE)
        .order_by(DocumentElement.document_id, DocumentElement.position)
    ):
        held[document_id].append(element_id)
    return dict(held)


def _verdicts(session: Session, needs: _Needs, held: dict[int, list[int]]) -> list[_Verdicted]:
    """Each row's verdict. One integration is named per element (the oldest in use): enough to
    say whom to ask, and it keeps a row's work to its few elements."""
    owners = dict(
        session.execute(
            select(DataElement.id, DataElement.owner_id).where(
                DataElement.status == RecordStatus.ACTIVE
            )
        ).all()
    )
    in_use = session.execute(
        select(Integration.id, Integration.provider_id, Integration.consumer_id)
        .where(Integration.status == Lifecycle.IN_USE)
        .order_by(Integration.id.desc())
    ).all()
    carried: dict[int, list[int]] = defaultdict(list)
    for integration_id, element_id in session.execute(
        select(IntegrationElement.integration_id, IntegrationElement.element_id)
        .join(Integration, Integration.id == IntegrationElement.integration_id)
        .where(Integration.status == Lifecycle.IN_USE)
    ):
        carried[integration_id].append(element_id)
    units = set(owners.values()) | {p for _i, p, _c in in_use} | {c for _i, _p, c in in_use}
    institution = _institution_ids(session, needs, units)
    # institution → element → an integration bringing it there (0: it keeps or provides it)
    reach: dict[int, dict[int, int]] = defaultdict(dict)
    carrier: dict[int, int] = {}  # element → an integration carrying it
    for integration_id, _provider, consumer in in_use:  # newest first: the oldest wins
        into = reach[institution[consumer]]
        for element_id in carried[integration_id]:
            into[element_id] = integration_id
            carrier[element_id] = integration_id
    for integration_id, provider, _consumer in in_use:
        into = reach[institution[provider]]
        for element_id in carried[integration_id]:
            into[element_id] = 0
    for element_id, unit in owners.items():
        reach[institution[unit]][element_id] = 0
    result: list[_Verdicted] = []
    nothing: tuple[int, ...] = ()
    empty: dict[int, int] = {}
    for index, (document_id, asker, _volume, _services) in enumerate(needs.asks):
        holds = held.get(document_id)
        if not holds:
            result.append((index, Verdict.UNDESCRIBED, nothing, nothing, nothing))
            continue
        known = reach.get(asker, empty)
        through: list[int] = []
        extend: list[int] = []
        missing: list[int] = []
        for element_id in holds:
            via = known.get(element_id)
            if via is not None:
                if via:
                    through.append(via)
            elif element_id in carrier:
                extend.append(carrier[element_id])
            else:
                missing.append(element_id)
        verdict = (
            Verdict.INTEGRATION_NEEDED
            if missing
            else Verdict.EXTEND_PROTOCOL
            if extend
            else Verdict.STOP_ASKING
        )
        result.append(
            (
                index,
                verdict,
                tuple(sorted(set(through))) if through else nothing,
                tuple(sorted(set(extend))) if extend else nothing,
                tuple(missing) if missing else nothing,
            )
        )
    return result


def _row(state: _State, item: _Verdicted) -> DataRow:
    index, verdict, through, extend, missing = item
    document_id, asker, volume, services = state.needs.asks[index]
    code, name = state.needs.documents[document_id]
    entry = state.needs.institutions[asker]
    return DataRow(
        document=code,
        document_name=name,
        organization=entry.detsis_no,
        organization_name=entry.name,
        services=services,
        annual_volume=volume,
        verdict=verdict,
        advice=ADVICE[verdict],
        elements=tuple(state.held.get(document_id, ())),
        through=through,
        extend=extend,
        missing=missing,
    )


def report(
    session: Session,
    institution: int | None = None,
    verdict: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[DataRow], int]:
    """A page of the report (one institution's rows, one verdict's, if given) and how many
    rows there are in all."""
    state = _state(session)
    found = state.verdicts
    if institution is not None:
        asks = state.needs.asks
        found = [item for item in found if asks[item[0]][1] == institution]
    if verdict:
        found = [item for item in found if item[1] == verdict]
    page = found[offset:] if limit is None else found[offset : offset + limit]
    return [_row(state, item) for item in page], len(found)


def rows(session: Session) -> list[DataRow]:
    """The whole report, ranked (tests, checks, benchmarks; a request reads a page)."""
    return report(session)[0]
