"""The record ledger: the hash of every state of every row the application writes, chained.

The audit trail says what was approved; the ledger says what the database held after it. Every
row of a tracked table (all tables but the ones in ``UNTRACKED`` and those whose ``Table.info``
says ``ledger=False``) has its state's hash appended when the application writes it:

* ORM writes, from the session's ``after_flush`` event (the rows are read back, so server-side
  defaults are hashed as stored);
* Core bulk writes, by an explicit ``record_rows`` call after them (the bulk paths of the
  importers and the scale generator);
* schema migrations, by ``seal`` once the database reaches the models' revision (a migration that
  adds a column changes every row's state; the ledger names the revision that did it).

``registry audit verify`` recomputes every current row's hash and compares it with the row's latest
ledger entry: a row edited, inserted or deleted outside the application is named with its table
and key. Appends lock ``ledger_head`` first (before ``audit_head``, always in that order), so the
ledger's ``seq`` order is commit order, like the audit trail's.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from registry.audit.canonical import ENCODERS, RowReader, canonical_json, column_kind, key_text
from registry.audit.models import LedgerHead, RecordLedgerEntry
from registry.kernel.db import Base

GENESIS_HASH = "0" * 64
BATCH = 1000

# Tables deliberately outside the ledger, and why.
UNTRACKED: dict[str, str] = {
    "audit_log": "a hash chain of its own",
    "audit_head": "the audit chain's head, checked against the chain",
    "record_ledger": "the ledger itself",
    "ledger_head": "the ledger's head, checked against the ledger",
    "audit_checkpoints": "signed: checked against the key outside the database",
    # The data-flow projections (registry/catalogue/dataflow_projection.py): rebuilt from the
    # records, which the ledger covers, by Core statements.
    "projection_state": "a projection's bookkeeping",
    "once_only_rows": "a projection, rebuilt from the records",
    "dataflow_issuers": "a projection, rebuilt from the records",
    "dataflow_edges": "a projection, rebuilt from the records",
    # The EBYS facts projection (registry/ebys/projection.py), likewise.
    "ebys_facts": "a projection, rebuilt from the records",
    "ebys_facts_state": "a projection's bookkeeping",
}

_LEDGER = cast(sa.Table, RecordLedgerEntry.__table__)
SOURCE_APP = "app"
SOURCE_BULK = "bulk"


def untracked_reason(table: sa.Table) -> str | None:
    """Why a table is not in the ledger, or None when it is."""
    if table.name in UNTRACKED:
        return UNTRACKED[table.name]
    if table.info.get("ledger") is False:  # projections and caches say so on their table
        return str(table.info.get("ledger_reason", "a projection, rebuilt from the records"))
    return None


def tracked_tables() -> list[sa.Table]:
    """Every table whose rows the ledger covers, by name."""
    return sorted(
        (t for t in Base.metadata.tables.values() if untracked_reason(t) is None),
        key=lambda table: table.name,
    )


@functools.cache
def reader(table: sa.Table) -> RowReader:
    return RowReader(table)


@functools.cache
def _is_tracked(table: sa.Table) -> bool:
    return untracked_reason(table) is None


@dataclass(frozen=True)
class RowState:
    """The state of one row to append: its hash, or None when the row is gone."""

    table: str
    key: str
    row_hash: str | None


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical_json(content)}".encode()).hexdigest()


def entry_content(
    seq: int, at: datetime, table: str, key: str, row_hash: str | None, source: str
) -> dict[str, Any]:
    """What an entry's hash covers; its moment as UTC ISO text (SQLite returns it naive)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return {
        "seq": seq,
        "at": aware.astimezone(UTC).isoformat(),
        "table": table,
        "key": key,
        "row_hash": row_hash,
        "source": source,
    }


def head(connection: Connection, *, lock: bool) -> tuple[int, str]:
    """The ledger's last seq and hash; ``lock`` holds its row until the transaction ends."""
    statement = sa.select(LedgerHead.last_seq, LedgerHead.last_hash).where(LedgerHead.id == 1)
    if lock:
        statement = statement.with_for_update()
    row = connection.execute(statement).one()
    return int(row[0]), str(row[1])


