"""Forms generated from the workflow's schemas: one machinery for every kind of record.

Why generated: each kind of record already declares, in its handler, the marshmallow schema of
each action (``RecordHandler.schemas``); a form written by hand per kind would drift from it.
Here a schema becomes a list of ``Field``s (text, choice, lines, a fieldset for a nested object,
repeated rows for a list of objects), a submitted form becomes the request's ``data`` in the
API's shape, and the workflow's problem field paths (``data.contact.phone``,
``data.recipients.0.kind``) find the field they belong to. Validation is never done here: the
form's data goes to the same use case as the API's, and its messages are shown by field.

Form names are the data's dotted paths (``contact.phone``, ``recipients.0.detsis_no``), so a
browser test or a person reading the page sees the API's own names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import marshmallow as ma

from registry.backoffice.labels import CHOICE_LABELS, label_of
from schemas.common import IsoDate
from schemas.ebys.records import RecipientKind
from schemas.ebys.unit_records import APPOINTMENTS, Appointment
from schemas.legislation import LegislationType
from schemas.reference import Disposition
from schemas.vocabularies import LEGISLATION_TYPES

EXTRA_ROWS = 1  # blank rows a list of objects offers beyond those filled in
MAX_ROWS = 50
LONG_TEXT = 500  # strings allowed longer than this get a text area
_TR_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_INTEGER = re.compile(r"-?\d+")


@dataclass
class Field:
    """One control of a generated form (or a group of them)."""

    name: str  # the data's dotted path: "contact.phone", "recipients.0.kind"
    label: str
    kind: str  # text | textarea | select | lines | group | rows
    required: bool = False
    hint: str = ""
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    children: list[Field] = field(default_factory=list)  # a group's fields, or the rows

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")

    def walk(self) -> Iterator[Field]:
        yield self
        for child in self.children:
            yield from child.walk()


def build(
    schema: ma.Schema,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    rows: Mapping[str, int] | None = None,
) -> list[Field]:
    """The form of a schema, filled with ``values`` (dotted names → text) and ``errors``."""
    return _fields(schema, "", values, errors, rows or {})


def _fields(
    schema: ma.Schema,
    prefix: str,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    rows: Mapping[str, int],
) -> list[Field]:
    result = []
    for name, spec in _loadable(schema):
        path = prefix + name
        label, hint = label_of(name), _hint(spec)
        if isinstance(spec, ma.fields.Nested) and not spec.many:
            inner = spec.schema
            result.append(
                Field(
                    path,
                    label,
                    "group",
                    spec.required,
                    hint,
                    error=errors.get(path),
                    children=_fields(inner, path + ".", values, errors, rows),
                )
            )
        elif isinstance(spec, ma.fields.List) and isinstance(spec.inner, ma.fields.Nested):
            count = _row_count(path, values, rows)
            result.append(
                Field(
                    path,
                    label,
                    "rows",
                    spec.required,
                    hint,
                    error=errors.get(path),
                    children=[
                        Field(
                            f"{path}.{index}",
                            f"{label}: {index + 1}. satır",
                            "group",
                            error=errors.get(f"{path}.{index}"),
                            children=_fields(
                                spec.inner.schema, f"{path}.{index}.", values, errors, rows
                            ),
                        )
                        for index in range(count)
                    ],
                )
            )
        else:
            kind, choices = _control(spec)
            result.append(
                Field(
                    path,
                    label,
                    kind,
                    spec.required,
                    hint,
                    values.get(path, ""),
                    choices,
                    errors.get(path),
                )
            )
    return result


def _loadable(schema: ma.Schema) -> list[tuple[str, ma.fields.Field]]:
    return [
        (spec.data_key or name, spec) for name, spec in schema.fields.items() if not spec.dump_only
    ]


def _row_count(path: str, values: Mapping[str, str], rows: Mapping[str, int]) -> int:
    filled = {
        int(key[len(path) + 1 :].split(".", 1)[0])
        for key in values
        if key.startswith(path + ".") and key[len(path) + 1 :].split(".", 1)[0].isdigit()
    }
    count = (max(filled) + 1 if filled else 0) + EXTRA_ROWS
    return min(max(count, rows.get(path, 0)), MAX_ROWS)


def _control(spec: ma.fields.Field) -> tuple[str, list[tuple[str, str]]]:
    """The control a scalar or a list of scalars is typed in, and its choices if it has any."""
    if isinstance(spec, ma.fields.List):
        return "lines", []
    if isinstance(spec, ma.fields.Boolean):
        return "select", [("", "—"), ("true", "Evet"), ("false", "Hayır")]
    choices = _choices(spec)
    if choices:
        return "select", [("", "—"), *choices]
    if isinstance(spec, ma.fields.String) and _max_length(spec) > LONG_TEXT:
        return "textarea", []
    return "text", []


def _choices(spec: ma.fields.Field) -> list[tuple[str, str]]:
    if isinstance(spec, LegislationType):
        return [(str(code), name) for code, name in LEGISLATION_TYPES.items()]
    if isinstance(spec, RecipientKind):
        return [("gereği", "Gereği"), ("bilgi", "Bilgi")]
    if isinstance(spec, Appointment):
        return [(value, CHOICE_LABELS.get(value, value)) for value in APPOINTMENTS]
    if isinstance(spec, Disposition):
        return [("archive", "Arşive (A)"), ("review", "Ayıklama (AD)"), ("destroy", "İmha (İ)")]
    for validator in _validators(spec):
        if isinstance(validator, ma.validate.OneOf):
            return [(str(c), CHOICE_LABELS.get(str(c), str(c))) for c in validator.choices]
    return []


def _validators(spec: ma.fields.Field) -> list[Any]:
    return list(spec.validators or [])


def _max_length(spec: ma.fields.Field) -> int:
    for validator in _validators(spec):
        if isinstance(validator, ma.validate.Length) and validator.max is not None:
            return int(validator.max)
    return 0


def _hint(spec: ma.fields.Field) -> str:
    inner = spec.inner if isinstance(spec, ma.fields.List) else spec
    if isinstance(spec, ma.fields.List) and isinstance(inner, ma.fields.List):
        return "Her satıra bir grup; grubun sözcükleri virgülle ayrılır."
    if isinstance(spec, ma.fields.List) and not isinstance(inner, ma.fields.Nested):
        return "Her satıra bir değer."
    if isinstance(inner, ma.fields.Date):
        return "GG.AA.YYYY (ör. 17.12.2026)"
    if (
        getattr(inner, "metadata", {}).get("pattern") == r"^[1-9][0-9]{7}$"
        or type(inner).__name__ == "DetsisNumber"
    ):
        return "8 haneli DETSİS numarası"
    return ""


# -- a submitted form → the request's data --


def data_of(schema: ma.Schema, form: Mapping[str, str]) -> dict[str, Any]:
    """The request's data in the API's shape; empty controls are left out, and values are given
    the types the API's JSON carries, so the request reads as if the API had received it."""
    return _data(schema, "", form)


