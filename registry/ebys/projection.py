"""The EBYS facts projection: what a letter and the SOAP daily sync need of every unit, computed
once and kept in ``ebys_facts`` (``registry.ebys.models``), following the audit trail.

Why a table: composing a unit a worker has never seen costs a walk of its chain, its
administration, its signatories and its certificate (~18 ms per letter at 200,000 units), and
real EBYS traffic reaches every unit, so every worker of every node paid it for every unit
(issue 27). A row is the same ``UnitFacts`` the live computation gives (``facts.unit_facts`` on
``facts.chain_of``: one code path) plus the unit's ``KurumBirimWS`` record
(``registry.kaysis.units.record``), so a first letter is one indexed read of a few rows and the
daily sync one streamed read.

How it stays current (``catch_up``): the entries after the projection's position that it
follows (``facts_table.FOLLOWED``) name what to recompute:

* a unit: the unit and, unless only its own telephone, fax, e-mail, person or flags changed,
  every unit under it (their letterhead, addressee, level, inherited KEP address, certificate,
  address and path read it);
* a signatory: its unit; a manager post: the units whose signatories name that post;
* a governorship, district governorship or the Presidency, a category, unit type or place, or a
  new day: everything (a rebuild; rare).

An approval runs it in the approving transaction (``follow_approval``, called by the workflow
next to the standards republication) for up to ``APPROVAL_UNITS`` units; anything larger, and
whatever did not go through an approval (bulk imports, a restore), is left to the follower
(``registry.search.follower`` calls ``catch_up`` after each index step) or to ``registry
ebys-facts rebuild``. Until then readers find it stale (``facts_table.current``) and compute
live, which is always right: the freshness rules of docs/ebys.md hold either way.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.ebys import facts, facts_table, signatures
from registry.ebys.chain import PRESIDENCY, Link
from registry.ebys.models import EbysFactsRow, EbysFactsState, Signatory
from registry.kaysis import answers, units
from registry.kernel.clock import today
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status

logger = logging.getLogger(__name__)
CHUNK = 2000  # units computed and written at a time
IN_LIST = 500  # ids per IN (...) list
APPROVAL_UNITS = 2_000  # units an approval recomputes in its own transaction
APPROVAL_ENTRIES = 500  # entries an approval looks back over
FOLLOWER_ENTRIES = 50_000  # beyond this, the follower rebuilds instead
# Unit fields no other unit's facts read: a change to these recomputes the unit alone.
OWN_FIELDS = frozenset(
    {
        "phone",
        "fax",
        "email",
        "info_person",
        "corresponds_externally",
        "short_name",
        "english_name",
        "version",
        "valid_from",
        "valid_to",
        "event",
        "reason",
        "recorded_at",
        "recorded_by",
    }
)


# -- computing rows --


@dataclass
class _Context:
    """What every row of one computation shares, read once."""

    at: date
    seq: int
    surroundings: Any  # facts._Surroundings
    tables: units.Tables


def _context(session: Session, at: date, seq: int) -> _Context:
    return _Context(at, seq, facts.surroundings_on(session, at), units.Tables.read(session, at))


def _parts(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_LIST):
        yield ordered[start : start + IN_LIST]


def _rows(
    session: Session, versions: dict[int, tuple[str, OrganizationVersion]], context: _Context
) -> list[dict[str, Any]]:
    """The rows of units in force (``organization_id → (number, version)``)."""
    ancestries = tree.ancestries(session, versions, context.at)
    active = [org_id for org_id, (_, v) in versions.items() if v.status == Status.ACTIVE]
    signing: dict[int, list[Any]] = {}
    changed: dict[int, datetime] = {}
    for part in _parts(active):
        signing.update(signatures.signatories_of(session, part, context.at))
    for part in _parts(versions.keys()):
        latest = func.max(OrganizationVersion.recorded_at)
        for org_id, moment in session.execute(
            select(OrganizationVersion.organization_id, latest)
            .where(OrganizationVersion.organization_id.in_(part))
            .group_by(OrganizationVersion.organization_id)
        ):
            changed[org_id] = moment
    exceptions = context.surroundings.addressee_exceptions
    links: dict[int, Link] = {}
    rows = []
    for org_id, ancestry in ancestries.items():
        number, version = versions[org_id]
        above = [units.Ancestor(n, v.name, v.category, v.parent_id) for _, n, v in ancestry[:-1]]
        own_kep = [e["address"] for e in version.kep_addresses or [] if e.get("active")]
        found = None
        if version.status == Status.ACTIVE:
            chain = facts.chain_of(ancestry, context.surroundings, links)
            found = facts_table.dump(facts.unit_facts(chain, signing.get(org_id, []), exceptions))
        record = units.record(number, version, above, context.tables)
        rows.append(
            {
                "detsis_no": number,
                "organization_id": org_id,
                "path": "/" + "".join(f"{i}/" for i, _, _ in ancestry),
                "depth": len(ancestry),
                "sort_key": version.sort_key,
                "status": str(version.status),
                "corresponds_externally": bool(version.corresponds_externally),
                "changed_at": changed[org_id],
                "has_kep": bool(own_kep),
                "own_kep": own_kep,
                "record": record,
                "record_xml": answers.unit_record_xml(record),
                "facts": found,
                "seq": context.seq,
            }
        )
    return rows


Versions = dict[int, tuple[str, OrganizationVersion]]  # organization_id → (number, version)


def _in_force_pages(session: Session, at: date) -> Iterator[Versions]:
    """Every unit in force on ``at``, ``CHUNK`` at a time in id order."""
    last = 0
    while True:
        page = session.execute(
            units.in_force(at)
            .where(OrganizationVersion.organization_id > last)
            .order_by(OrganizationVersion.organization_id)
            .limit(CHUNK)
        ).all()
        if not page:
            return
        yield {version.organization_id: (number, version) for version, number in page}
        last = page[-1][0].organization_id


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    """Core inserts on the session's connection: the rows are derived from records already
    checked on their way in (``registry.kernel.stored`` would scan every JSON value again)."""
    table = cast(Table, EbysFactsRow.__table__)
    for start in range(0, len(rows), 1000):
        session.connection().execute(insert(table), rows[start : start + 1000])


def _set_state(session: Session, seq: int, at: date) -> None:
    values = {"seq": seq, "as_of": at, "rebuilt_at": func.now()}
    done = session.execute(
        update(EbysFactsState).where(EbysFactsState.id == facts_table.STATE_ID).values(values)
    )
    if not done.rowcount:  # type: ignore[attr-defined]  # a CursorResult
        session.execute(insert(EbysFactsState).values(id=facts_table.STATE_ID, **values))


def rebuild(session: Session, at: date | None = None) -> int:
    """Every unit again, from the records, as of ``at`` (default today); returns the number
    of rows. The caller commits (a job, or the follower). Memory is bounded by ``CHUNK``."""
    at = at or today()
    head = audit.head_seq(session)
    session.execute(delete(EbysFactsRow))
    context = _context(session, at, head)
    count = 0
    for versions in _in_force_pages(session, at):
        rows = _rows(session, versions, context)
        _write(session, rows)
        count += len(rows)
    _set_state(session, head, at)
    return count


def recompute(session: Session, org_ids: Collection[int], at: date, seq: int) -> int:
    """The rows of these units again (a unit no longer in force loses its row)."""
    if not org_ids:
        return 0
    context = _context(session, at, seq)
    count = 0
    ordered = sorted(set(org_ids))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        for part in _parts(chunk):
            session.execute(delete(EbysFactsRow).where(EbysFactsRow.organization_id.in_(part)))
        rows = _rows(session, tree.versions_at(session, chunk, at), context)
        _write(session, rows)
        count += len(rows)
    return count


# -- following the trail --


@dataclass
class Plan:
    """What a stretch of the trail asks to recompute: some units, or everything."""

    units: set[int] = field(default_factory=set)
    everything: bool = False


def plan(session: Session, after: int, upto: int, at: date, max_units: int) -> Plan:
    """The units the followed entries ``after < seq <= upto`` reach (``everything`` as well
    when they are more than ``max_units``)."""
    numbers: set[str] = set()
    subtrees: set[str] = set()
    posts: set[str] = set()
    for entity, _number, before, after_ in session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before, AuditEntry.after)
        .where(
            AuditEntry.seq > after,
            AuditEntry.seq <= upto,
            AuditEntry.entity.in_(facts_table.FOLLOWED),
        )
        .order_by(AuditEntry.seq)
    ):
        records = [r for r in (before, after_) if r]
        if entity == "organization":
            if any(_reshapes(r) for r in records):
                return Plan(everything=True)
            owners = {str(r.get("detsis_no") or _number) for r in records} | {_number}
            changed = {
                key
                for key in {*(before or {}), *(after_ or {})}
                if (before or {}).get(key) != (after_ or {}).get(key)
            }
            (numbers if before is not None and changed <= OWN_FIELDS else subtrees).update(owners)
        elif entity == "signatory":
            numbers.update(str(r["organization"]) for r in records if r.get("organization"))
        elif entity == "manager_post":
            posts.update(str(r["organization"]) for r in records if r.get("organization"))
        else:  # a category, unit type or place: every unit's record or addressee may read it
            return Plan(everything=True)
    ids = set(_ids(session, numbers))
    for top in _ids(session, subtrees):
        ids.update(tree.subtree_ids(session, top, at))
        if len(ids) > max_units:
            return Plan(everything=True)
    post_ids = _ids(session, posts)
    for part in _parts(post_ids):
        ids.update(
            session.scalars(
                select(Signatory.organization_id).where(Signatory.manager_of_id.in_(part))
            )
        )
    return Plan(everything=True) if len(ids) > max_units else Plan(ids)


def _reshapes(record: dict[str, Any]) -> bool:
    """A unit other units' facts may name: a provincial administration or the Presidency."""
    return (
        record.get("unit_type") in facts.ADMINISTRATION_TYPES
        or record.get("category") == PRESIDENCY
    )


