"""The data-flow projection: once-only rows and flows between institutions, kept in tables and
brought up to date from the audit trail.

Why tables and not memory (as the legal graph): computing everything takes over a minute at
200,000 units, so it must not be done per worker or per request; tables are shared by every node
and every worker, survive restarts, and a page of them is one indexed query.

How it stays current: before a read, ``sync`` compares the projection's audit position and day
with the trail's head and today. If they differ, one process at a time (the state row is locked)
reads what the entries since then name and recomputes only the rows those records reach:

* a service: its own rows; and, when what it issues changed, every row of those documents;
* a document: every row asking for it (its issuer, name or status may have changed);
* a unit whose parent, category or status changed (moves, closures, merges): the rows of every
  unit under it, on either side, since their institution may have changed; renames change
  nothing here, as unit names are read per page;
* a new day: the units whose versions began or ended since, as for a change.

Each sync applies at most ``CATCH_UP_ENTRIES`` entries, so a bulk import of 300,000 records is
followed over several reads instead of one very long one. A projection never built (after the
migration) is built in full by the first read or by ``registry projections rebuild``.

Why this module is long: computing rows, writing them, and working out which rows a stretch of
the trail reaches are one mechanism sharing one set of helpers; split, each part would reach
into the other's internals.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.catalogue.dataflow_models import (
    DataflowEdge,
    DataflowIssuer,
    OnceOnlyRow,
    ProjectionState,
)
from registry.catalogue.models import Document, DocumentRole, RecordStatus, Service, ServiceDocument
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.errors import RegistryError
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion
from registry.organizations.tree import PathEntry

logger = logging.getLogger(__name__)
NAME = "dataflows"
LOCK_KEY = 0x44_46_4C_57  # "DFLW": the advisory lock of a first build
RETRY_AFTER = 30  # seconds
CATCH_UP_ENTRIES = 5_000  # audit entries applied by one sync: bounds the work of one read
CHUNK = 500  # ids per IN (...) list
STRUCTURAL = ("parent", "category", "status")  # unit fields that can change an institution
K = TypeVar("K")


def chunks(ids: Collection[K]) -> Iterator[list[K]]:
    ordered = sorted(ids)  # type: ignore[type-var]  # ints or strings
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


@dataclass(frozen=True)
class Placed:
    """A unit as the projection needs it: its number, institution and path of ids."""

    number: str
    institution: PathEntry
    path: str  # "/root/…/unit/"
    entry: PathEntry  # the unit itself (its name, for the direct computation)


def place(session: Session, units: Collection[int], at: date) -> dict[int, Placed]:
    """Each unit's institution and path on ``at``; a unit not open then stands for itself."""
    found = tree.versions_at(session, units, at)
    placed: dict[int, Placed] = {}
    for org_id, path in tree.lineages(session, found, at).items():
        placed[org_id] = Placed(
            path[-1].detsis_no,
            tree.institution_of(path),
            "/" + "".join(f"{entry.organization_id}/" for entry in path),
            path[-1],
        )
    missing = set(units) - placed.keys()
    for org_id, number in tree.numbers_of(session, missing).items():
        alone = PathEntry(org_id, number, "", None)
        placed[org_id] = Placed(number, alone, f"/{org_id}/", alone)
    return placed


@dataclass(frozen=True)
class Need:
    """An active service asking for a document some institution issues."""

    service_id: int
    service_code: str
    service_name: str
    unit_id: int
    annual_volume: int | None
    document_id: int
    document_code: str
    document_name: str


