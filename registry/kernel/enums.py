"""Statuses, roles and kinds as ``StrEnum`` members in code, plain text in the database.

``EnumText`` stores a member by its value in the VARCHAR column the migrations created (with its
CHECK constraint), and loads it back as the member: the schema, the dumps and the audit trail's
JSON stay exactly as they were, while code compares ``RecordStatus.ACTIVE`` instead of a string
that a typo could silently change. Values are bound as text, unchecked, so that a filter with
a value outside the enum matches nothing (as it always did) instead of failing; the columns'
CHECK constraints refuse such a value on a write.
"""

from __future__ import annotations

import enum
from typing import Any, Generic, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=enum.StrEnum)


class RecordStatus(enum.StrEnum):
    """A record that is closed, never deleted: its history stays readable."""

    ACTIVE = "active"
    CLOSED = "closed"


class EnumText(TypeDecorator[E], Generic[E]):
    """A ``StrEnum`` column stored as its value in ``VARCHAR(length)``."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E], length: int) -> None:
        super().__init__(length)
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return value.value if isinstance(value, enum.Enum) else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)
