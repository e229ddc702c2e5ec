"""``registry import PATH``: restore a dump into an empty, migrated database, all or nothing.

Everything that can be checked is checked before the first write: the manifest, the schema
revision, that the database is empty, and every file's row count and SHA-256. Then one
transaction loads the tables parents first with batched ``executemany`` inserts, fills the
self-referencing foreign keys in a second pass, moves PostgreSQL's sequences past the restored
ids, and verifies everything ``registry audit verify`` does (both hash chains, every record's
hash against the record ledger, the signed checkpoints); any failure rolls the whole restore
back. The files are hashed again while they are loaded, so a file changed after the check fails
the restore too. Before any of it, the manifest's signature is checked with the configured
public key: files and manifest edited together, checksums recomputed, are refused there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from registry.audit import checkpoints as signed
from registry.audit import integrity
from registry.kernel import migrate
from registry.transfer.manifest import (
    DECODERS,
    SEEDED_TABLES,
    Manifest,
    TableEntry,
    TransferError,
    check_signature,
    columns_of,
    deferred_foreign_keys,
    file_digest,
    read_manifest,
    tables,
)

BATCH = 2000


@dataclass
class RestoreReport:
    manifest: Manifest
    rows: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    sequences: int = 0
    signed: bool = False
    ledger_entries: int = 0
    records: int = 0
    checkpoints: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def restore(
    engine: Engine,
    path: Path,
    *,
    accept_partial: bool = False,
    verify_key: Ed25519PublicKey | None = None,
    require_signature: bool = False,
    checkpoints: Iterable[signed.SignedCheckpoint] = (),
) -> RestoreReport:
    """Load the dump at ``path`` into the (empty) database behind ``engine``.

    A signed dump must verify with ``verify_key``; an unsigned one is refused when
    ``require_signature`` (the command line requires it unless told ``--unsigned``).
    ``checkpoints`` (kept outside the database) are checked with the restored ones.
    """
    directory = Path(path)
    manifest = read_manifest(directory)
    is_signed = check_signature(directory, verify_key, required=require_signature)
    if not manifest.personal_data_included and not accept_partial:
        raise TransferError(
            "this dump was made --without-personal-data ("
            + ", ".join(manifest.blanked)
            + " are blank): restoring it gives a partial registry; "
            "pass --accept-partial to restore it anyway"
        )
    entries = _entries_for_schema(manifest)
    with engine.connect() as connection:  # fail fast, before reading every file
        _check_database(connection, manifest)
    for entry in entries.values():
        _check_file(directory, entry)

    report = RestoreReport(manifest, signed=is_signed)
    ordered = tables()  # parents first
    deferred = deferred_foreign_keys(ordered)
    with engine.connect() as connection:
        connection.execution_options(sqlite_begin="IMMEDIATE")  # take the write lock first
        with connection.begin():
            _check_database(connection, manifest)  # again, now that we hold the transaction
            for table in ordered:
                if table.name in SEEDED_TABLES:  # the migrations' rows give way to the dump's
                    connection.execute(sa.delete(table))
            pending: dict[str, list[dict[str, Any]]] = {}
            for table in ordered:
                report.rows[table.name] = _load_table(
                    connection,
                    table,
                    directory,
                    entries[table.name],
                    deferred.get(table.name, []),
                    pending,
                )
            for table in ordered:
                _fill_deferred(connection, table, deferred.get(table.name, []), pending)
            if connection.dialect.name == "postgresql":
                report.sequences = _reset_sequences(connection)
            _verify_integrity(connection, report, verify_key, checkpoints)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))  # fresh planner statistics for the new rows
    return report


# -- checks before writing --


def _entries_for_schema(manifest: Manifest) -> dict[str, TableEntry]:
    """The manifest's tables, which must be exactly this schema's, with the same columns."""
    entries = {entry.name: entry for entry in manifest.tables}
    expected = {table.name: table for table in tables()}
    missing = sorted(set(expected) - set(entries))
    unknown = sorted(set(entries) - set(expected))
    if missing or unknown:
        raise TransferError(
            "the dump does not hold this schema's tables"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    for name, table in expected.items():
        entry = entries[name]
        if entry.file != f"{name}.jsonl":
            raise TransferError(f"manifest names {entry.file!r} for {name}; expected {name}.jsonl")
        if entry.columns != columns_of(table):
            raise TransferError(f"the dump's columns of {name} differ from this schema's")
    return entries


def _check_database(connection: Connection, manifest: Manifest) -> None:
    current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(migrate.alembic_config(connection.engine)).get_current_head()
    if current is None:
        raise TransferError("the database has no schema yet: run `registry db upgrade` first")
    if manifest.alembic_revision != current or current != head:
        raise TransferError(
            f"schema revision mismatch: the dump is at {manifest.alembic_revision}, the database "
            f"at {current}, this registry at {head}; restore with the registry version that "
            "wrote the dump, into a database at that revision, then upgrade"
        )
    filled = [
        table.name
        for table in tables()
        if table.name not in SEEDED_TABLES
        and connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]
    head_row = connection.execute(sa.text("SELECT last_seq FROM audit_head")).first()
    if head_row is not None and head_row[0] != 0:
        filled.append("audit_head")
    if filled:
        shown = ", ".join(filled[:5]) + (f" and {len(filled) - 5} more" if len(filled) > 5 else "")
        raise TransferError(
            f"the database is not empty ({shown} have rows): restore only into a new database "
            "created with `registry db upgrade`"
        )


def _check_file(directory: Path, entry: TableEntry) -> None:
    path = directory / entry.file
    if not path.is_file():
        raise TransferError(f"{path} is missing")
    digest, lines = file_digest(path)
    if digest != entry.sha256:
        raise TransferError(
            f"{entry.file} does not match its checksum in the manifest "
            "(the file was changed or damaged); nothing was restored"
        )
    if lines != entry.rows:
        raise TransferError(f"{entry.file} has {lines} rows, the manifest says {entry.rows}")


# -- loading --


def _load_table(
    connection: Connection,
    table: sa.Table,
    directory: Path,
    entry: TableEntry,
    deferred: list[sa.Column[Any]],
    pending: dict[str, list[dict[str, Any]]],
) -> int:
    kinds = {c["name"]: c["type"] for c in entry.columns}
    names = list(kinds)
    keys = set(names)
    params = {name: f"p_{index}" for index, name in enumerate(names)}
    statement = sa.insert(table).values(
        {name: sa.bindparam(params[name], type_=_bind_type(table.c[name])) for name in names}
    )
    decoders = [(name, params[name], DECODERS[kinds[name]]) for name in names]
    deferred_names = [column.name for column in deferred]
    primary_key = [column.name for column in table.primary_key.columns]
    count = 0
    batch: list[dict[str, Any]] = []
    for number, row in _rows(directory, entry):
        if not isinstance(row, dict) or row.keys() != keys:
            raise TransferError(f"{entry.file} line {number}: not a row of {table.name}")
        values: dict[str, Any] = {}
        for name, param, decode in decoders:
            value = row[name]
            try:
                values[param] = None if value is None else decode(value)
            except ValueError as error:
                raise TransferError(f"{entry.file} line {number}, {name}: {error}") from error
        if deferred_names and any(values[params[n]] is not None for n in deferred_names):
            later = {f"k_{n}": values[params[n]] for n in primary_key}
            later.update({f"d_{n}": values[params[n]] for n in deferred_names})
            pending.setdefault(table.name, []).append(later)
            for name in deferred_names:
                values[params[name]] = None
        batch.append(values)
        count += 1
        if len(batch) >= BATCH:
            _insert(connection, statement, batch, entry)
            batch = []
    if batch:
        _insert(connection, statement, batch, entry)
    return count


def _bind_type(column: sa.Column[Any]) -> Any:
    # A JSON column's None must be SQL NULL; the stored JSON value null arrives as JSON.NULL.
    if isinstance(column.type, sa.JSON):
        return sa.JSON(none_as_null=True)
    return column.type


def _rows(directory: Path, entry: TableEntry) -> Iterator[tuple[int, Any]]:
    """The file's rows, hashing it again on the way: it must still be the file checked."""
    digest = hashlib.sha256()
    with (directory / entry.file).open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            digest.update(line)
            try:
                yield number, json.loads(line)
            except ValueError as error:
                raise TransferError(f"{entry.file} line {number}: not JSON ({error})") from error
    if digest.hexdigest() != entry.sha256:
        raise TransferError(f"{entry.file} changed while it was being restored; nothing restored")


