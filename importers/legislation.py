"""Legislation lists from CSV or JSON: acts, their Gazette data, legal bases and repeals.

Real lists are untidy: titles in capitals with Turkish letters ("YABANCILAR VE ULUSLARARASI
KORUMA KANUNU"), dates as ``dd/mm/yyyy``, ``dd.mm.yyyy``, ISO or ``-`` for none, types as codes
or names. An act is matched to the registry by type and number, else by type and title (folded),
so a second run changes nothing; an act already asked for by an open change request is reported
as pending there, not filed twice, and a row naming such an act waits for its approval. Legal
bases and repeals name other acts by number (``6458``, ``Kanun 6458``) or, for repeals, are read
from the title itself: a regulation titled "… YÖNETMELİĞİNİN YÜRÜRLÜKTEN KALDIRILMASINA DAİR
YÖNETMELİK" repeals the act it names.

Columns / keys: ``type``, ``number``, ``title``, ``adopted_on``, ``gazette_date``,
``gazette_issue``, ``issuer`` (DETSİS), ``basis`` and ``repeals`` (``;``-separated references);
and KMS's own (``turId``, ``tur``, ``sayi``, ``ad``, ``rgTarih``, ``rgSayi``, ``mevzuatId``), in a
JSON list or in the objects KMS answers with (``{"data": [...]}``, ``{"kayitlar": [...]}``).

What real lists hide is never guessed: a KMS type id is not the registry's type code (it is read
through the type names the same file gives it), the Gazette date KMS sends for "none"
(``0001-01-01T00:00:00``) is no date, a date glued to a title is split off, and two different
acts sharing a type and number (or a title) are a conflict reported with both records, never
"unchanged".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.pending import OpenRequests
from importers.plan import Plan, Planned, RowRefused, pending_in, plan_rows, validated
from importers.reading import Source, UnreadableInput, csv_rows, decode, header_key
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.legislation.models import Legislation
from schemas.legislation import LegislationInputSchema
from schemas.vocabularies import (
    INTERNAL_LEGISLATION_TYPES,
    LEGISLATION_TYPE_SYNONYMS,
    LEGISLATION_TYPES,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("type", "tur", "mevzuat turu", "tur adi", "turadi", "mevzuatturu"),
    "kms_type_id": ("tur id", "turid", "mevzuat tur id", "mevzuatturid"),
    "number": ("number", "no", "sayi", "numara", "mevzuat no", "kanun no", "mevzuat sayisi"),
    "title": ("title", "ad", "adi", "baslik", "mevzuat adi", "mevzuatadi"),
    "adopted_on": ("adopted on", "kabul tarihi", "kabultarihi"),
    "gazette_date": (
        "gazette date",
        "resmi gazete tarihi",
        "rg tarihi",
        "rg tarih",
        "rgtarih",
        "rgtarihi",
    ),
    "gazette_issue": (
        "gazette issue",
        "resmi gazete sayisi",
        "rg sayisi",
        "rg sayi",
        "rgsayi",
        "rgsayisi",
    ),
    "issuer": ("issuer", "kurum", "yayimlayan kurum", "kurum detsis"),
    "basis": ("basis", "dayanak", "dayanaklari"),
    "repeals": ("repeals", "yururlukten kaldirdigi", "kaldirdigi"),
}
_HEADINGS = {h: name for name, headings in COLUMNS.items() for h in headings}
_HEADINGS.update({name.replace("_", " "): name for name in COLUMNS})
# Read and deliberately not stored: KMS's own record id (the registry numbers its acts itself).
NOT_STORED = frozenset({"mevzuat id", "mevzuatid", "id", "kms id"})
# Where the rows are in a JSON object: the DETSİS API answers {"data": [...]}, its public mirrors
# save {"kayitlar": [...]}, the SOAP service's result {"Sonuclar": [...]}.
JSON_LISTS = ("data", "kayitlar", "sonuclar", "legislation", "items")
TYPE_NAMES = {turkish.fold(name): code for code, name in LEGISLATION_TYPES.items()}
TYPE_NAMES.update({turkish.fold(name): code for name, code in LEGISLATION_TYPE_SYNONYMS.items()})
# A date before the first Ottoman codes, or this far in the future, is a placeholder: KMS sends
# 0001-01-01T00:00:00 (.NET's DateTime.MinValue) for "no Gazette date".
FIRST_YEAR = 1800
YEARS_AHEAD = 5
DATE_PATTERNS = (
    re.compile(
        r"^(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
    ),
    re.compile(
        r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
    ),
)
DOTNET_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:[+-]\d{4})?\)/$")
GLUED_DATE = re.compile(
    r"^(?P<title>.*?\S)[\s,;-]*[(\[]?\s*(?P<date>\d{1,2}[./]\d{1,2}[./]\d{4})\s*(?:tarihli)?\s*[)\]]?$",
    re.IGNORECASE,
)
REPEAL_TITLE = re.compile(
    r"^(?P<act>.+?)(?:n[iıuü]n|[iıuü]n)\s+yururlukten\s+kaldirilmasina\s+dair\b", re.IGNORECASE
)
REFERENCE = re.compile(r"^(?:(?P<type>[^\d]+?)\s+)?(?P<number>[\w/.-]*\d[\w/.-]*)$")
SCHEMA = LegislationInputSchema()


def rows_of(
    source: Source, kind: str, ignored: set[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as column name → text; headings or keys the importer does not read go to
    ``ignored`` (as written), for the summary and the exit status: nothing is dropped unsaid."""
    ignored = set() if ignored is None else ignored
    if kind == "csv":
        for line, cells in csv_rows(source):
            yield line, _known(cells, cells, ignored)
    elif kind == "json":
        for index, item in enumerate(_json_items(source), start=1):
            if not isinstance(item, dict):
                yield index, {"_error": "bir nesne değil / not an object"}
                continue
            written = {header_key(str(k)): str(k) for k in item}
            cells = {header_key(str(k)): _json_text(v) for k, v in item.items()}
            yield index, _known(cells, written, ignored)
    else:
        raise UnreadableInput(f"Bilinmeyen biçim / unknown format {kind!r}: csv or json.")


