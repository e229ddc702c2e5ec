"""What every write must fit, checked from the model itself before the database sees it.

A text longer than its ``String(length)`` column is a ``DataError`` on PostgreSQL and silently
kept on SQLite; a NUL is refused by PostgreSQL in any text or JSON value. Either would surface
as a server error, on one backend only. So every write made through a session is checked here,
from the mapped columns (a column added tomorrow is covered without a line of its own):

* ORM writes: the session's ``before_flush`` looks at every new and changed object;
* bulk writes (``session.execute(insert(table), rows)``): ``do_orm_execute`` looks at the rows.

A refusal is ``InvalidInput`` naming the field (the attribute's name, which is the API's field
name), raised before anything is written, so the request or job writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import JSON, String, Table, TypeDecorator, event, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, UOWTransaction, sessionmaker
from sqlalchemy.sql.dml import Insert, Update

from registry.kernel.errors import InvalidInput

NUL = "\x00"


def install(factory: sessionmaker[Session]) -> None:
    """Check every write of the sessions ``factory`` makes."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "do_orm_execute", _before_execute)


@cache
def _limits_of_table(table: Table) -> tuple[dict[str, int | None], frozenset[str]]:
    """Column name → its length (None: any length) for text columns; the JSON columns."""
    texts: dict[str, int | None] = {}
    documents: set[str] = set()
    for column in table.columns:
        kind = _kind(column.type)
        if isinstance(kind, String):
            texts[column.key] = kind.length
        elif isinstance(kind, JSON):
            documents.add(column.key)
    return texts, frozenset(documents)


@cache
def _limits_of_class(cls: type) -> tuple[tuple[str, int | None], ...]:
    """Attribute name → the length of its text column (None: unbounded) of a mapped class."""
    mapper: Mapper[Any] = inspect(cls)
    found: list[tuple[str, int | None]] = []
    for attribute in mapper.column_attrs:
        kind = _kind(attribute.columns[0].type)
        if isinstance(kind, String):
            found.append((attribute.key, kind.length))
        elif isinstance(kind, JSON):
            found.append((attribute.key, -1))  # -1: a JSON document, checked for NUL only
    return tuple(found)


def _kind(column_type: Any) -> Any:
    """The type a column stores as (a ``TypeDecorator``'s implementation)."""
    return column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    errors: dict[str, list[str]] = {}
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        for key, length in _limits_of_class(state.mapper.class_):
            if key not in state.dict:
                continue
            _check(key, state.dict[key], length, errors)
    _raise(errors)


def _before_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if not isinstance(statement, Insert | Update) or not isinstance(statement.table, Table):
        return
    parameters = state.parameters
    if not parameters:
        return
    rows: Iterable[Mapping[str, Any]] = (
        [parameters] if isinstance(parameters, Mapping) else parameters
    )
    texts, documents = _limits_of_table(statement.table)
    errors: dict[str, list[str]] = {}
    for row in rows:
        for key, value in row.items():
            if key in texts:
                _check(key, value, texts[key], errors)
            elif key in documents:
                _check(key, value, -1, errors)
        if errors:
            break
    _raise(errors)


def _check(key: str, value: Any, length: int | None, errors: dict[str, list[str]]) -> None:
    if value is None:
        return
    if length == -1:
        if _holds_nul(value):
            errors.setdefault(key, []).append(_NUL_MESSAGE)
        return
    if not isinstance(value, str):
        return
    if NUL in value:
        errors.setdefault(key, []).append(_NUL_MESSAGE)
    elif length is not None and len(value) > length:
        errors.setdefault(key, []).append(
            f"En çok {length} karakter olabilir ({len(value)} verildi) / at most {length} "
            f"characters ({len(value)} given)."
        )


_NUL_MESSAGE = "NUL karakteri saklanamaz / a NUL character cannot be stored."


def _holds_nul(value: Any) -> bool:
    """A NUL in any key or string of a JSON document (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise InvalidInput(
            "Girdi saklanamaz: alan çok uzun veya geçersiz karakter içeriyor / the input cannot "
            "be stored: a field is too long or holds an invalid character.",
            errors=errors,
        )