def _ids(session: Session, numbers: Collection[str]) -> list[int]:
    found: list[int] = []
    ordered = sorted(numbers)
    for start in range(0, len(ordered), IN_LIST):
        found.extend(
            session.scalars(
                select(Organization.id).where(
                    Organization.detsis_no.in_(ordered[start : start + IN_LIST])
                )
            )
        )
    return found


def catch_up_in(session: Session, max_entries: int, max_units: int, *, may_rebuild: bool) -> str:
    """Bring the projection up to the trail's head in ``session``'s transaction: recompute what
    the entries since reach, or rebuild when allowed and needed. Returns what was done
    (``current``, ``updated``, ``rebuilt``, ``busy``, ``stale``, ``not built``)."""
    at = today()
    found = session.execute(
        select(EbysFactsState.seq, EbysFactsState.as_of)
        .where(EbysFactsState.id == facts_table.STATE_ID)
        .with_for_update(skip_locked=True)
    ).first()
    if found is None:
        if facts_table.state(session) is not None:
            return "busy"  # another transaction is bringing it up to date
        if not may_rebuild:
            return "not built"
        rebuild(session, at)
        return "rebuilt"
    seq, as_of = found
    head = audit.head_seq(session)
    if as_of == at and head <= seq:
        return "current"
    work = Plan(everything=True)
    if as_of == at and head - seq <= max_entries:
        work = plan(session, seq, head, at, max_units)
    if work.everything:
        if not may_rebuild:
            return "stale"
        rebuild(session, at)
        return "rebuilt"
    recompute(session, work.units, at, head)
    _set_state(session, head, at)
    return "updated"