def _insert(
    connection: Connection, statement: Any, batch: list[dict[str, Any]], entry: TableEntry
) -> None:
    try:
        connection.execute(statement, batch)
    except DBAPIError as error:
        raise TransferError(
            f"{entry.file} does not fit the database: {_first_line(error)}; nothing restored"
        ) from error


def _fill_deferred(
    connection: Connection,
    table: sa.Table,
    deferred: list[sa.Column[Any]],
    pending: dict[str, list[dict[str, Any]]],
) -> None:
    rows = pending.get(table.name)
    if not deferred or not rows:
        return
    statement = (
        sa.update(table)
        .where(*(c == sa.bindparam(f"k_{c.name}") for c in table.primary_key.columns))
        .values({c.name: sa.bindparam(f"d_{c.name}", type_=c.type) for c in deferred})
    )
    for start in range(0, len(rows), BATCH):
        try:
            connection.execute(statement, rows[start : start + BATCH])
        except DBAPIError as error:
            raise TransferError(
                f"{table.name}.jsonl does not fit the database: {_first_line(error)}; "
                "nothing restored"
            ) from error


def _reset_sequences(connection: Connection) -> int:
    """Move every serial/identity sequence past the restored ids, so new rows get fresh ones."""
    quote = connection.dialect.identifier_preparer
    count = 0
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        sequence = connection.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote.format_table(table), "column": key[0].name},
        )
        if sequence is None:  # ids given by the application (audit_log.seq)
            continue
        column = quote.quote(key[0].name)
        connection.execute(
            sa.text(
                f"SELECT setval(:sequence, COALESCE(MAX({column}), 0) + 1, false) "
                f"FROM {quote.format_table(table)}"
            ),
            {"sequence": sequence},
        )
        count += 1
    return count


def _verify_integrity(
    connection: Connection,
    report: RestoreReport,
    key: Ed25519PublicKey | None,
    checkpoints: Iterable[signed.SignedCheckpoint],
) -> None:
    """What ``registry audit verify`` checks, on the restored rows before they are committed.
    A partial dump's blanked tables cannot match their recorded hashes and are not compared."""
    blanked = {name.split(".")[0] for name in report.manifest.blanked}
    with Session(bind=connection) as session:
        kept = [*checkpoints, *signed.from_database(session)]
        result = integrity.verify_all(session, kept, key, skip_tables=blanked)
    problems = result.problems()
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise TransferError(
            f"the restored registry does not verify: {problems[0]}{more}; nothing restored"
        )
    report.audit_entries = result.audit.checked
    report.ledger_entries = result.ledger.checked
    report.records = result.rows
    report.checkpoints = result.checkpoints


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
