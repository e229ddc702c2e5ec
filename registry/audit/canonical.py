"""A row's canonical form: the same text for the same stored state on SQLite and PostgreSQL.

The record ledger hashes it and dumps write it, so one set of encoders serves both: datetimes in
UTC with their offset (SQLite hands them back naive), dates as ISO dates, decimals as text, bytes
in base64. A nullable JSON column is read with an ``IS NULL`` flag, which tells SQL NULL from a
stored JSON ``null`` (both come back as ``None``); the JSON ``null`` is ``{"$json": null}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from registry.kernel.errors import RegistryError

JSON_ESCAPE = "$json"


class UnencodableColumn(RegistryError):
    """A column type with no canonical encoding: a new type needs one here first."""


def stored_type(column: sa.Column[Any]) -> Any:
    """The column's type as the database stores it: an enum kept as text (a TypeDecorator) is its
    text type."""
    return column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type


def column_kind(table: sa.Table, column: sa.Column[Any]) -> str:
    """The encoding of a column's values."""
    kind = stored_type(column)
    if isinstance(kind, sa.JSON):
        return "json"
    if isinstance(kind, sa.LargeBinary):
        return "bytes"
    if isinstance(kind, sa.Boolean):
        return "boolean"
    if isinstance(kind, sa.DateTime):
        return "datetime" if kind.timezone else "naive_datetime"
    if isinstance(kind, sa.Date):
        return "date"
    if isinstance(kind, sa.Integer):
        return "integer"
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return "decimal"
    if isinstance(kind, sa.String):
        return "string"
    raise UnencodableColumn(f"no canonical encoding for {table.name}.{column.name} ({kind!r})")


def _encode_datetime(value: datetime) -> str:
    # SQLite hands back naive datetimes that are UTC; PostgreSQL aware ones in its session zone.
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _encode_json(value: Any) -> Any:
    if value is None or (isinstance(value, dict) and value.keys() == {JSON_ESCAPE}):
        return {JSON_ESCAPE: value}
    return value


Converter = Callable[[Any], Any]

# Encoders get a non-NULL database value.
ENCODERS: dict[str, Converter | None] = {
    "integer": None,
    "string": None,
    "boolean": bool,
    "date": lambda value: value.isoformat(),
    "datetime": _encode_datetime,
    "naive_datetime": lambda value: value.isoformat(),
    "decimal": str,
    "bytes": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
    "json": _encode_json,
}


def _hash_decimal(value: Decimal) -> str:
    # SQLite keeps a NUMERIC as a float; the scale it comes back with is the column's, but a
    # normalised text does not depend on it.
    return format(value.normalize(), "f")


# The hash differs from the dump in one place only: a decimal's text is normalised.
HASH_ENCODERS: dict[str, Converter | None] = {**ENCODERS, "decimal": _hash_decimal}


class RowReader:
    """How to read one table's rows and turn each into its key and its hash."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        columns = list(table.columns)
        self.flagged = [c for c in columns if isinstance(c.type, sa.JSON) and c.nullable]
        flag_at = {c.name: len(columns) + i for i, c in enumerate(self.flagged)}
        self._plan = [
            (c.name, position, HASH_ENCODERS[column_kind(table, c)], flag_at.get(c.name))
            for position, c in enumerate(columns)
        ]
        self._json = {c.name for c in columns if isinstance(c.type, sa.JSON)}
        names = [c.name for c in columns]
        self._key_at = [names.index(c.name) for c in table.primary_key.columns]
        self._key_encoders = [ENCODERS[column_kind(table, c)] for c in table.primary_key.columns]

    def select(self) -> sa.Select[Any]:
        """Every column, then an ``IS NULL`` flag per nullable JSON column."""
        return sa.select(*self.table.columns, *(c.is_(None) for c in self.flagged))

    def key(self, row: Sequence[Any]) -> str:
        """The row's primary key as text: the value, or a JSON list for a composite key."""
        values = [
            row[at] if encode is None else encode(row[at])
            for at, encode in zip(self._key_at, self._key_encoders, strict=True)
        ]
        return key_text(values)

    def row_hash(self, row: Sequence[Any]) -> str:
        """SHA-256 over the table's name and the row's canonical JSON."""
        encoded: dict[str, Any] = {}
        for name, position, encode, flag in self._plan:
            value = row[position]
            if value is None:
                if name in self._json and (flag is None or not row[flag]):
                    encoded[name] = {JSON_ESCAPE: None}
                else:
                    encoded[name] = None
            else:
                encoded[name] = value if encode is None else encode(value)
        return hashlib.sha256(f"{self.table.name}\n{canonical_json(encoded)}".encode()).hexdigest()


def key_text(values: Sequence[Any]) -> str:
    """A primary key's text: one value as itself, a composite key as a JSON list."""
    if len(values) == 1:
        return str(values[0])
    return canonical_json(list(values))


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the one text of a value."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
