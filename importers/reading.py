"""Reading untrusted files safely: size limits, encodings, CSV/XLSX rows, XML without entities.

Files come from institutions' spreadsheets and web pages. Whatever they hold, reading them must
not reach the network, expand entities (billion laughs), read local files (XXE), or run out of
memory; and a row that cannot be read is reported with its line number, never dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import load_workbook

from registry.kernel import turkish

MAX_BYTES = 64 * 1024 * 1024  # a 200,000-unit CSV is ~40 MB
ENCODINGS = ("utf-8-sig", "cp1254", "iso-8859-9")


class UnreadableInput(ValueError):
    """The file as a whole cannot be read; the message says why, in Turkish and English."""


@dataclass(frozen=True)
class Source:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Source:
    file = Path(path)
    size = file.stat().st_size
    if size > max_bytes:
        raise UnreadableInput(
            f"Dosya çok büyük ({size:,} bayt; en çok {max_bytes:,}) / the file is too large."
        )
    return Source(file.name, file.read_bytes())


def decode(content: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else Windows-1254.

    Windows-1254 and ISO-8859-9 agree on every Turkish letter; they differ in 0x80–0x9F, where
    ISO-8859-9 has only control characters, so text that decodes as cp1254 is read as cp1254.
    """
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("Dosyanın karakter kodlaması anlaşılamadı / unknown text encoding.")


def header_key(text: str) -> str:
    """A column heading reduced for matching: "Üst Birim (DETSİS)" → "ust birim detsis"."""
    folded = turkish.fold(text or "")
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def csv_rows(source: Source) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, heading key → cell) for each non-empty row; the delimiter is sniffed."""
    text, _ = decode(source.content)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headings = next(reader, None)
    if not headings:
        raise UnreadableInput("Dosyada başlık satırı yok / no heading row.")
    keys = [header_key(h) for h in headings]
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, dict(zip(keys, (cell.strip() for cell in row), strict=False))


def xlsx_rows(source: Source) -> Iterator[tuple[int, dict[str, str]]]:
    """The first sheet's rows, like ``csv_rows``; formulas are read as their cached values."""
    try:
        book = load_workbook(io.BytesIO(source.content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableInput(f"XLSX dosyası okunamadı / unreadable XLSX: {error}") from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headings = next(rows, None)
    if not headings:
        raise UnreadableInput("Dosyada başlık satırı yok / no heading row.")
    keys = [header_key(str(h or "")) for h in headings]
    for number, row in enumerate(rows, start=2):
        cells = ["" if value is None else _cell_text(value) for value in row]
        if any(cells):
            yield number, dict(zip(keys, cells, strict=False))
    book.close()


def _cell_text(value: Any) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def safe_xml_parser() -> etree.XMLParser:
    """No entities expanded, no DTD loaded, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(source: Source) -> etree._Element:
    """The root of an untrusted XML file; a DOCTYPE that declares entities is refused."""
    try:
        root = etree.fromstring(source.content, safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise UnreadableInput(f"XML okunamadı / malformed XML: {error}") from error
    doctype = root.getroottree().docinfo
    if doctype.internalDTD is not None or "<!ENTITY" in source.content[:65536].decode(
        "utf-8", "replace"
    ):
        raise UnreadableInput(
            "XML'de DOCTYPE/ENTITY bildirimi kabul edilmez / DTDs and entities are refused."
        )
    return root