def _known(cells: dict[str, str], written: dict[str, str], ignored: set[str]) -> dict[str, str]:
    for key in cells:
        if key and key not in _HEADINGS and key not in NOT_STORED:
            ignored.add(written.get(key, key) if written is not cells else key)
    return {_HEADINGS[k]: v for k, v in cells.items() if k in _HEADINGS and v}


def _json_items(source: Source) -> list[Any]:
    """The list of acts: the file itself, or the one list inside the object KMS answers with;
    any other shape is refused as a whole (never read as "no rows")."""
    text, _ = decode(source.content)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableInput(f"JSON okunamadı / malformed JSON: {error}") from error
    if isinstance(items, dict):
        keys = {turkish.fold(str(k)): k for k in items}
        found = [keys[k] for k in JSON_LISTS if k in keys and isinstance(items[keys[k]], list)]
        if not found:
            raise UnreadableInput(
                f"{source.name}: JSON nesnesinde mevzuat listesi yok (beklenen anahtarlar: "
                f"{', '.join(JSON_LISTS)}; bulunan: {', '.join(map(str, items)) or '-'}) / no list "
                "of acts in the JSON object"
            )
        items = items[found[0]]
    if not isinstance(items, list):
        raise UnreadableInput(
            f"{source.name}: JSON bir mevzuat listesi olmalı / expected a list of acts, or an "
            'object {"data": [...]} or {"kayitlar": [...]}.'
        )
    return items


def _json_text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return "" if value is None else json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class _Act:
    """An act the planner knows: registered (``id``) or new on a line of this file."""

    id: int | None
    line: int | None
    type_code: int
    number: str | None
    title: str

    def described(self) -> str:
        kind = LEGISLATION_TYPES[self.type_code]
        numbered = f" {self.number}" if self.number else ""
        where = f"kayıt {self.id}" if self.id is not None else f"satır {self.line}"
        return f"{where}: {kind}{numbered} '{self.title}'"