def issuer_units(
    session: Session, documents: Collection[int] | None
) -> tuple[dict[int, list[int]], list[dict[str, Any]]]:
    """Document → issuing units (the declared issuer first, then issuing services' units by
    service id), and the same facts as ``DataflowIssuer`` rows; every document if None."""
    declared = select(Document.id, Document.issuer_id).where(
        Document.issuer_id.is_not(None), Document.status == RecordStatus.ACTIVE
    )
    issuing = (
        select(ServiceDocument.document_id, Service.organization_id, Service.id)
        .join(Service, Service.id == ServiceDocument.service_id)
        .where(ServiceDocument.role == DocumentRole.ISSUED, Service.status == RecordStatus.ACTIVE)
        .order_by(Service.id)
    )
    units: dict[int, list[int]] = {}
    facts: list[dict[str, Any]] = []
    for part in _scoped(documents):
        for document_id, unit_id in session.execute(
            declared if part is None else declared.where(Document.id.in_(part))
        ):
            assert unit_id is not None  # the query asks for declared issuers only
            units.setdefault(document_id, []).append(unit_id)
            facts.append({"document_id": document_id, "unit_id": unit_id, "service_id": None})
    for part in _scoped(documents):
        for document_id, unit_id, service_id in session.execute(
            issuing if part is None else issuing.where(ServiceDocument.document_id.in_(part))
        ):
            units.setdefault(document_id, []).append(unit_id)
            facts.append({"document_id": document_id, "unit_id": unit_id, "service_id": service_id})
    return units, facts


def _scoped(ids: Collection[int] | None) -> Iterable[list[int] | None]:
    """``[None]`` for everything, else the ids in chunks."""
    return [None] if ids is None else chunks(ids)


def needs_in(
    session: Session, services: Collection[int] | None, documents: Collection[int] | None
) -> list[Need]:
    """The required documents of ``services`` and the services requiring ``documents``
    (everything when both are None), active services only."""
    stmt = (
        select(
            Service.id,
            Service.code,
            Service.name,
            Service.organization_id,
            Service.annual_volume,
            Document.id,
            Document.code,
            Document.name,
        )
        .join(ServiceDocument, ServiceDocument.service_id == Service.id)
        .join(Document, Document.id == ServiceDocument.document_id)
        .where(ServiceDocument.role == DocumentRole.REQUIRED, Service.status == RecordStatus.ACTIVE)
    )
    found: dict[tuple[int, int], Need] = {}
    if services is None and documents is None:
        scopes: list[Any] = [stmt]
    else:
        scopes = [stmt.where(Service.id.in_(part)) for part in chunks(services or ())]
        scopes += [stmt.where(Document.id.in_(part)) for part in chunks(documents or ())]
    for scoped in scopes:
        for row in session.execute(scoped):
            found[(row[0], row[5])] = Need(*row)
    return list(found.values())


def rows_for(
    session: Session, services: Collection[int] | None, documents: Collection[int] | None
) -> tuple[list[dict[str, Any]], dict[int, Placed]]:
    """``OnceOnlyRow`` values for the needs in scope (see ``needs_in``), and the units placed."""
    wanted = needs_in(session, services, documents)
    units_of, _facts = issuer_units(session, {need.document_id for need in wanted})
    wanted = [need for need in wanted if need.document_id in units_of]
    units = {need.unit_id for need in wanted} | {u for us in units_of.values() for u in us}
    placed = place(session, units, today())
    rows: list[dict[str, Any]] = []
    for need in wanted:
        asker = placed[need.unit_id]
        for issuer, unit in issuers(units_of[need.document_id], placed):
            rows.append(
                {
                    "service_id": need.service_id,
                    "service_code": need.service_code,
                    "service_name": need.service_name,
                    "unit_id": need.unit_id,
                    "unit_path": asker.path,
                    "organization_id": asker.institution.organization_id,
                    "organization_no": asker.institution.detsis_no,
                    "document_id": need.document_id,
                    "document_code": need.document_code,
                    "document_name": need.document_name,
                    "issuer_id": issuer.organization_id,
                    "issuer_no": issuer.detsis_no,
                    "issuer_unit_id": unit,
                    "issuer_unit_no": placed[unit].number,
                    "annual_volume": need.annual_volume,
                    "rank": -(need.annual_volume or 0),
                    "same_institution": issuer.organization_id == asker.institution.organization_id,
                }
            )
    return rows, placed