def append(connection: Connection, states: Sequence[RowState], source: str) -> tuple[int, str]:
    """Append the states under the head lock; the new head."""
    seq, last_hash = head(connection, lock=True)
    if not states:
        return seq, last_hash
    at = datetime.now(UTC).replace(microsecond=0)
    rows = []
    for state in states:
        seq += 1
        content = entry_content(seq, at, state.table, state.key, state.row_hash, source)
        new_hash = entry_hash(last_hash, content)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "table_name": state.table,
                "row_key": state.key,
                "row_hash": state.row_hash,
                "source": source,
                "prev_hash": last_hash,
                "hash": new_hash,
            }
        )
        last_hash = new_hash
    ledger = _LEDGER
    for start in range(0, len(rows), BATCH):
        connection.execute(sa.insert(ledger), rows[start : start + BATCH])
    connection.execute(
        sa.update(LedgerHead).where(LedgerHead.id == 1).values(last_seq=seq, last_hash=last_hash)
    )
    return seq, last_hash


# -- reading rows --


def _chunks(values: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _key_condition(table: sa.Table, keys: Sequence[tuple[Any, ...]]) -> sa.ColumnElement[bool]:
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])
    return sa.or_(*(sa.and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in keys))


def states_of(
    connection: Connection, table: sa.Table, keys: Collection[tuple[Any, ...]]
) -> list[RowState]:
    """The current state of the rows with these primary keys (gone rows: hash None)."""
    row_reader = reader(table)
    wanted = {_key_of_values(table, key): key for key in keys}
    found: dict[str, str] = {}
    listed = list(wanted.values())
    size = BATCH if len(table.primary_key.columns) == 1 else 100
    for chunk in _chunks(listed, size):
        for row in connection.execute(row_reader.select().where(_key_condition(table, chunk))):
            found[row_reader.key(row)] = row_reader.row_hash(row)
    return [RowState(table.name, key, found.get(key)) for key in wanted]


def _key_of_values(table: sa.Table, values: Sequence[Any]) -> str:
    encoded = []
    for column, value in zip(table.primary_key.columns, values, strict=True):
        encode = ENCODERS[column_kind(table, column)]
        encoded.append(value if encode is None or value is None else encode(value))
    return key_text(encoded)


def latest_hashes(connection: Connection, table: str, keys: Iterable[str]) -> dict[str, str | None]:
    """The latest recorded hash of each of these rows that the ledger has seen."""
    latest: dict[str, str | None] = {}
    ledger = _LEDGER
    for chunk in _chunks(list(keys)):
        for key, row_hash in connection.execute(
            sa.select(ledger.c.row_key, ledger.c.row_hash)
            .where(ledger.c.table_name == table, ledger.c.row_key.in_(chunk))
            .order_by(ledger.c.row_key, ledger.c.seq)
        ):
            latest[key] = row_hash
    return latest


# -- writers --


def record_rows(
    session: Session, *selections: tuple[Any, Collection[Any]], source: str = SOURCE_BULK
) -> None:
    """Record the rows a Core statement wrote: each selection is a column and its values (every
    row whose column holds one of them). Rows whose state is already the latest recorded one are
    skipped, so a selection may be wider than what was written."""
    session.flush()
    connection = session.connection()
    states: list[RowState] = []
    for attribute, values in selections:
        column = sa.inspect(attribute).expression if hasattr(attribute, "property") else attribute
        table = column.table
        if not _is_tracked(table):
            continue
        row_reader = reader(table)
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(values))):
            for row in connection.execute(row_reader.select().where(column.in_(chunk))):
                found[row_reader.key(row)] = row_reader.row_hash(row)
        latest = latest_hashes(connection, table.name, found)
        states.extend(
            RowState(table.name, key, row_hash)
            for key, row_hash in found.items()
            if latest.get(key) != row_hash
        )
    append(connection, states, source)


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, _context: UOWTransaction) -> None:
    """Append the state of every tracked row this flush inserted, changed or deleted."""
    touched: dict[sa.Table, set[tuple[Any, ...]]] = {}
    dirty = session.dirty
    for instance in chain(session.new, dirty, session.deleted):
        if instance in dirty and not session.is_modified(instance, include_collections=False):
            continue
        mapper = inspect(instance).mapper
        table = mapper.local_table  # no model inherits another's table
        if isinstance(table, sa.Table) and _is_tracked(table):
            key = tuple(mapper.primary_key_from_instance(instance))
            touched.setdefault(table, set()).add(key)
    if not touched:
        return
    connection = session.connection()
    states: list[RowState] = []
    for table in sorted(touched, key=lambda t: t.name):
        states.extend(states_of(connection, table, touched[table]))
    append(connection, states, SOURCE_APP)


# -- comparing and sealing --


@dataclass(frozen=True)
class Discrepancy:
    """A row whose state is not the latest the application recorded."""

    table: str
    key: str
    kind: str  # "changed", "inserted", "deleted" or "missing" (outside the application)

    def describe(self) -> str:
        what = {
            "changed": "changed outside the application",
            "inserted": "inserted outside the application",
            "deleted": "deleted outside the application",
            "missing": "the table or some of its columns are missing from the database",
        }[self.kind]
        return f"{self.table} {self.key}: {what}"