def _data(schema: ma.Schema, prefix: str, form: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, spec in _loadable(schema):
        path = prefix + name
        value: Any
        if isinstance(spec, ma.fields.Nested) and not spec.many:
            value = _data(spec.schema, path + ".", form) or None
        elif isinstance(spec, ma.fields.List) and isinstance(spec.inner, ma.fields.Nested):
            found = []
            for index in range(MAX_ROWS):
                row = _data(spec.inner.schema, f"{path}.{index}.", form)
                if row:
                    found.append(row)
            value = found or None
        elif isinstance(spec, ma.fields.List):
            value = _lines(spec.inner, form.get(path, "")) or None
        else:
            value = _scalar(spec, form.get(path, "").strip())
        if value is not None:
            data[name] = value
    return data


def _lines(inner: ma.fields.Field, text: str) -> list[Any]:
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    if isinstance(inner, ma.fields.List):
        return [[word.strip() for word in line.split(",") if word.strip()] for line in lines]
    values = [_scalar(inner, line) for line in lines]
    return [v for v in values if v is not None]


def _scalar(spec: ma.fields.Field, text: str) -> Any:
    """Text as the JSON value the API would have received; text that is not of the field's type
    is passed on as it is, so the schema's own message names the field."""
    if not text:
        return None
    if isinstance(spec, ma.fields.Boolean):
        return {"true": True, "false": False}.get(text, text)
    if isinstance(spec, ma.fields.Integer | LegislationType):
        return int(text) if _INTEGER.fullmatch(text) else text
    if isinstance(spec, ma.fields.Date | IsoDate):
        return iso_date(text)
    return text


def iso_date(text: str) -> str:
    """17.12.2026 (as pages write dates) or 2026-12-17, as the API's ISO date."""
    match = _TR_DATE.fullmatch(text.strip())
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text.strip()


def shown_date(value: str | None) -> str:
    """An ISO date as pages write it (17.12.2026); anything else unchanged."""
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{date.fromisoformat(value):%d.%m.%Y}"
    return value or ""


# -- a record → the form's values (for an update, prefilled from the live record) --


def values_of(schema: ma.Schema, record: Mapping[str, Any]) -> dict[str, str]:
    """The live record's values under the form's names. A record's representation does not
    always nest as the schema does (a unit shows ``phone``, the schema ``contact.phone``;
    ``province_code`` for ``province.code``), so a nested field also looks for its flat name."""
    values: dict[str, str] = {}
    _fill(schema, "", record, record, values)
    return values


def _fill(
    schema: ma.Schema,
    prefix: str,
    record: Mapping[str, Any],
    top: Mapping[str, Any],
    values: dict[str, str],
) -> None:
    for name, spec in _loadable(schema):
        path = prefix + name
        found = record.get(name) if isinstance(record, Mapping) else None
        if found is None and prefix:
            parent = prefix.rstrip(".").rsplit(".", 1)[-1]
            found = top.get(name) if parent == "contact" else top.get(f"{parent}_{name}")
        if isinstance(spec, ma.fields.Nested) and not spec.many:
            _fill(spec.schema, path + ".", found if isinstance(found, Mapping) else {}, top, values)
        elif isinstance(spec, ma.fields.List) and isinstance(spec.inner, ma.fields.Nested):
            for index, row in enumerate(found if isinstance(found, list) else []):
                if isinstance(row, Mapping):
                    _fill(spec.inner.schema, f"{path}.{index}.", row, row, values)
        elif isinstance(spec, ma.fields.List):
            if isinstance(found, list):
                values[path] = "\n".join(_text(spec.inner, item) for item in found)
        elif found is not None:
            values[path] = _text(spec, found)


def _text(spec: ma.fields.Field, value: Any) -> str:
    if isinstance(value, Mapping):  # a legislation type {code, name}; a duration {value, unit}
        if "code" in value:
            return str(value["code"])
        if "text" in value:
            return str(value["text"])
        return " ".join(str(v) for v in value.values() if v is not None)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(spec, ma.fields.Date) and isinstance(value, str):
        return shown_date(value)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def changed_data(
    schema: ma.Schema, form: Mapping[str, str], before: Mapping[str, str]
) -> dict[str, Any]:
    """An update's data: the top-level fields whose controls differ from the live record's
    (a nested object whole, as the schema wants it). A list emptied is sent empty, so that
    it is cleared; a scalar emptied is sent as null where the schema allows it."""
    data = data_of(schema, form)
    result: dict[str, Any] = {}
    for name, spec in _loadable(schema):
        now = {k: v.strip() for k, v in form.items() if _under(k, name) and v.strip()}
        then = {k: v.strip() for k, v in before.items() if _under(k, name) and v.strip()}
        if now == then:
            continue
        if name in data:
            result[name] = data[name]
        elif isinstance(spec, ma.fields.List):
            result[name] = []
        elif spec.allow_none:
            result[name] = None
    return result


def _under(key: str, name: str) -> bool:
    return key == name or key.startswith(name + ".")


def errors_by_field(
    problems: Mapping[str, list[str]] | None, fields: list[Field]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The workflow's problem fields (``data.contact.phone``, ``reason``) as messages by form
    name, and those no control shows (``data``, ``target``) for the summary alone."""
    names = {f.name for top in fields for f in top.walk()}
    shown: dict[str, str] = {}
    loose: list[tuple[str, str]] = []
    for key, messages in (problems or {}).items():
        text = "; ".join(str(m) for m in messages)
        name = key.removeprefix("data.")
        if key.startswith("data.") and name in names:
            shown[name] = text
        elif key in ("reason", "effective_from"):
            shown[f"_{key}"] = text
        else:
            loose.append((label_of(name.rsplit(".", 1)[-1]) if name else key, text))
    return shown, loose