class LegislationPlanner:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_number: dict[tuple[int | None, str], _Act] = {}
        self._by_title: dict[tuple[int, str], _Act] = {}
        self._kms_types: dict[str, set[int]] = {}  # KMS type id → registry codes its names give
        for act_id, type_code, number, title in session.execute(
            select(Legislation.id, Legislation.type_code, Legislation.number, Legislation.title)
        ):
            self._remember(_Act(act_id, None, type_code, number, title))
        requests = OpenRequests(session, "legislation")
        self._pending_numbers = requests.creating(_number_key)
        self._pending_any_type = requests.creating(lambda data: _number_key(data, typed=False))
        self._pending_titles = requests.creating(_title_key)

    def plan(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Plan:
        listed = list(rows)
        for _line, cells in listed:  # KMS type ids, read through the names the file gives them
            code = TYPE_NAMES.get(turkish.fold(cells.get("type", "")))
            if cells.get("kms_type_id") and code is not None:
                self._kms_types.setdefault(cells["kms_type_id"].strip(), set()).add(code)
        return plan_rows(((line, (line, cells)) for line, cells in listed), lambda r: self._row(*r))

    def _row(self, line: int, cells: dict[str, str]) -> Planned | None:
        if "_error" in cells:
            raise RowRefused(cells["_error"])
        title, glued = _split_glued_date(" ".join(cells.get("title", "").split()))
        if not title:
            raise RowRefused("başlık (title) boş / the title is empty")
        type_code = self._type(cells, title)
        number = cells.get("number", "").strip() or None
        found = self._find(type_code, number, title)
        if found is not None:
            if found.id is None:
                raise RowRefused(
                    f"{found.line}. satırdaki mevzuatla aynı / the same act as line {found.line}"
                )
            return None  # known: the registry's record is the reference, not the list
        request = (self._pending_numbers.get((type_code, number)) if number else None) or (
            self._pending_titles.get((type_code, turkish.fold(title)))
        )
        if request is not None:
            raise pending_in(request)
        stored_title = _title_case(title)
        data: dict[str, Any] = {"type": type_code, "title": stored_title}
        if number:
            data["number"] = number
        adopted_on = _iso(cells["adopted_on"]) if cells.get("adopted_on") else None
        if adopted_on is None and glued is not None:
            adopted_on = _iso(glued)  # "…Yönergesi 03/07/2016": the act's own date
        if adopted_on:
            data["adopted_on"] = adopted_on
        gazette_date = _iso(cells["gazette_date"]) if cells.get("gazette_date") else None
        issue = cells.get("gazette_issue", "").strip()
        if issue and not issue.isdigit():
            raise RowRefused(f"Resmî Gazete sayısı anlaşılamadı / not an issue number '{issue}'")
        if gazette_date or (issue and int(issue) > 0):
            data["gazette"] = {
                "date": gazette_date,
                "issue": int(issue) if issue and int(issue) > 0 else None,
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
                self._refuse_if_pending(
                    next(
                        (
                            request
                            for (_type, pending), request in self._pending_titles.items()
                            if isinstance(pending, str) and pending.startswith(named["act"].strip())
                        ),
                        None,
                    )
                )
                raise RowRefused(
                    f"kaldırılan mevzuat bulunamadı / the repealed act is not known: {named['act']}"
                )
            if target.id is not None:
                repeals = [target.id]
            elif target.line is not None:
                repeal_lines = [target.line]
        on = gazette_date or data.get("adopted_on")
        if repeals:
            if not on:
                raise RowRefused("yürürlükten kaldırma için tarih gerekir / a repeal needs a date")
            data["repeals"] = [{"id": act_id, "on": on} for act_id in repeals]
        validated(SCHEMA, data)
        self._remember(_Act(None, line, type_code, number, stored_title))
        change = Planned(line, "create", None, data, stored_title, entity="legislation")
        change.refs = {"basis": basis_lines, "repeals": repeal_lines, "repeals_on": on}
        if basis_lines or repeal_lines:
            change.parent_line = max(basis_lines + repeal_lines)
        return change

    def _type(self, cells: dict[str, str], title: str) -> int:
        """The registry's type code: from a registry code or a type name (the registry's, or
        KMS's: LEGISLATION_TYPE_SYNONYMS), a KMS type id through the names this file gives it,
        else the title's last words. Never a KMS id taken as a code."""
        text = cells.get("type", "").strip()
        kms_id = cells.get("kms_type_id", "").strip()
        if text.isdigit():
            if int(text) in LEGISLATION_TYPES:
                return int(text)
            raise RowRefused(
                f"'{text}' kayıt sisteminin tür kodu değil (KMS tür kimliği turId sütununda "
                f"verilir) / not a registry type code '{text}' (KMS ids go in turId)"
            )
        if text:
            code = TYPE_NAMES.get(turkish.fold(text))
            if code is None:
                raise RowRefused(f"mevzuat türü anlaşılamadı / unknown type '{text}'")
            return code
        if kms_id:
            codes = self._kms_types.get(kms_id, set())
            if len(codes) == 1:
                return next(iter(codes))
            raise RowRefused(
                f"KMS tür kimliği {kms_id} adsız verilmiş ve dosyada "
                + ("birden çok türün adıyla geçiyor" if codes else "hiçbir tür adıyla geçmiyor")
                + f"; tür adını (tur) verin / KMS type id {kms_id} has no type name here"
                + (" and stands for several types in this file" if codes else "")
                + ": give the type's name (tur)"
            )
        folded = turkish.fold(title)  # "… HAKKINDA YÖNETMELİK"
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
                self._refuse_if_pending(
                    self._pending_numbers.get((type_code, match["number"]))
                    or self._pending_any_type.get((None, match["number"]))
                )
                raise RowRefused(f"atıf yapılan mevzuat bulunamadı / unknown act '{part}'")
            if found.id is not None:
                ids.append(found.id)
            elif found.line is not None:
                lines.append(found.line)
        return ids, lines

    @staticmethod
    def _refuse_if_pending(request: int | None) -> None:
        """An act this row needs is still waiting in an open request: not filed without it."""
        if request is not None:
            raise RowRefused(
                f"atıf yapılan mevzuat {request} numaralı talepte onay bekliyor; onaylanınca içe "
                f"aktarmayı yeniden çalıştırın / the act it refers to is pending in request "
                f"{request}: run the import again once it is approved"
            )

    def _find(self, type_code: int, number: str | None, title: str) -> _Act | None:
        """The act this row is (same type and number, or same type and title), or None; two
        acts that share one but not the other are a conflict, reported with both."""
        folded = turkish.fold(title)
        numbered = type_code not in INTERNAL_LEGISLATION_TYPES  # internal acts repeat numbers
        by_number = self._by_number.get((type_code, number)) if number and numbered else None
        by_title = self._by_title.get((type_code, folded))
        if by_number is not None and turkish.fold(by_number.title) != folded:
            raise _conflict(by_number, type_code, number, title)
        if by_title is not None and number and by_title.number and by_title.number != number:
            raise _conflict(by_title, type_code, number, title)
        return by_number or by_title

    def _by_folded_title(self, folded: str) -> _Act | None:
        for (_type, title), found in self._by_title.items():
            if title.startswith(folded.strip()):
                return found
        return None

    def _remember(self, act: _Act) -> None:
        if act.number:
            self._by_number[(act.type_code, act.number)] = act
            self._by_number.setdefault((None, act.number), act)
        self._by_title.setdefault((act.type_code, turkish.fold(act.title)), act)


def _conflict(known: _Act, type_code: int, number: str | None, title: str) -> RowRefused:
    numbered = f" {number}" if number else ""
    this = f"{LEGISLATION_TYPES[type_code]}{numbered} '{title}'"
    return RowRefused(
        f"çakışma: bu satır ({this}) ile {known.described()} aynı türü ve "
        + ("sayıyı" if known.number == number else "başlığı")
        + f" paylaşıyor ama başka mevzuat; hangisinin doğru olduğunu kontrol edin / conflict: "
        f"this row ({this}) and {known.described()} share a type and "
        + ("number" if known.number == number else "title")
        + " but differ: check which is right"
    )


def _split_glued_date(title: str) -> tuple[str, str | None]:
    """A title with a date glued to its end ("…Yönergesi 03/07/2016") and the date, apart."""
    match = GLUED_DATE.match(title)
    if match is None:
        return title, None
    return match["title"].strip(" ,;-"), match["date"]


def _number_key(data: dict[str, Any], *, typed: bool = True) -> tuple[Any, str] | None:
    """An open create's (type, number) (or (None, number)), as the planner keys acts."""
    if not data.get("number"):
        return None
    return (data.get("type") if typed else None, str(data["number"]).strip())


def _title_key(data: dict[str, Any]) -> tuple[Any, str] | None:
    title = data.get("title")
    return (data.get("type"), turkish.fold(title)) if isinstance(title, str) else None


def _iso(text: str) -> str | None:
    """A date as ISO text, or None for "no date": empty, ``-``, KMS's ``0001-01-01T00:00:00``
    placeholder and any year before 1800 or years ahead; an impossible day is refused."""
    text = text.strip()
    if text in ("-", "", "—", "0", "null", "None"):
        return None
    dotnet = DOTNET_DATE.match(text)
    if dotnet:
        moment = datetime.fromtimestamp(int(dotnet["ms"]) / 1000, UTC)
        return moment.date().isoformat() if moment.year >= FIRST_YEAR else None
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if year < FIRST_YEAR or year > today().year + YEARS_AHEAD:
                return None  # a placeholder, not a date
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                break
    raise RowRefused(f"tarih anlaşılamadı / not a date '{text}' (gg/aa/yyyy)")


def _title_case(title: str) -> str:
    """Titles typed in capitals become Turkish title case; others are kept as written."""
    letters = [c for c in title if c.isalpha()]
    if letters and all(c == turkish.upper(c) for c in letters):
        return turkish.title_of_capitals(title)
    return title
