"""The dump format: one JSON-lines file per table, and ``manifest.json`` describing them.

A line is one row, a JSON object with the table's columns in table order. Values are encoded so
that they come back exactly on either backend (see ``encoder``/``decoder``): datetimes in UTC
with their offset (SQLite returns them naive), dates as ISO dates, Decimals as strings, bytes
in base64. A JSON column keeps the difference between SQL NULL (``null``) and a stored JSON
``null`` (``{"$json": null}``); a stored object whose only key is ``"$json"`` is wrapped the
same way, so the escape is never ambiguous.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.schema import ForeignKeyConstraint, sort_tables_and_constraints

from registry import models  # noqa: F401  # registers every table on Base.metadata
from registry.audit import checkpoints as signed
from registry.audit.canonical import JSON_ESCAPE, column_kind
from registry.kernel.db import Base
from registry.kernel.errors import RegistryError

FORMAT = "kaysis-registry-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Tables that a freshly migrated database already fills: the audit head's genesis row (0002)
# and the initial search synonym groups (0006). A restore replaces their rows; any other row
# means the database is not empty.
# The record ledger's head and the entries sealing those rows (0011) are replaced the same way.
SEEDED_TABLES = frozenset({"audit_head", "search_synonym_groups", "ledger_head", "record_ledger"})
SIGNATURE = "manifest.sig"

# What ``--without-personal-data`` blanks: citizens' contact data and what they wrote. Complaints
# keep their routing, dates and status, so the dump still answers "how many, where, how fast".
PERSONAL_DATA: dict[str, dict[str, Any]] = {
    "complaints": {"contact": {}, "text": ""},
    "complaint_events": {"note": None},
    "survey_responses": {"comment": None},
}


class TransferError(RegistryError):
    """A dump that cannot be written or restored; the message says why and what to do."""


# -- tables and their order --


def tables() -> list[sa.Table]:
    """Every table of the models, parents before children (the foreign-key-safe load order)."""
    # What ``metadata.sorted_tables`` does, without its warning on a cycle between tables: the
    # constraints of a cycle are left out of the order and filled in a second pass instead.
    by_name = sorted(Base.metadata.tables.values(), key=lambda table: table.key)
    # Projections that say so (``info={"dump": False}``) are left out: rebuilt after a restore.
    kept = [table for table in by_name if table.info.get("dump", True)]
    return [table for table, _ in sort_tables_and_constraints(kept) if table is not None]


def deferred_foreign_keys(all_tables: Iterable[sa.Table]) -> dict[str, list[sa.Column[Any]]]:
    """Per table, the foreign-key columns a load must fill in a second pass.

    A table's order among tables cannot satisfy a reference to itself (``legislation.
    repealed_by_id`` may point to a later act) nor a cycle between tables: those columns are
    inserted as NULL, then updated once every row is in.
    """
    listed = list(all_tables)
    deferred: dict[str, list[sa.Column[Any]]] = {}
    constraints: list[ForeignKeyConstraint] = []
    for table in listed:
        constraints.extend(
            fk
            for fk in table.foreign_key_constraints
            if fk.referred_table is table  # self-reference
        )
    for table, remaining in sort_tables_and_constraints(listed):
        if table is None:
            constraints.extend(remaining)  # the constraints left unsorted: cycles
    for constraint in constraints:
        table = constraint.table
        for column in constraint.columns:
            if not column.nullable:
                raise TransferError(
                    f"{table.name}.{column.name} must be filled in a second pass but is NOT NULL"
                )
            columns = deferred.setdefault(table.name, [])
            if column not in columns:
                columns.append(column)
    return deferred


# -- values --


def _decode_datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_expect(value, str))
    if parsed.tzinfo is None:
        raise ValueError(f"datetime without a UTC offset: {value!r}")
    return parsed.astimezone(UTC)


def _decode_json(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {JSON_ESCAPE}:
        inner = value[JSON_ESCAPE]
        return sa.JSON.NULL if inner is None else inner
    return value


def _expect(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"expected {kind.__name__}, got {value!r}")
    return value


def _decode_bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(_expect(value, str), validate=True)
    except binascii.Error as error:
        raise ValueError(f"not base64: {error}") from error


def _decode_decimal(value: Any) -> Decimal:
    try:
        number = Decimal(_expect(value, str))
    except InvalidOperation as error:
        raise ValueError(f"not a decimal: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return number


Converter = Callable[[Any], Any]

# Decoders get a non-null JSON value (the encoders are the canonical ones of the hash chain).
DECODERS: dict[str, Converter] = {
    "integer": lambda value: _expect(value, int),
    "string": lambda value: _expect(value, str),
    "boolean": lambda value: _expect(value, bool),
    "date": lambda value: date.fromisoformat(_expect(value, str)),
    "datetime": _decode_datetime,
    "naive_datetime": lambda value: datetime.fromisoformat(_expect(value, str)),
    "decimal": _decode_decimal,
    "bytes": _decode_bytes,
    "json": _decode_json,
}


_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps_line(row: dict[str, Any]) -> str:
    """One row as one line: compact, UTF-8 as is, key order kept (deterministic)."""
    return _LINE.encode(row) + "\n"


# -- the manifest --


@dataclass
class TableEntry:
    name: str
    file: str
    rows: int
    sha256: str
    columns: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "rows": self.rows,
            "sha256": self.sha256,
            "columns": self.columns,
        }


@dataclass
class Manifest:
    alembic_revision: str
    created_at: str
    personal_data_included: bool = True
    blanked: list[str] = field(default_factory=list)
    tables: list[TableEntry] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(entry.rows for entry in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "alembic_revision": self.alembic_revision,
            "personal_data": {"included": self.personal_data_included, "blanked": self.blanked},
            "complete": self.personal_data_included,
            "tables": [entry.as_dict() for entry in self.tables],
        }

    def write(self, directory: Path) -> None:
        text = json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"
        (directory / MANIFEST).write_text(text, encoding="utf-8")


def columns_of(table: sa.Table) -> list[dict[str, str]]:
    return [{"name": c.name, "type": column_kind(table, c)} for c in table.columns]


def read_manifest(directory: Path) -> Manifest:
    """Read and check the shape of a dump's manifest (not yet its files)."""
    path = directory / MANIFEST
    if not directory.is_dir():
        raise TransferError(f"{directory} is not a directory with a dump")
    if not path.is_file():
        raise TransferError(f"{path} is missing: not a complete dump (its manifest comes last)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise TransferError(f"{path} is not a {FORMAT} manifest")
        if data.get("format_version") != FORMAT_VERSION:
            raise TransferError(
                f"dump format version {data.get('format_version')!r} is not supported "
                f"(this registry reads version {FORMAT_VERSION})"
            )
        personal = data["personal_data"]
        manifest = Manifest(
            alembic_revision=str(data["alembic_revision"]),
            created_at=str(data["created_at"]),
            personal_data_included=bool(personal["included"]),
            blanked=[str(name) for name in personal["blanked"]],
        )
        for entry in data["tables"]:
            manifest.tables.append(
                TableEntry(
                    name=str(entry["name"]),
                    file=str(entry["file"]),
                    rows=int(entry["rows"]),
                    sha256=str(entry["sha256"]),
                    columns=[
                        {"name": str(c["name"]), "type": str(c["type"])} for c in entry["columns"]
                    ],
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise TransferError(f"{path} is not a valid manifest: {error!r}") from error
    return manifest


# -- the signature --


def sign_manifest(directory: Path, key: Ed25519PrivateKey) -> None:
    """Sign ``manifest.json`` as written (its bytes): it names every file's SHA-256, so the
    signature covers the whole dump."""
    data = (directory / MANIFEST).read_bytes()
    signature = {
        "format": f"{FORMAT}-signature",
        "key_id": signed.key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(data)).decode("ascii"),
    }
    (directory / SIGNATURE).write_text(json.dumps(signature, indent=2) + "\n", encoding="utf-8")


def check_signature(directory: Path, key: Ed25519PublicKey | None, *, required: bool) -> bool:
    """Whether the dump's manifest is signed by ``key``; refuses a dump that is not when a
    signature is ``required`` or present. An unsigned dump passes only when not required."""
    path = directory / SIGNATURE
    if not path.is_file():
        if required:
            raise TransferError(
                f"the dump is not signed ({SIGNATURE} is missing): restore only dumps signed "
                "with the configured key, or pass --unsigned to rely on the hash chains alone"
            )
        return False
    if key is None:
        raise TransferError(
            "the dump is signed but no verify key is configured: set REGISTRY_VERIFY_KEY or "
            "REGISTRY_VERIFY_KEY_FILE to the exporting registry's public key"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        signature = base64.b64decode(str(data["signature"]), validate=True)
        key.verify(signature, (directory / MANIFEST).read_bytes())
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature) as error:
        raise TransferError(
            f"the dump's signature does not verify with the configured key "
            f"{signed.key_id(key)}: its files or manifest were changed after the export, or "
            "another key signed it; nothing was restored"
        ) from error
    return True


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and line count of a file, read in blocks."""
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            lines += block.count(b"\n")
    return digest.hexdigest(), lines
