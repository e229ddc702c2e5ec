"""Answers built with lxml from plain values, shaped by the contract (``contract.py``).

An operation gives its result as dicts (records), lists (``ArrayOf…``) and simple values; the
writer walks the contract's type, so what clients must never receive (README §8) cannot be
written: every required element is present (a missing int, boolean or dateTime is written as the
default .NET would, a required-but-nillable one as ``xsi:nil``), arrays are always the
``ArrayOfX`` wrapper with its named items, elements come in the contract's order. A large
result (an iterator of records, or of records already written as XML) is streamed one record
at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from lxml import etree

from registry.kaysis.contract import NAMESPACE, SIMPLE, TYPES, Field, Operation, result_field
from registry.kaysis.envelope import XSI, Version, envelope, simple_text

DEFAULTS = {"int": 0, "boolean": False, "dateTime": "0001-01-01T00:00:00"}
_ITEMS_MARK = "kaysis-items"
UNIT_ARRAY = "ArrayOfKurumBirimWS"


@cache
def fields_of(type_name: str) -> tuple[Field, ...]:
    """The elements of a complex type, those of its base types first."""
    kind = TYPES[type_name]
    inherited = fields_of(kind.base) if kind.base else ()
    return inherited + kind.fields


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def write(parent: etree._Element, field: Field, value: Any) -> None:
    """Append ``field`` with ``value`` to ``parent`` as the contract says."""
    if value is None:
        if not field.required:
            return
        if field.nillable:
            etree.SubElement(parent, _tag(field.name)).set(f"{{{XSI}}}nil", "true")
            return
        value = DEFAULTS.get(field.type, {} if field.type in TYPES else "")
    element = etree.SubElement(parent, _tag(field.name))
    if field.type in SIMPLE:
        element.text = simple_text(value, field.type)
        return
    fill(element, field.type, value)


def fill(element: etree._Element, type_name: str, value: Any) -> None:
    """The content of a complex element: a record's fields, or an array's items."""
    fields = fields_of(type_name)
    if len(fields) == 1 and fields[0].repeated:
        for item in value:
            write(element, fields[0], item)
        return
    record: Mapping[str, Any] = value
    for field in fields:
        write(element, field, record.get(field.name))


def item_element(type_name: str, value: Any) -> bytes:
    """One item of an array, serialised on its own (for streaming)."""
    holder = etree.Element(_tag("_"), nsmap={None: NAMESPACE})
    write(holder, fields_of(type_name)[0], value)
    return bytes(etree.tostring(holder[0], encoding="utf-8"))


def unit_record_xml(record: Mapping[str, Any]) -> str:
    """A unit's ``KurumBirimWS`` element as text, kept by the EBYS facts projection so the
    daily-sync answers copy it (``response`` takes such bytes as items)."""
    return item_element(UNIT_ARRAY, record).decode("utf-8")


def result(
    wrong: bool, results: Any = None, message: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The result wrapper (README §4): ``SonucHatali``, ``Sonuclar``, ``HataMsj``."""
    return {"SonucHatali": wrong, "Sonuclar": results, "HataMsj": message, **extra}


def refusal(message: str) -> dict[str, Any]:
    return result(True, None, message)


def response(version: Version, operation: Operation, value: Mapping[str, Any]) -> Iterator[bytes]:
    """The answer's envelope, as chunks of bytes: a ``Sonuclar`` given as an iterator (not a
    list) is written one record at a time, so a 200,000-unit answer is never held whole."""
    root, body = envelope(version)
    wrapper = etree.SubElement(body, _tag(operation.name + "Response"), nsmap={None: NAMESPACE})
    streamed = value.get("Sonuclar")
    if not isinstance(streamed, Iterator):
        write(wrapper, result_field(operation), value)
        yield etree.tostring(root, xml_declaration=True, encoding="utf-8")
        return
    array_type = _results_type(operation.result)
    write(wrapper, result_field(operation), {**value, "Sonuclar": []})
    results = wrapper[0].find(_tag("Sonuclar"))
    assert results is not None  # written above: an empty list is still the wrapper element
    results.append(etree.Comment(_ITEMS_MARK))
    head, tail = etree.tostring(root, xml_declaration=True, encoding="utf-8").split(
        f"<!--{_ITEMS_MARK}-->".encode()
    )
    yield head
    batch: list[bytes] = []
    for item in streamed:
        # bytes: an item written before (``unit_record_xml``), with its namespace declared
        batch.append(item if isinstance(item, bytes) else item_element(array_type, item))
        if len(batch) >= 200:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch) + tail


def _results_type(wrapper_type: str) -> str:
    return next(f.type for f in fields_of(wrapper_type) if f.name == "Sonuclar")


def joined(lines: Iterable[str]) -> str:
    """Letterhead and addressee lines as one string (README §10: joined by new lines)."""
    return "\n".join(lines)
