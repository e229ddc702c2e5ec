"""Legislation lists from CSV or JSON: acts, their Gazette data, legal bases and repeals.

Real lists are untidy: titles in capitals with Turkish letters ("YABANCILAR VE ULUSLARARASI
KORUMA KANUNU"), dates as ``dd/mm/yyyy``, ``dd.mm.yyyy``, ISO or ``-`` for none, types as codes
or names. An act is matched to the registry by type and number, else by type and title (folded),
so a second run changes nothing. Legal bases and repeals name other acts by number
(``6458``, ``Kanun 6458``) or, for repeals, are read from the title itself: a regulation titled
"… YÖNETMELİĞİNİN YÜRÜRLÜKTEN KALDIRILMASINA DAİR YÖNETMELİK" repeals the act it names.

Columns / keys: ``type``, ``number``, ``title``, ``adopted_on``, ``gazette_date``,
``gazette_issue``, ``issuer`` (DETSİS), ``basis`` and ``repeals`` (``;``-separated references).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.plan import Plan, Planned, RowRefused, plan_rows, validated
from importers.reading import Source, UnreadableInput, csv_rows, decode, header_key
from registry.kernel import turkish
from registry.legislation.models import Legislation
from schemas.legislation import LegislationInputSchema
from schemas.vocabularies import LEGISLATION_TYPES

COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("type", "tur", "mevzuat turu"),
    "number": ("number", "no", "sayi", "numara", "mevzuat no", "kanun no"),
    "title": ("title", "ad", "adi", "baslik", "mevzuat adi"),
    "adopted_on": ("adopted on", "kabul tarihi"),
    "gazette_date": ("gazette date", "resmi gazete tarihi", "rg tarihi"),
    "gazette_issue": ("gazette issue", "resmi gazete sayisi", "rg sayisi"),
    "issuer": ("issuer", "kurum", "yayimlayan kurum", "kurum detsis"),
    "basis": ("basis", "dayanak", "dayanaklari"),
    "repeals": ("repeals", "yururlukten kaldirdigi", "kaldirdigi"),
}
_HEADINGS = {h: name for name, headings in COLUMNS.items() for h in headings}
_HEADINGS.update({name.replace("_", " "): name for name in COLUMNS})
TYPE_NAMES = {turkish.fold(name): code for code, name in LEGISLATION_TYPES.items()}
REPEAL_TITLE = re.compile(
    r"^(?P<act>.+?)(?:n[iıuü]n|[iıuü]n)\s+yururlukten\s+kaldirilmasina\s+dair\b", re.IGNORECASE
)
REFERENCE = re.compile(r"^(?:(?P<type>[^\d]+?)\s+)?(?P<number>[\w/.-]*\d[\w/.-]*)$")
SCHEMA = LegislationInputSchema()


def rows_of(source: Source, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    if kind == "csv":
        for line, cells in csv_rows(source):
            yield line, {_HEADINGS[k]: v for k, v in cells.items() if k in _HEADINGS and v}
    elif kind == "json":
        text, _ = decode(source.content)
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise UnreadableInput(f"JSON okunamadı / malformed JSON: {error}") from error
        if isinstance(items, dict):
            items = items.get("legislation") or items.get("items") or []
        if not isinstance(items, list):
            raise UnreadableInput("JSON bir liste olmalı / expected a list of acts.")
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                yield index, {"_error": "not an object"}
                continue
            cells = {header_key(str(k)): "" if v is None else str(v) for k, v in item.items()}
            yield index, {_HEADINGS[k]: v for k, v in cells.items() if k in _HEADINGS and v}
    else:
        raise UnreadableInput(f"Bilinmeyen biçim / unknown format {kind!r}: csv or json.")


class LegislationPlanner:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_number: dict[tuple[int | None, str], tuple[int | None, int | None]] = {}
        self._by_title: dict[tuple[int, str], tuple[int | None, int | None]] = {}
        for act_id, type_code, number, title in session.execute(
            select(Legislation.id, Legislation.type_code, Legislation.number, Legislation.title)
        ):
            self._remember(act_id, None, type_code, number, title)

    def plan(self, rows: Iterator[tuple[int, dict[str, str]]]) -> Plan:
        return plan_rows(((line, (line, cells)) for line, cells in rows), lambda r: self._row(*r))

    def _row(self, line: int, cells: dict[str, str]) -> Planned | None:
        if "_error" in cells:
            raise RowRefused(cells["_error"])
        title = " ".join(cells.get("title", "").split())
        if not title:
            raise RowRefused("başlık (title) boş / the title is empty")
        type_code = self._type(cells.get("type", ""), title)
        number = cells.get("number", "").strip() or None
        found = self._find(type_code, number, title)
        if found is not None:
            return None  # known: the registry's record is the reference, not the list
        data: dict[str, Any] = {"type": type_code, "title": _title_case(title)}
        if number:
            data["number"] = number
        for key in ("adopted_on",):
            if cells.get(key):
                data[key] = _iso(cells[key])
        gazette_date = _iso(cells["gazette_date"]) if cells.get("gazette_date") else None
        if gazette_date or cells.get("gazette_issue"):
            issue = cells.get("gazette_issue", "").strip()
            data["gazette"] = {
                "date": gazette_date,
                "issue": int(issue) if issue.isdigit() else None,
            }
        if cells.get("issuer"):
            data["issuer"] = cells["issuer"].strip()
        basis, basis_lines = self._references(cells.get("basis", ""))
        if basis:
            data["basis"] = basis
        repeal_refs = cells.get("repeals", "")
        repeals, repeal_lines = self._references(repeal_refs)
        named = REPEAL_TITLE.match(turkish.fold(title))
        if named and not repeals and not repeal_lines:
            target = self._by_folded_title(named["act"])
            if target is None:
                raise RowRefused(
                    f"kaldırılan mevzuat bulunamadı / the repealed act is not known: {named['act']}"
                )
            known_id, new_line = target
            if known_id is not None:
                repeals = [known_id]
            elif new_line is not None:
                repeal_lines = [new_line]
        on = gazette_date or data.get("adopted_on")
        if repeals:
            if not on:
                raise RowRefused("yürürlükten kaldırma için tarih gerekir / a repeal needs a date")
            data["repeals"] = [{"id": act_id, "on": on} for act_id in repeals]
        validated(SCHEMA, data)
        self._remember(None, line, type_code, number, title)
        change = Planned(line, "create", None, data, _title_case(title), entity="legislation")
        change.refs = {"basis": basis_lines, "repeals": repeal_lines, "repeals_on": on}
        if basis_lines or repeal_lines:
            change.parent_line = max(basis_lines + repeal_lines)
        return change

    def _type(self, text: str, title: str) -> int:
        text = text.strip()
        if text.isdigit() and int(text) in LEGISLATION_TYPES:
            return int(text)
        if text and turkish.fold(text) in TYPE_NAMES:
            return TYPE_NAMES[turkish.fold(text)]
        if not text:  # read the type from the end of the title: "… HAKKINDA YÖNETMELİK"
            folded = turkish.fold(title)
            for name, code in sorted(TYPE_NAMES.items(), key=lambda item: -len(item[0])):
                if folded.endswith(name):
                    return code
        raise RowRefused(f"mevzuat türü anlaşılamadı / unknown type '{text}'")

    def _references(self, text: str) -> tuple[list[int], list[int]]:
        """Acts named in ``text``: ids of known ones, lines of ones new in this list."""
        ids: list[int] = []
        lines: list[int] = []
        for part in filter(None, (p.strip() for p in re.split(r"[;,]", text))):
            match = REFERENCE.match(part)
            if match is None:
                raise RowRefused(f"atıf anlaşılamadı / not a reference '{part}'")
            type_code = TYPE_NAMES.get(turkish.fold(match["type"] or ""))
            found = self._by_number.get((type_code, match["number"])) or self._by_number.get(
                (None, match["number"])
            )
            if found is None:
                raise RowRefused(f"atıf yapılan mevzuat bulunamadı / unknown act '{part}'")
            if found[0] is not None:
                ids.append(found[0])
            elif found[1] is not None:
                lines.append(found[1])
        return ids, lines

    def _find(self, type_code: int, number: str | None, title: str) -> object:
        if number and (type_code, number) in self._by_number:
            return self._by_number[(type_code, number)]
        return self._by_title.get((type_code, turkish.fold(title)))

    def _by_folded_title(self, folded: str) -> tuple[int | None, int | None] | None:
        for (_type, title), found in self._by_title.items():
            if title.startswith(folded.strip()):
                return found
        return None

    def _remember(
        self, act_id: int | None, line: int | None, type_code: int, number: str | None, title: str
    ) -> None:
        if number:
            self._by_number[(type_code, number)] = (act_id, line)
            self._by_number.setdefault((None, number), (act_id, line))
        self._by_title[(type_code, turkish.fold(title))] = (act_id, line)


def _iso(text: str) -> str | None:
    text = text.strip()
    if text in ("-", "", "—"):
        return None
    for pattern in (r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$", r"^(\d{4})-(\d{1,2})-(\d{1,2})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if len(match.group(1)) <= 2 else parts[::-1]
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                break
    raise RowRefused(f"tarih anlaşılamadı / not a date '{text}' (gg/aa/yyyy)")


def _title_case(title: str) -> str:
    """Titles typed in capitals become Turkish title case; others are kept as written."""
    letters = [c for c in title if c.isalpha()]
    if letters and all(c == turkish.upper(c) for c in letters):
        return turkish.title(title)
    return title
