"""Reading untrusted files safely: size limits, encodings, CSV/XLSX rows, XML without entities.

Files come from institutions' spreadsheets and web pages. Whatever they hold, reading them must
not reach the network, expand entities (billion laughs), read local files (XXE), or run out of
memory; and a row that cannot be read is reported with its line number, never dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import load_workbook

from registry.kernel import text, turkish

MAX_BYTES = 64 * 1024 * 1024  # a 200,000-unit CSV is ~40 MB
ENCODINGS = ("utf-8-sig", "cp1254", "iso-8859-9")
# An XLSX is a zip of XML parts. What its parts may unpack to, checked from the zip's directory
# before openpyxl reads a byte: a few kilobytes can declare gigabytes (a zip bomb). zipfile
# never hands out more than a member's declared size, so the declared sizes are a real bound.
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # all parts together; a 200,000-row sheet is ~150 MB
MAX_XLSX_SHARED_STRINGS = 64 * 1024 * 1024  # openpyxl holds this part in memory whole
MAX_XLSX_PARTS = 1000
MAX_XLSX_RATIO = 200  # spreadsheet XML packs 5-20 times; hundreds of times is padding
RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, a tiny sheet) may pack as they like
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
# The csv module's own limit (131,072 characters) stays: no cell of a register is that long.
# Entity declarations, in the encodings an XML part may be written in.
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_SCAN_CHUNK = 1024 * 1024


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
            f"{file.name}: dosya çok büyük ({size:,} bayt; en çok {max_bytes:,}) / the file is "
            "too large."
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
    """(line number, heading key → cell) for each non-empty row; the delimiter is sniffed.

    A row the csv module cannot read (a field over its size limit, a stray quote at the end)
    refuses the file with its line number: a register is not imported with a row missing."""
    content, _ = decode(source.content)
    sample = content[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    try:
        headings = next(reader, None)
        if not headings:
            raise UnreadableInput(f"{source.name}: dosyada başlık satırı yok / no heading row.")
        keys = [header_key(h) for h in headings]
        for row in reader:
            if any(cell.strip() for cell in row):
                cells = [cell.strip() for cell in row]
                _refuse_controls(source, reader.line_num, keys, cells)
                yield reader.line_num, dict(zip(keys, cells, strict=False))
    except csv.Error as error:
        raise UnreadableInput(
            f"{source.name}: {reader.line_num}. satır okunamadı / line {reader.line_num} "
            f"cannot be read: {error}"
        ) from error


def _refuse_controls(source: Source, line: int, keys: list[str], cells: list[str]) -> None:
    """A control character (NUL, escape…) in a cell is refused with the line and column: it
    would break every XML and XLSX answer of the record, and PostgreSQL refuses NUL."""
    for position, cell in enumerate(cells):
        reason = text.control_problem(cell)
        if reason is not None:
            column = keys[position] if position < len(keys) else str(position + 1)
            raise UnreadableInput(
                f"{source.name}: {line}. satır, '{column}' sütunu / line {line}, column "
                f"'{column}': {reason}"
            )


def xlsx_rows(source: Source) -> Iterator[tuple[int, dict[str, str]]]:
    """The first sheet's rows, like ``csv_rows``; formulas are read as their cached values.

    The zip is inspected first (``check_xlsx``): sizes, packing ratio, entity declarations.
    Then the sheet is read row by row, at most ``MAX_COLUMNS`` cells a row and ``MAX_ROWS``
    rows, whatever the sheet's own dimension claims."""
    check_xlsx(source)
    try:
        book = load_workbook(io.BytesIO(source.content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableInput(
            f"{source.name}: XLSX dosyası okunamadı / unreadable XLSX: {type(error).__name__}"
        ) from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        headings = next(rows, None)
        if not headings:
            raise UnreadableInput(f"{source.name}: dosyada başlık satırı yok / no heading row.")
        keys = [header_key(str(h or "")) for h in headings]
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS:
                raise UnreadableInput(
                    f"{source.name}: en çok {MAX_ROWS:,} satır okunur / more than "
                    f"{MAX_ROWS:,} rows."
                )
            cells = ["" if value is None else _cell_text(value) for value in row]
            if any(cells):
                _refuse_controls(source, number, keys, cells)
                yield number, dict(zip(keys, cells, strict=False))
    finally:
        book.close()


def check_xlsx(source: Source) -> None:
    """Refuse an XLSX before it is unpacked: a zip bomb (too much declared, or packed too
    tightly), too many parts, or an XML part that declares a DOCTYPE or entities (openpyxl's
    parser would expand them: billion laughs, external entities)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableInput(
            f"{source.name}: XLSX (zip) dosyası değil / not an XLSX (zip) file."
        ) from error
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            raise UnreadableInput(
                f"{source.name}: XLSX'te {len(parts):,} parça var; en çok {MAX_XLSX_PARTS} / "
                "too many parts."
            )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_XLSX_UNPACKED:
            raise UnreadableInput(
                f"{source.name}: XLSX açıldığında {unpacked:,} bayt olur; en çok "
                f"{MAX_XLSX_UNPACKED:,} / unpacks to too much (zip bomb)."
            )
        for part in parts:
            _check_part(source, archive, part)


def _check_part(source: Source, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    packed = max(part.compress_size, 1)
    if part.file_size >= RATIO_CHECKED_FROM and part.file_size / packed > MAX_XLSX_RATIO:
        raise UnreadableInput(
            f"{source.name}: '{part.filename}' {part.file_size // packed}:1 sıkıştırılmış / "
            "packed too tightly (zip bomb)."
        )
    if part.filename.endswith("sharedStrings.xml") and part.file_size > MAX_XLSX_SHARED_STRINGS:
        raise UnreadableInput(
            f"{source.name}: '{part.filename}' çok büyük / the shared strings part is too large."
        )
    if not part.filename.endswith((".xml", ".rels", ".vml")):
        return
    try:
        with archive.open(part) as stream:
            tail = b""
            while chunk := stream.read(_SCAN_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DECLARATIONS):
                    raise UnreadableInput(
                        f"{source.name}: '{part.filename}' DOCTYPE/ENTITY bildirimi içeriyor; "
                        "kabul edilmez / declares a DOCTYPE or entities: refused."
                    )
                tail = window[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise UnreadableInput(
            f"{source.name}: '{part.filename}' bozuk / damaged part: {type(error).__name__}"
        ) from error


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
        raise UnreadableInput(f"{source.name}: XML okunamadı / malformed XML: {error}") from error
    doctype = root.getroottree().docinfo
    if doctype.internalDTD is not None or "<!ENTITY" in source.content[:65536].decode(
        "utf-8", "replace"
    ):
        raise UnreadableInput(
            f"{source.name}: XML'de DOCTYPE/ENTITY bildirimi kabul edilmez / DTDs and entities "
            "are refused."
        )
    return root