def compare_table(connection: Connection, table: sa.Table) -> tuple[int, list[Discrepancy]]:
    """Every current row of ``table`` against its latest ledger entry: rows read, discrepancies."""
    ledger = _LEDGER
    latest: dict[str, str | None] = {}
    for key, row_hash in connection.execute(
        sa.select(ledger.c.row_key, ledger.c.row_hash)
        .where(ledger.c.table_name == table.name)
        .order_by(ledger.c.row_key, ledger.c.seq)
    ):
        latest[key] = row_hash
    row_reader = reader(table)
    found: list[Discrepancy] = []
    rows = 0
    result = connection.execute(row_reader.select().execution_options(yield_per=2000))
    for partition in result.partitions():
        for row in partition:
            rows += 1
            key = row_reader.key(row)
            recorded = latest.pop(key, None)
            if recorded is None:
                found.append(Discrepancy(table.name, key, "inserted"))
            elif recorded != row_reader.row_hash(row):
                found.append(Discrepancy(table.name, key, "changed"))
    found.extend(
        Discrepancy(table.name, key, "deleted") for key, gone in latest.items() if gone is not None
    )
    return rows, found


def compare_all(
    connection: Connection, skip: Collection[str] = ()
) -> tuple[int, int, list[Discrepancy]]:
    """Every tracked table: tables compared, rows read, discrepancies (a tracked table the
    database lacks, or lacks columns of, is one: dropped outside the application)."""
    tables = rows = 0
    found: list[Discrepancy] = []
    migrated = {table.name for table in _tables_as_migrated(connection)}
    for table in tracked_tables():
        if table.name in skip:
            continue
        if table.name not in migrated:
            found.append(Discrepancy(table.name, "*", "missing"))
            continue
        count, differences = compare_table(connection, table)
        tables, rows = tables + 1, rows + count
        found.extend(differences)
    return tables, rows, found


def seal(connection: Connection, source: str) -> int:
    """Record the current state of every row that differs from its latest entry: run by the
    migrations when they bring the schema to the models' revision (``source`` names it)."""
    states: list[RowState] = []
    for table in _tables_as_migrated(connection):
        row_reader = reader(table)
        _rows, differences = compare_table(connection, table)
        changed = {d.key for d in differences if d.kind != "deleted"}
        if changed:
            result = connection.execute(row_reader.select().execution_options(yield_per=2000))
            for partition in result.partitions():
                for row in partition:
                    key = row_reader.key(row)
                    if key in changed:
                        states.append(RowState(table.name, key, row_reader.row_hash(row)))
        states.extend(RowState(table.name, d.key, None) for d in differences if d.kind == "deleted")
    append(connection, states, source)
    return len(states)


def _tables_as_migrated(connection: Connection) -> list[sa.Table]:
    """The tracked tables whose columns the migrated database has: a model ahead of its
    migration (work in progress) is left for the drift check to name, not sealed."""
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    return [
        table
        for table in tracked_tables()
        if table.name in present
        and {c.name for c in table.columns}
        <= {c["name"] for c in inspector.get_columns(table.name)}
    ]


@dataclass
class ChainResult:
    checked: int
    first_bad_seq: int | None
    problem: str | None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH


def verify_chain(connection: Connection, batch: int = 5000) -> ChainResult:
    """Recompute the ledger's chain from the start; the first entry that does not match."""
    ledger = _LEDGER
    prev_hash, expected, checked, last = GENESIS_HASH, 1, 0, 0
    while True:
        rows = connection.execute(
            sa.select(ledger).where(ledger.c.seq > last).order_by(ledger.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected:
                return ChainResult(checked, expected, f"ledger entry {expected} is missing")
            if row.prev_hash != prev_hash:
                return ChainResult(checked, row.seq, "previous-hash link does not match")
            content = entry_content(
                row.seq, row.at, row.table_name, row.row_key, row.row_hash, row.source
            )
            if entry_hash(prev_hash, content) != row.hash:
                return ChainResult(checked, row.seq, "content does not match its hash")
            prev_hash, expected, checked, last = row.hash, expected + 1, checked + 1, row.seq
    head_row = connection.execute(
        sa.select(LedgerHead.last_seq, LedgerHead.last_hash).where(LedgerHead.id == 1)
    ).first()
    if head_row is None or head_row[0] != expected - 1 or head_row[1] != prev_hash:
        return ChainResult(checked, expected, "the ledger head does not match its last entry")
    return ChainResult(checked, None, None, expected - 1, prev_hash)