def follow_approval(session: Session) -> str:
    """Recompute what the approving transaction changed, before it commits, when the
    projection was current and the change reaches at most ``APPROVAL_UNITS`` units; otherwise
    leave it to the follower (readers compute live meanwhile)."""
    if not any(e.entity in facts_table.FOLLOWED for e in audit.appended_in(session)):
        return "current"
    try:
        with session.begin_nested():  # a projection that cannot follow must not stop the change
            return catch_up_in(session, APPROVAL_ENTRIES, APPROVAL_UNITS, may_rebuild=False)
    except OperationalError as error:
        logger.warning("EBYS facts left to the follower: %s", error)
        return "stale"


def catch_up(engine: Engine) -> str:
    """One step of the follower, in a transaction of its own (one process at a time)."""
    with Session(engine) as writer:
        try:
            with writer.begin():
                writer.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                return catch_up_in(writer, FOLLOWER_ENTRIES, CHUNK * 5, may_rebuild=True)
        except (IntegrityError, OperationalError) as error:
            # Two first builds at once (the second's state row collides) or a lock not had in
            # time: the other process's rows will do.
            logger.warning("EBYS facts projection not brought up to date: %s", error)
            return "busy"


# -- checking it --


@dataclass
class CheckReport:
    """How the projection compares with the live computation."""

    checked: int = 0
    differing: list[str] = field(default_factory=list)  # "<number>: what differs"
    missing: list[str] = field(default_factory=list)  # in force, without a row
    extra: list[str] = field(default_factory=list)  # a row for a unit not in force
    state: tuple[int, date] | None = None
    head: int = 0

    @property
    def ok(self) -> bool:
        return not (self.differing or self.missing or self.extra)


