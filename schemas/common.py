"""Schemas shared by every resource: problem documents and small value types."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import text

DETSIS_PATTERN = re.compile(r"^[1-9][0-9]{7}$")
DETSIS_MESSAGE = (
    "DETSİS numarası 8 haneli olmalı ve 0 ile başlamamalı / must be 8 digits, not starting with 0."
)


# Record ids are 32-bit integers in PostgreSQL (INTEGER): a larger one names nothing.
MAX_ID = 2**31 - 1


class ProblemSchema(ma.Schema):
    """RFC 9457 problem document, the shape of every API error."""

    type = fields.String(metadata={"description": "URI identifying the problem type"})
    title = fields.String(metadata={"description": "Short summary of the problem type"})
    status = fields.Integer(metadata={"description": "HTTP status code"})
    detail = fields.String(
        metadata={"description": "Human-readable explanation (Turkish / English)"}
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Offending field → messages (validation errors only)"},
    )
    successors = fields.List(
        fields.String(),
        metadata={
            "description": "DETSİS numbers of the units that took over a closed or not yet open "
            "unit (EBYS lookups only)"
        },
    )


# The long free texts: line breaks and tabs are kept there; every other text is one line.
MULTILINE_FIELDS = frozenset(
    {"description", "applicants", "body", "text", "reason", "note", "comment"}
)
# Texts with a format of their own, checked by their validators, are stored as sent (a PEM
# certificate keeps its final line break).
VERBATIM_FIELDS = frozenset({"certificate"})


class Schema(ma.Schema):
    """The base of the API schemas: every string a caller sends is cleaned before it is read.

    Names must compare the way people read them, so a text is put in NFC with its whitespace
    collapsed, and refused (422, naming the field) when it holds invisible or control characters
    or look-alike letters of another script (``registry.kernel.text``). Fields named in
    ``multiline`` (or in ``MULTILINE_FIELDS``) keep their line breaks.
    """

    multiline: ClassVar[frozenset[str]] = MULTILINE_FIELDS

    @ma.pre_load
    def _clean_texts(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        cleaned = dict(data)
        errors: dict[str, list[str]] = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            value = cleaned.get(key)
            if name in VERBATIM_FIELDS:
                continue
            multiline = name in self.multiline
            try:
                if isinstance(field, fields.String) and isinstance(value, str):
                    cleaned[key] = text.clean(value, multiline=multiline)
                elif (
                    isinstance(field, fields.List)
                    and isinstance(field.inner, fields.String)
                    and isinstance(value, list)
                ):
                    cleaned[key] = [
                        text.clean(item, multiline=multiline) if isinstance(item, str) else item
                        for item in value
                    ]
            except text.TextProblem as problem:
                errors[key] = [str(problem)]
        if errors:
            raise ma.ValidationError(errors)
        return cleaned


class DetsisNumber(fields.String):
    """A DETSİS number: travels as an 8-character string, first digit not zero."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Regexp(DETSIS_PATTERN, error=DETSIS_MESSAGE))
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "24325150")
        metadata.setdefault("pattern", DETSIS_PATTERN.pattern)
        super().__init__(**kwargs)


class UtcDateTime(fields.DateTime):
    """A moment, always written with its offset (RFC 3339): SQLite hands stored UTC moments back
    without one, PostgreSQL with one; callers see the same string from either."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


# The dates a registry speaks of: its oldest laws are of the 19th century, and nothing is planned
# two centuries ahead. Outside them a date is a typing error, and near the ends of the calendar
# (year 1, 9999-12-31) a day's arithmetic (due dates, the day after) would overflow.
MIN_DATE = date(1800, 1, 1)
MAX_DATE = date(2199, 12, 31)


class IsoDate(fields.Date):
    """A calendar date ``YYYY-MM-DD`` between ``MIN_DATE`` and ``MAX_DATE``, with a clear
    message when it is not one."""

    default_error_messages = {
        "invalid": "Geçersiz tarih; YYYY-AA-GG biçiminde olmalı / not a valid date (YYYY-MM-DD).",
        "range": (
            f"Tarih {MIN_DATE:%d.%m.%Y} ile {MAX_DATE:%d.%m.%Y} arasında olmalı / the date must "
            f"be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise self.make_error("invalid")
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_DATE <= day <= MAX_DATE:
            raise self.make_error("range")
        return day