def issuers(units: Sequence[int], placed: dict[int, Placed]) -> list[tuple[PathEntry, int]]:
    """One (institution, unit) per issuing institution: the first unit named, by institution
    name."""
    by_institution: dict[int, tuple[PathEntry, int]] = {}
    for unit in units:
        institution = placed[unit].institution
        by_institution.setdefault(institution.organization_id, (institution, unit))
    return sorted(by_institution.values(), key=lambda pair: turkish.sort_key(pair[0].name))


# -- writing the projection --


def rebuild(session: Session) -> int:
    """Everything again from the records; returns the number of once-only rows. The caller
    commits (a job, or ``sync``)."""
    head = audit.head_seq(session)
    for table in (OnceOnlyRow, DataflowIssuer, DataflowEdge):
        session.execute(delete(table))
    rows, _placed = rows_for(session, None, None)
    _insert(session, OnceOnlyRow, rows)
    _insert(session, DataflowIssuer, issuer_units(session, None)[1])
    _insert(session, DataflowEdge, edges_of(rows))
    _set_state(session, head, today())
    return len(rows)


def edges_of(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``DataflowEdge`` values: the rows between two institutions, grouped by the pair."""
    documents: dict[tuple[int, int], set[str]] = defaultdict(set)
    services: dict[tuple[int, int], set[str]] = defaultdict(set)
    numbers: dict[int, str] = {}
    for row in rows:
        if row["same_institution"]:
            continue
        pair = (row["issuer_id"], row["organization_id"])
        documents[pair].add(row["document_code"])
        services[pair].add(row["service_code"])
        numbers[row["issuer_id"]] = row["issuer_no"]
        numbers[row["organization_id"]] = row["organization_no"]
    return [
        {
            "source_id": source,
            "target_id": target,
            "source_no": numbers[source],
            "target_no": numbers[target],
            "document_count": len(documents[(source, target)]),
            "service_count": len(services[(source, target)]),
            "documents": ";".join(sorted(documents[(source, target)])),
            "services": ";".join(sorted(services[(source, target)])),
        }
        for source, target in documents
    ]


def _insert(session: Session, model: Any, values: list[dict[str, Any]]) -> None:
    for start in range(0, len(values), 1000):
        session.execute(insert(model), values[start : start + 1000])


def _set_state(session: Session, seq: int, day: date) -> None:
    """Where the projection stands (Core statements: derived data, not a record of the
    registry's, so nothing that follows ORM writes needs to see it)."""
    values = {"seq": seq, "as_of": day, "rebuilt_at": func.now()}
    done = session.execute(
        update(ProjectionState).where(ProjectionState.name == NAME).values(values)
    )
    if not done.rowcount:  # type: ignore[attr-defined]  # a CursorResult
        session.execute(insert(ProjectionState).values(name=NAME, **values))


@dataclass
class Changes:
    """What a stretch of the audit trail (and the days passed) asks to recompute."""

    services: set[int]
    documents: set[int]
    units: set[int]  # units whose institution may have changed

    def __bool__(self) -> bool:
        return bool(self.services or self.documents or self.units)


def changes_between(session: Session, after: int, upto: int, since: date, day: date) -> Changes:
    """The records named by entries ``after < seq <= upto``, and the units whose versions began
    or ended after ``since`` up to ``day``."""
    named = audit.changed_since(session, after, upto, ("service", "document"))
    services = _ids(session, Service.id, Service.code, named.get("service", set()))
    documents = _ids(session, Document.id, Document.code, named.get("document", set()))
    numbers: set[str] = set()
    for number, before, after_ in session.execute(
        select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after).where(
            AuditEntry.seq > after, AuditEntry.seq <= upto, AuditEntry.entity == "organization"
        )
    ):
        if before is not None and any(
            (before or {}).get(key) != (after_ or {}).get(key) for key in STRUCTURAL
        ):
            numbers.add(number)
    units = set(_ids(session, Organization.id, Organization.detsis_no, numbers))
    if day > since:
        units.update(
            session.scalars(
                select(OrganizationVersion.organization_id).where(
                    or_(
                        (OrganizationVersion.valid_from > since)
                        & (OrganizationVersion.valid_from <= day),
                        (OrganizationVersion.valid_to > since)
                        & (OrganizationVersion.valid_to <= day),
                    )
                )
            )
        )
    return Changes(set(services), set(documents), units)


def _ids(session: Session, id_column: Any, key_column: Any, keys: Collection[str]) -> list[int]:
    found: list[int] = []
    for part in chunks(keys):
        found.extend(session.scalars(select(id_column).where(key_column.in_(part))))
    return found


def apply(session: Session, changes: Changes) -> None:
    """Recompute the rows, issuers and edges that ``changes`` reach."""
    services, documents = set(changes.services), set(changes.documents)
    if changes.units:
        reached: set[int] = set()
        for unit in changes.units:
            reached.update(tree.subtree_ids(session, unit, today()))
        for part in chunks(reached):
            services.update(
                session.scalars(
                    select(OnceOnlyRow.service_id).where(OnceOnlyRow.unit_id.in_(part)).distinct()
                )
            )
            documents.update(
                session.scalars(
                    select(DataflowIssuer.document_id)
                    .where(DataflowIssuer.unit_id.in_(part))
                    .distinct()
                )
            )
            services.update(
                session.scalars(select(Service.id).where(Service.organization_id.in_(part)))
            )
    documents |= _issuing_changed(session, services)
    _replace_issuers(session, services, documents)
    pairs: set[tuple[int, int]] = set()
    for column, ids in ((OnceOnlyRow.service_id, services), (OnceOnlyRow.document_id, documents)):
        for part in chunks(ids):
            pairs.update(
                session.execute(
                    select(OnceOnlyRow.issuer_id, OnceOnlyRow.organization_id).where(
                        column.in_(part)
                    )
                )
            )
            session.execute(delete(OnceOnlyRow).where(column.in_(part)))
    rows, _placed = rows_for(session, services, documents)
    _insert(session, OnceOnlyRow, rows)
    pairs.update((row["issuer_id"], row["organization_id"]) for row in rows)
    _recompute_edges(session, pairs)


def _issuing_changed(session: Session, services: Collection[int]) -> set[int]:
    """Documents whose issuing units changed through ``services``: as last projected vs now."""
    changed: set[int] = set()
    for part in chunks(services):
        before = set(
            session.execute(
                select(
                    DataflowIssuer.service_id, DataflowIssuer.document_id, DataflowIssuer.unit_id
                ).where(DataflowIssuer.service_id.in_(part))
            )
        )
        now = set(
            session.execute(
                select(
                    ServiceDocument.service_id, ServiceDocument.document_id, Service.organization_id
                )
                .join(Service, Service.id == ServiceDocument.service_id)
                .where(
                    ServiceDocument.role == DocumentRole.ISSUED,
                    Service.status == RecordStatus.ACTIVE,
                    Service.id.in_(part),
                )
            )
        )
        changed.update(document for _service, document, _unit in before ^ now)
    return changed


def _replace_issuers(session: Session, services: set[int], documents: set[int]) -> None:
    """``DataflowIssuer`` rows of the changed services, and all rows of the changed documents."""
    for part in chunks(services):
        session.execute(delete(DataflowIssuer).where(DataflowIssuer.service_id.in_(part)))
    for part in chunks(documents):
        session.execute(delete(DataflowIssuer).where(DataflowIssuer.document_id.in_(part)))
    _units, facts = issuer_units(session, documents)
    for part in chunks(services):
        _units, more = issuer_units(
            session,
            set(
                session.scalars(
                    select(ServiceDocument.document_id).where(
                        ServiceDocument.service_id.in_(part),
                        ServiceDocument.role == DocumentRole.ISSUED,
                    )
                )
            )
            - documents,
        )
        facts += [fact for fact in more if fact["service_id"] in part]
    _insert(session, DataflowIssuer, facts)


def _recompute_edges(session: Session, pairs: set[tuple[int, int]]) -> None:
    for source, target in pairs:
        session.execute(
            delete(DataflowEdge).where(
                DataflowEdge.source_id == source, DataflowEdge.target_id == target
            )
        )
        rows = session.execute(
            select(
                OnceOnlyRow.issuer_id,
                OnceOnlyRow.organization_id,
                OnceOnlyRow.issuer_no,
                OnceOnlyRow.organization_no,
                OnceOnlyRow.document_code,
                OnceOnlyRow.service_code,
                OnceOnlyRow.same_institution,
            ).where(OnceOnlyRow.issuer_id == source, OnceOnlyRow.organization_id == target)
        ).mappings()
        _insert(session, DataflowEdge, edges_of(dict(row) for row in rows))


# -- following the trail --


def sync(session: Session) -> None:
    """Bring the projection up to the committed trail and today, before ``session`` reads it.

    The work is done in a transaction of its own, by one process at a time; a read that finds
    another process catching up answers from the rows as they are. Inside a transaction that
    has written audit entries nothing is done (the rows follow once it commits).
    """
    if audit.has_pending_entries(session):
        return
    head, day = audit.head_seq(session), today()
    state = session.execute(
        select(ProjectionState.seq, ProjectionState.as_of).where(ProjectionState.name == NAME)
    ).first()
    if state is not None and state.seq >= head and state.as_of >= day:
        return
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    # End the read first: its snapshot would not see the rows written (SQLite's WAL), and an
    # in-memory SQLite shares one connection between sessions.
    session.rollback()
    if not catch_up(bind) and state is None:
        raise NotBuiltYet(
            f"Veri akışları ilk kez hesaplanıyor; {RETRY_AFTER} saniye sonra yeniden deneyin / "
            f"the data flows are being computed for the first time, retry in {RETRY_AFTER} "
            "seconds.",
            extra={"_headers": {"Retry-After": str(RETRY_AFTER)}},
        )


class NotBuiltYet(RegistryError):
    """Another process is building the projection for the first time: no rows to answer from."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    slug = "service-unavailable"


def catch_up(engine: Engine, budget: int = CATCH_UP_ENTRIES) -> bool:
    """One step of following the trail, in its own transaction; whether it wrote anything."""
    with Session(engine) as writer:
        try:
            with writer.begin():
                writer.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                state = writer.scalars(
                    select(ProjectionState)
                    .where(ProjectionState.name == NAME)
                    .with_for_update(skip_locked=True)
                ).first()
                if state is None:
                    if writer.get(ProjectionState, NAME) is not None:
                        return False  # another process holds it: answer from the rows
                    if not _first_builder(writer):
                        return False
                    rebuild(writer)
                    return True
                head, day = audit.head_seq(writer), today()
                upto = min(head, state.seq + budget)
                changes = changes_between(writer, state.seq, upto, state.as_of, day)
                if changes:
                    apply(writer, changes)
                writer.execute(
                    update(ProjectionState)
                    .where(ProjectionState.name == NAME)
                    .values(seq=max(upto, state.seq), as_of=max(day, state.as_of))
                )
                return True
        except (IntegrityError, OperationalError) as error:
            # Two first builds at once (the second's state row collides) or a lock not had in
            # time: the other process's rows will do.
            logger.warning("data-flow projection not brought up to date: %s", error)
            return False


def _first_builder(session: Session) -> bool:
    """Whether this transaction may build the projection for the first time: on PostgreSQL one
    transaction at a time (an advisory lock; the others answer at once instead of computing
    the same rows only to collide on the state row); SQLite's write lock already serializes."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}))
