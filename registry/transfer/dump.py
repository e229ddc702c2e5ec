"""``registry export PATH``: every table, streamed in primary-key order, as one consistent snapshot.

The dump is written into a hidden sibling directory and renamed to PATH at the end, manifest
last (and its signature, ``manifest.sig``, after it when a signing key is configured), so PATH is
either a complete dump or absent. Rows are fetched in batches (a server-side
cursor on PostgreSQL) and written as they come, so memory does not grow with the registry. The
same database gives the same files byte for byte; only ``created_at`` in the manifest differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Connection, Engine

from registry.audit.canonical import ENCODERS, JSON_ESCAPE, column_kind, stored_type
from registry.kernel import migrate
from registry.transfer.directory import new_directory
from registry.transfer.manifest import (
    PERSONAL_DATA,
    Manifest,
    TableEntry,
    TransferError,
    columns_of,
    dumps_line,
    sign_manifest,
    tables,
)

BATCH = 2000


@dataclass(frozen=True)
class _Column:
    """How one column of a table is written: where it is in the row, and how it is encoded."""

    name: str
    position: int
    encode: Callable[[Any], Any] | None
    json: bool
    flag: int | None  # position of its IS NULL flag (nullable JSON columns)
    replace: bool  # blanked by --without-personal-data
    replacement: Any


def export(
    engine: Engine,
    path: Path,
    *,
    personal_data: bool = True,
    signing_key: Ed25519PrivateKey | None = None,
) -> Manifest:
    """Write the dump of the database into the new directory ``path``; with a ``signing_key``,
    its manifest is signed (``manifest.sig``)."""
    with new_directory(path) as work, _snapshot(engine) as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        if revision is None:
            raise TransferError("the database has no schema yet (run `registry db upgrade`)")
        head = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
        if revision != head:  # the tables read are this registry's models
            raise TransferError(
                f"the database is at schema revision {revision}, this registry at {head}: "
                "run `registry db upgrade` first, or export with the matching version"
            )
        manifest = Manifest(
            alembic_revision=revision,
            created_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            personal_data_included=personal_data,
            blanked=[]
            if personal_data
            else [f"{t}.{c}" for t, columns in PERSONAL_DATA.items() for c in columns],
        )
        for table in tables():
            manifest.tables.append(_write_table(connection, table, work, personal_data))
        manifest.write(work)
        if signing_key is not None:
            sign_manifest(work, signing_key)
    return manifest


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees one state of the database for every table."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        # SQLite (WAL): a deferred transaction keeps the snapshot of its first read.
        with connection.begin() as transaction:
            yield connection
            transaction.rollback()


def _write_table(
    connection: Connection, table: sa.Table, directory: Path, personal_data: bool
) -> TableEntry:
    blanks = {} if personal_data else PERSONAL_DATA.get(table.name, {})
    # A nullable JSON column is read with a flag telling SQL NULL from the JSON value null (both
    # come back as None); the flags follow the table's columns in the select.
    flagged = [c for c in table.columns if isinstance(c.type, sa.JSON) and c.nullable]
    flag_at = {c.name: len(table.columns) + i for i, c in enumerate(flagged)}
    plan = [
        _Column(
            name=c.name,
            position=position,
            encode=ENCODERS[column_kind(table, c)],
            json=isinstance(c.type, sa.JSON),
            flag=flag_at.get(c.name),
            replace=c.name in blanks,
            replacement=blanks.get(c.name),
        )
        for position, c in enumerate(table.columns)
    ]
    name = f"{table.name}.jsonl"
    digest = hashlib.sha256()
    count = 0
    with (directory / name).open("wb") as stream:
        for batch in _batches(connection, table, flagged):
            data = "".join([dumps_line(_encode_row(plan, row)) for row in batch]).encode()
            digest.update(data)
            stream.write(data)
            count += len(batch)
    return TableEntry(table.name, name, count, digest.hexdigest(), columns_of(table))


def _encode_row(plan: list[_Column], row: Sequence[Any]) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for column in plan:
        if column.replace:
            value = column.replacement
        else:
            value = row[column.position]
            if value is None and column.json and (column.flag is None or not row[column.flag]):
                encoded[column.name] = {JSON_ESCAPE: None}  # the JSON value null, not SQL NULL
                continue
        if value is None:
            encoded[column.name] = None
        elif column.encode is None:
            encoded[column.name] = value
        else:
            encoded[column.name] = column.encode(value)
    return encoded


def _batches(
    connection: Connection, table: sa.Table, flagged: list[sa.Column[Any]]
) -> Iterator[Sequence[Any]]:
    """The table's rows in primary-key order, a batch at a time."""
    order = [
        # Byte order on PostgreSQL too, whatever the database's locale: the same order as SQLite.
        column.collate("C")
        if connection.dialect.name == "postgresql" and isinstance(stored_type(column), sa.String)
        else column
        for column in table.primary_key.columns
    ]
    statement = sa.select(*table.columns, *(c.is_(None) for c in flagged)).order_by(*order)
    result = connection.execution_options(yield_per=BATCH).execute(statement)
    yield from result.partitions()