def check(session: Session, at: date | None = None) -> CheckReport:
    """Every row against the live computations, chunk by chunk: the facts as the lookups
    compute them without the projection (``facts.compute_live``) and the record as the SOAP
    service builds it (``kaysis.units.records``)."""
    at = at or today()
    report = CheckReport(state=facts_table.state(session), head=audit.head_seq(session))
    context = _context(session, at, 0)
    seen: set[str] = set()
    for versions in _in_force_pages(session, at):
        expected = {row["detsis_no"]: row for row in _rows(session, versions, context)}
        live_facts = facts.compute_live(session, [n for n, _ in versions.values()], at)
        stmt = units.in_force(at).where(OrganizationVersion.organization_id.in_(list(versions)))
        live_records = {r["DETSISNo"]: r for r in units.records(session, stmt, at)}
        stored = {
            row.detsis_no: row
            for part in _parts(versions.keys())
            for row in session.scalars(
                select(EbysFactsRow).where(EbysFactsRow.organization_id.in_(part))
            )
        }
        for number, wanted in expected.items():
            report.checked += 1
            seen.add(number)
            row = stored.get(number)
            if row is None:
                report.missing.append(number)
                continue
            wrong = [name for name in COMPARED if getattr(row, name) != wanted[name]]
            if _utc(row.changed_at) != _utc(wanted["changed_at"]):
                wrong.append("changed_at")
            live_record = live_records.get(int(number))
            if row.record != live_record:
                wrong.append("record")
            elif live_record is not None and row.record_xml != answers.unit_record_xml(live_record):
                wrong.append("record_xml")
            live = live_facts.get(number)
            if (row.facts is None) != (live is None) or (
                row.facts is not None and facts_table.load(number, row.facts) != live
            ):
                wrong.append("facts")
            if wrong:
                report.differing.append(f"{number}: {', '.join(wrong)}")
    for number in session.scalars(select(EbysFactsRow.detsis_no)):
        if number not in seen:
            report.extra.append(number)
    return report


COMPARED = (
    "organization_id",
    "path",
    "depth",
    "sort_key",
    "status",
    "corresponds_externally",
    "has_kep",
    "own_kep",
)


def _utc(moment: datetime) -> datetime:
    """SQLite gives stored datetimes back without their zone (they are UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def rows_for(session: Session, numbers: Sequence[str]) -> dict[str, EbysFactsRow]:
    """The stored rows of these units (tests and the check)."""
    return {
        row.detsis_no: row
        for row in session.scalars(select(EbysFactsRow).where(EbysFactsRow.detsis_no.in_(numbers)))
    }
