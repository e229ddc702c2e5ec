"""The organization tree from CSV, XLSX or XML: rows become a plan of unit changes.

Columns (headings matched without case or Turkish letters; docs/importers.md lists them):
``detsis_no``, ``name`` (required), ``parent`` (a DETSİS number) or ``parent_path``
(``İçişleri Bakanlığı > Göç İdaresi Başkanlığı``), ``short_name``, ``english_name``,
``category``, ``unit_type``, ``level``, ``province`` (plate code or name), ``district``,
``address``, ``phone``, ``fax``, ``email``, ``web``, ``kep`` (``;``-separated), ``valid_from``.

A row is matched to an existing unit by its DETSİS number, else by its parent and name. An empty
cell means "not given", never "erase". A row that cannot be understood is refused with its line
number and the reason; the other rows go on.

Why this module is long: the unit planner's rules (matching whatever the dates, a parent open on
its child's day, rows already pending, duplicates within the file) decide together what one row
becomes; they are read, and changed, together, next to the columns they read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from importers import unit_levels
from importers.pending import OpenRequests
from importers.plan import (
    Plan,
    Planned,
    RowRefused,
    pending_in,
    plan_rows,
    validated,
)
from importers.reading import Source, UnreadableInput, csv_rows, parse_xml, xlsx_rows
from registry.kernel import turkish
from registry.kernel.reference import provinces
from registry.kernel.text import normalize
from registry.organizations import tree
from registry.organizations.changes import version_record
from registry.organizations.models import (
    DetsisNumber,
    Organization,
    OrganizationVersion,
    Status,
)
from schemas.common import DETSIS_PATTERN
from schemas.organizations import UnitInputSchema, UnitUpdateSchema
from schemas.vocabularies import CATEGORIES, UNIT_TYPES

COLUMNS: dict[str, tuple[str, ...]] = {
    "detsis_no": ("detsis no", "detsis", "kkk", "kurum kodu", "birim kodu"),
    "name": ("name", "ad", "adi", "birim adi", "kurum adi", "birim"),
    "parent": ("parent", "ust detsis", "ust detsis no", "ust kkk", "ustkkk", "ust birim kodu"),
    "parent_path": ("parent path", "ust birim", "ust birim yolu", "yol"),
    "short_name": ("short name", "kisa ad", "kisa adi"),
    "english_name": ("english name", "ingilizce ad", "ingilizce adi"),
    "category": ("category", "kategori"),
    "unit_type": ("unit type", "birim turu", "tur"),
    "level": ("level", "duzey"),
    "province": ("province", "il", "il kodu"),
    "district": ("district", "ilce"),
    "address": ("address", "adres"),
    "phone": ("phone", "telefon"),
    "fax": ("fax", "faks"),
    "email": ("email", "e posta", "eposta"),
    "web": ("web", "web adresi", "internet adresi"),
    "kep": ("kep", "kep adresi", "kep adresleri"),
    "valid_from": ("valid from", "gecerlilik baslangici", "kurulus tarihi", "tarih"),
}
_HEADINGS = {heading: name for name, headings in COLUMNS.items() for heading in headings}
_HEADINGS.update({name.replace("_", " "): name for name in COLUMNS})
LEVEL_WORDS = {
    "central": "central", "merkez": "central", "merkezi": "central",
    "provincial": "provincial", "tasra": "provincial", "il": "provincial",
    "abroad": "abroad", "yurt disi": "abroad", "yurtdisi": "abroad",
}  # fmt: skip
CATEGORY_NAMES = {turkish.fold(name): name for name in CATEGORIES}
UNIT_TYPE_NAMES = {turkish.fold(name): name for name in UNIT_TYPES}
CONTACT_FIELDS = ("address", "phone", "fax", "email", "web")
# One instance each: building a schema costs more than a load.
UNIT_SCHEMA = UnitInputSchema()
UPDATE_SCHEMA = UnitUpdateSchema()
PATH_SEPARATOR = re.compile(r"\s*(?:>|/|›)\s*")
DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def rows_of(
    source: Source, kind: str, ignored: set[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as column name → text, whatever the file's kind; headings the importer does not
    read go to ``ignored``, for the summary and the exit status."""
    if kind == "csv":
        raw: Iterable[tuple[int, dict[str, str]]] = csv_rows(source)
    elif kind == "xlsx":
        raw = xlsx_rows(source)
    elif kind == "xml":
        raw = xml_rows(source)
    else:
        raise UnreadableInput(f"Bilinmeyen biçim / unknown format {kind!r}: csv, xlsx or xml.")
    for line, cells in raw:
        if ignored is not None:
            ignored.update(k for k in cells if k and k not in _HEADINGS)
        yield line, {_HEADINGS[k]: v for k, v in cells.items() if k in _HEADINGS and v}


# e-Yazışma / registry XML element → column (the registry's own XML answers use these names).
XML_ELEMENTS = {
    "KKK": "detsis_no", "Adi": "name", "UstKKK": "parent", "KisaAdi": "short_name",
    "IngilizceAdi": "english_name", "Kategori": "category", "BirimTuru": "unit_type",
    "Duzey": "level", "Il": "province", "Ilce": "district", "Adres": "address",
    "Telefon": "phone", "Faks": "fax", "EPosta": "email", "WebAdresi": "web",
    "KepAdresi": "kep", "GecerlilikBaslangici": "valid_from", "UstBirimYolu": "parent_path",
}  # fmt: skip
UNIT_ELEMENTS = {"Birim", "Kurum", "KurumKurulus", "Unit"}


def xml_rows(source: Source) -> Iterator[tuple[int, dict[str, str]]]:
    """Each ``<Birim>`` (or e-Yazışma ``<KurumKurulus>``) element as a row; its contact and KEP
    elements are read wherever they sit inside it, a nested unit's are left to that unit.

    An element holding text that the importer does not read (``<ButceTuru>``), or an attribute
    (``@kod``), is a column not read: it comes as a cell under that name, which no heading
    matches, so the summary lists it and the exit status says so, as for CSV and XLSX."""
    root = parse_xml(source)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in UNIT_ELEMENTS:
            cells: dict[str, str] = {}
            unread = {f"{_local(element)} @{_local(a)}": "?" for a in element.attrib}
            for child in _fields(element):
                column = XML_ELEMENTS.get(_local(child))
                text = (child.text or "").strip()
                unread.update({f"{_local(child)} @{_local(a)}": "?" for a in child.attrib})
                if column is None and text and not _has_elements(child):
                    unread[f"<{_local(child)}>"] = text
                elif column and text:
                    joined = column == "kep" and column in cells
                    cells[column] = f"{cells[column]};{text}" if joined else text
            yield (
                element.sourceline or 0,
                {**{c.replace("_", " "): v for c, v in cells.items()}, **unread},
            )


def _local(node: etree._Element | str) -> str:
    return str(etree.QName(node).localname)


def _has_elements(element: etree._Element) -> bool:
    return any(isinstance(child.tag, str) for child in element)


def _fields(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if not isinstance(child.tag, str) or etree.QName(child).localname in UNIT_ELEMENTS:
            continue
        yield child
        yield from _fields(child)


@dataclass(frozen=True)
class _Known:
    """A version of a registered unit, with the unit's number."""

    detsis_no: str
    version: OrganizationVersion


@dataclass(frozen=True)
class _Parent:
    """Where a row goes: a registered unit, a row of the same file, or the top of the tree."""

    number: str | None  # DETSİS number of a registered parent
    id: int | None
    line: int | None  # the row of this file that creates the parent
    path: tuple[str, ...]  # folded names, root first
    names: tuple[str, ...] = ()  # the same path as spelled, for messages
    above: int | None = None  # the registered unit above the parent (the row's grandparent)
    institution: bool = False  # the parent is an institution (it has a category)
    level: str | None = None
    province: int | None = None


_TOP = _Parent(None, None, None, ())


def _in_force(known: Sequence[_Known], day: date, *, scheduled: bool = False) -> _Known | None:
    """The version in force on ``day`` (an open one before a closed one); with ``scheduled``,
    failing that, the first one starting after ``day``."""
    current = [
        k
        for k in known
        if k.version.valid_from <= day and (k.version.valid_to is None or day < k.version.valid_to)
    ]
    if current:
        return min(current, key=lambda k: k.version.status != Status.ACTIVE)
    later = [k for k in known if k.version.valid_from > day] if scheduled else []
    return min(later, key=lambda k: k.version.valid_from) if later else None


def _starts(known: _Known) -> date:
    return known.version.valid_from


def _open_on(what: str, found: _Known | None, known: Sequence[_Known], day: date) -> _Known:
    """``found`` when it is an open unit on ``day``: a parent must be, on its child's first day."""
    if found is not None and found.version.status == Status.ACTIVE:
        return found
    if found is not None:
        raise RowRefused(
            f"üst birim {what} {day:%d.%m.%Y} tarihinde kapalı / the parent {what} is closed on "
            f"{day.isoformat()}"
        )
    later = [k.version.valid_from for k in known if k.version.valid_from > day]
    if later:
        starts = min(later)
        raise RowRefused(
            f"üst birim {what} {starts:%d.%m.%Y} tarihinde kuruluyor, bu satırın tarihinden "
            f"({day:%d.%m.%Y}) sonra / the parent {what} starts on {starts.isoformat()}, after "
            f"the row's date {day.isoformat()}"
        )
    raise RowRefused(
        f"üst birim {what} {day:%d.%m.%Y} tarihinde yok / there is no parent {what} on "
        f"{day.isoformat()}"
    )


class UnitPlanner:
    """Turns rows into a plan against the registry: every unit it holds, whatever its dates.

    A row's date is its ``valid_from`` (default: ``at``, today). A row is matched to a
    registered unit first by DETSİS number, else by parent and name (folded) among every version
    under that parent: in force on the row's date, else scheduled after it (a unit founded in the
    future), so a second run after an approval finds what the first one filed. A unit that only
    used to have that name, or that is closed on that date, is not written over: the row is
    refused with the reason. A parent must be open on the row's date (a registered one, or a row
    earlier in the file starting no later); a parent still waiting in an open request holds the row
    back with that reason, and so does a row already asked for by one (``importers.pending``).
    """

    def __init__(self, session: Session, at: date) -> None:
        self.session = session
        self.at = at
        self._under: dict[int | None, dict[str, list[_Known]]] = {}  # parent → folded name → …
        self._new_paths: dict[tuple[str, ...], int] = {}  # folded path → line creating it
        self._new_numbers: dict[str, int] = {}  # DETSİS number given to a new unit → line
        self._line_paths: dict[int, tuple[str, ...]] = {}  # line of a new unit → its path
        self._line_days: dict[int, date] = {}  # line of a new unit → the day it starts
        self._line_units: dict[int, _Parent] = {}  # line of a new unit → it, as a parent
        self._below: dict[int, dict[str, list[_Known]]] = {}  # parent → grandchildren by name
        self._refused_paths: dict[tuple[str, ...], int] = {}  # path of a refused row → its line
        self._matched: dict[str, int] = {}  # DETSİS number of a unit a row matched → the line
        self._province_codes = {turkish.fold(n): c for c, n in provinces().items()}
        self._fold = functools.lru_cache(maxsize=100_000)(turkish.fold)  # paths repeat a lot
        requests = OpenRequests(session, "organization")
        self._pending = requests
        self._pending_creates = requests.creating(self._create_key)

    def plan(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Plan:
        return plan_rows(((line, (line, cells)) for line, cells in rows), self._row_of)

    def _row_of(self, item: tuple[int, dict[str, str]]) -> list[Planned] | None:
        line, cells = item
        try:
            return self._row(line, cells)
        except RowRefused:
            if "parent" not in cells and cells.get("name"):  # children by path learn why
                parts = self._parts(cells.get("parent_path", ""))
                self._refused_paths.setdefault((*parts, self._fold(cells["name"])), line)
            raise

    def _create_key(self, data: dict[str, Any]) -> tuple[str | None, str] | None:
        name = data.get("name")
        return (data.get("parent"), self._fold(name)) if isinstance(name, str) else None

    # -- one row --

    def _row(self, line: int, cells: dict[str, str]) -> list[Planned] | None:
        name = normalize(cells.get("name", ""))
        if not name:
            raise RowRefused("ad (name) sütunu boş / the name is empty")
        valid_from = _date(cells["valid_from"]) if cells.get("valid_from") else None
        day = valid_from or self.at
        parent = self._parent(cells, day)
        data = self._input(cells, parent.number)
        level = unit_levels.read(name, data.get("unit_type"), data.get("category"), parent.level)
        contradiction = unit_levels.contradiction(data["level"], level) if "level" in data else None
        if contradiction is not None:
            raise RowRefused(contradiction)
        own_path = (*parent.path, self._fold(name))
        if own_path in self._new_paths:
            raise RowRefused(
                f"{self._new_paths[own_path]}. satırdaki birimle aynı / the same unit as line "
                f"{self._new_paths[own_path]}"
            )
        existing = self._existing(cells.get("detsis_no"), parent, name, day)
        if existing is None:
            if not cells.get("detsis_no"):
                self._refuse_one_level_apart(name, parent, day)
            data.setdefault("level", level.level)
            if data["level"] == unit_levels.PROVINCIAL and "province" not in data:
                province = parent.province if parent.level == data["level"] else None
                province = province or self._province_in(name)
                if province is not None:
                    data["province"] = {"code": province}
            return [self._create(line, cells, data, name, valid_from, day, parent, own_path)]
        number, version = existing
        if number in self._matched:
            raise RowRefused(
                f"{self._matched[number]}. satırla aynı birim ({number}) / the same unit as line "
                f"{self._matched[number]} ({number})"
            )
        self._matched[number] = line
        if version.status != Status.ACTIVE:
            raise RowRefused(
                f"{number} numaralı '{version.name}' {version.valid_from:%d.%m.%Y} tarihinden beri "
                f"kapalı / unit {number} is closed since {version.valid_from.isoformat()}"
            )
        if parent.line is not None:
            raise RowRefused(
                f"yeni üst birimi (satır {parent.line}) henüz kayıtlı değil; kaydedilince içe "
                f"aktarmayı yeniden çalıştırın / its new parent (line {parent.line}) is not "
                "registered yet: run the import again once it is"
            )
        live = version_record(self.session, version)
        changes: list[Planned] = []
        update = self._differences(data, live)
        if update:
            validated(UPDATE_SCHEMA, update)
            changes.append(Planned(line, "update", number, update, name, valid_from))
        if parent.number and parent.number != live.get("parent"):
            changes.append(
                Planned(line, "move", number, {"parent": parent.number}, name, valid_from)
            )
        if not changes:
            return None  # already registered (from its own date, maybe a future one)
        request = self._pending.touching(number)
        if request is not None:
            raise pending_in(request)
        self._refuse_dated_before_its_record(number, version.organization_id, day)
        return changes

    def _create(
        self,
        line: int,
        cells: dict[str, str],
        data: dict[str, Any],
        name: str,
        valid_from: date | None,
        day: date,
        parent: _Parent,
        own_path: tuple[str, ...],
    ) -> Planned:
        if parent.line is None:
            request = self._pending_creates.get((parent.number, self._fold(name)))
            if request is not None:
                raise pending_in(request)
        number = cells.get("detsis_no")
        if number and number in self._new_numbers:
            raise RowRefused(
                f"DETSİS numarası {number} {self._new_numbers[number]}. satırda da verilmiş / "
                f"the number {number} is given on line {self._new_numbers[number]} too"
            )
        if number and self.session.get(DetsisNumber, number) is not None:
            raise RowRefused(
                f"DETSİS numarası {number} daha önce kullanılmış; numaralar yeniden verilmez / "
                f"the number {number} has been used before: numbers are never reused"
            )
        loaded = validated(UNIT_SCHEMA, data)
        self._new_paths[own_path] = line
        self._line_paths[line] = own_path
        self._line_days[line] = day
        self._line_units[line] = _Parent(
            None,
            None,
            line,
            own_path,
            (*parent.names, name),
            above=parent.id,
            institution=bool(data.get("category")),
            level=data["level"],
            province=(data.get("province") or {}).get("code"),
        )
        if number:
            self._new_numbers[number] = line
        return Planned(
            line, "create", None, data, name, valid_from, number, parent.line, loaded=loaded
        )

    def _refuse_dated_before_its_record(self, number: str, org_id: int, day: date) -> None:
        """A change starts on the row's day: not before a later version of the unit (the
        history stays linear), and only for a unit registered today (a request for a unit founded
        in the future could not be reviewed against its record)."""
        first, latest = self.session.execute(
            select(
                func.min(OrganizationVersion.valid_from), func.max(OrganizationVersion.valid_from)
            ).where(OrganizationVersion.organization_id == org_id)
        ).one()
        if first > self.at:
            raise RowRefused(
                f"{number} numaralı birim {first:%d.%m.%Y} tarihinde kurulacak; kaydı o gün "
                f"değiştirilebilir / unit {number} starts on {first.isoformat()}: change it from "
                "then on"
            )
        if latest > day:
            raise RowRefused(
                f"{number} numaralı birimin {latest:%d.%m.%Y} tarihli daha yeni bir kaydı var; "
                f"satıra o günden sonraki bir tarih verin / unit {number} has a later record "
                f"from {latest.isoformat()}: date the row on or after it"
            )

    # -- one level apart --

    def _refuse_one_level_apart(self, name: str, parent: _Parent, day: date) -> None:
        """A new unit whose name an open unit already bears one level up or down, inside one
        institution, is refused as a conflict naming both: the file puts a level ("Bakan
        Yardımcılığı") between the ministry and a general directorate the registry holds
        directly under it, or the other way round. Creating it would register the directorate
        twice; the operator says which it is (its DETSİS number moves it)."""
        key = self._fold(name)
        if parent.above is not None and not parent.institution:
            known = self._under_parent(parent.above).get(key, [])
            found = _in_force(known, day)
            if found is not None and found.version.status == Status.ACTIVE:
                raise self._apart(name, parent, found, day)
        if parent.id is not None:
            for found in self._grandchildren(parent.id, day).get(key, []):
                raise self._apart(name, parent, found, day)

    def _grandchildren(self, parent_id: int, day: date) -> dict[str, list[_Known]]:
        """Open units on ``day`` two levels under ``parent_id`` through a unit that is not an
        institution, by folded name (one query per parent)."""
        if parent_id not in self._below:
            middle = aliased(OrganizationVersion)
            rows = self.session.execute(
                select(OrganizationVersion, Organization.detsis_no, middle)
                .join(Organization, Organization.id == OrganizationVersion.organization_id)
                .join(middle, middle.organization_id == OrganizationVersion.parent_id)
                .where(middle.parent_id == parent_id)
            )
            found: dict[str, list[_Known]] = {}
            for version, number, between in rows:
                both = [_Known(number, version), _Known("", between)]
                if (
                    all(
                        k.version.status == Status.ACTIVE and _in_force([k], day) is not None
                        for k in both
                    )
                    and between.category is None
                ):
                    found.setdefault(self._fold(version.name), []).append(both[0])
            self._below[parent_id] = found
        return self._below[parent_id]

    def _apart(self, name: str, parent: _Parent, found: _Known, day: date) -> RowRefused:
        path = tree.path_at(self.session, found.version.organization_id, day) or []
        theirs = " > ".join(entry.name for entry in path)
        ours = " > ".join((*parent.names, name))
        return RowRefused(
            f"çakışma: '{ours}' ile {found.detsis_no} numaralı '{theirs}' aynı ad, aralarında "
            "bir düzey farkı var; aynı birimse DETSİS numarasını verin (taşınır), değilse kaydı "
            f"elle açın / conflict: '{ours}' and unit {found.detsis_no} '{theirs}' bear the same "
            "name one level apart: give its DETSİS number to move it if it is the same unit"
        )

    def _province_in(self, name: str) -> int | None:
        """The province a provincial unit's name begins with ("İzmir İl Göç İdaresi
        Müdürlüğü"), if any."""
        words = self._fold(name).split()
        return self._province_codes.get(words[0]) if words else None

    # -- the parent --

    def _parent(self, cells: dict[str, str], day: date) -> _Parent:
        """The row's parent, which must be open on ``day`` (a registered unit, or a row of this
        file starting no later)."""
        if cells.get("parent"):
            number = cells["parent"].strip()
            if number in self._new_numbers:
                return self._new_parent(self._new_numbers[number], day)
            parent_id = self._id_of(number, "üst birim")
            if parent_id is None:
                raise RowRefused(f"üst birim {number} kayıtlı değil / unknown parent {number}")
            known = self._versions_of(number, parent_id)
            found = _open_on(number, _in_force(known, day), known, day)
            path = tree.path_at(self.session, parent_id, day) or []
            names = tuple(e.name for e in path)
            return self._registered(found, tuple(self._fold(n) for n in names), names)
        if cells.get("parent_path"):
            parts = self._parts(cells["parent_path"])
            if parts in self._new_paths:
                return self._new_parent(self._new_paths[parts], day)
            if parts in self._refused_paths:
                line = self._refused_paths[parts]
                raise RowRefused(
                    f"üst birimin satırı ({line}) alınmadı / its parent's row (line {line}) was "
                    "not taken"
                )
            return self._by_path(parts, cells["parent_path"], day)
        return _TOP

    def _registered(self, found: _Known, path: tuple[str, ...], names: tuple[str, ...]) -> _Parent:
        version = found.version
        return _Parent(
            found.detsis_no,
            version.organization_id,
            None,
            path,
            names,
            above=version.parent_id,
            institution=version.category is not None,
            level=version.level,
            province=version.province_code,
        )

    def _new_parent(self, line: int, day: date) -> _Parent:
        starts = self._line_days[line]
        if starts > day:
            raise RowRefused(
                f"üst birimi (satır {line}) {starts:%d.%m.%Y} tarihinde kuruluyor, bu satırdan "
                f"sonra / its parent (line {line}) starts on {starts.isoformat()}, after this row"
            )
        return self._line_units[line]

    def _by_path(self, parts: tuple[str, ...], written: str, day: date) -> _Parent:
        """Walk the path down the tree as it stands on ``day``."""
        parent_id: int | None = None
        parent_no: str | None = None
        pieces = [p for p in PATH_SEPARATOR.split(written) if p]  # as ``_parts`` splits it
        last: _Known | None = None
        for depth, part in enumerate(parts):
            known = self._under_parent(parent_id).get(part, [])
            found = _in_force(known, day)
            if found is None:
                request = self._pending_creates.get((parent_no, part))
                if request is not None:
                    raise RowRefused(
                        f"üst birimi {request} numaralı talepte onay bekliyor; onaylanınca içe "
                        f"aktarmayı yeniden çalıştırın / its parent is pending in request "
                        f"{request}: run the import again once it is approved"
                    )
                if not known:
                    raise RowRefused(f"üst birim yolu bulunamadı / no unit at the path '{written}'")
            if found is not None:
                what = found.detsis_no
            else:  # the unit founded later, if any, else the path as written
                later = [k for k in known if k.version.valid_from > day]
                what = (
                    min(later, key=_starts).detsis_no if later else " > ".join(pieces[: depth + 1])
                )
            last = _open_on(what, found, known, day)
            parent_id, parent_no = last.version.organization_id, last.detsis_no
        if last is None:
            return _TOP
        return self._registered(last, parts, tuple(pieces))

    def _parts(self, written: str) -> tuple[str, ...]:
        return tuple(self._fold(p) for p in PATH_SEPARATOR.split(written) if p)

    # -- the registry --

    def _under_parent(self, parent_id: int | None) -> dict[str, list[_Known]]:
        """Every version ever under ``parent_id`` (past, present, scheduled), by folded name."""
        if parent_id not in self._under:
            condition = (
                OrganizationVersion.parent_id.is_(None)
                if parent_id is None
                else OrganizationVersion.parent_id == parent_id
            )
            rows = self.session.execute(
                select(OrganizationVersion, Organization.detsis_no)
                .join(Organization, Organization.id == OrganizationVersion.organization_id)
                .where(condition)
            )
            found: dict[str, list[_Known]] = {}
            for version, number in rows:
                found.setdefault(self._fold(version.name), []).append(_Known(number, version))
            self._under[parent_id] = found
        return self._under[parent_id]

    def _existing(
        self, number: str | None, parent: _Parent, name: str, day: date
    ) -> tuple[str, OrganizationVersion] | None:
        """The registered unit the row describes, with its version on ``day`` (or its first one
        after it): by number, else by parent and name."""
        if number:
            org_id = self._id_of(number, "DETSİS no")
            if org_id is not None:
                found = _in_force(self._versions_of(number, org_id), day, scheduled=True)
                assert found is not None, number  # a unit always has an open-ended version
                return number, found.version
        if parent.line is not None:
            return None  # under a unit new in this file: nothing registered yet
        known = self._under_parent(parent.id).get(self._fold(name), [])
        found = _in_force(known, day, scheduled=True)
        if found is not None:
            return found.detsis_no, found.version
        if known:
            former = max(known, key=lambda k: k.version.valid_from)
            ended = former.version.valid_to or day
            raise RowRefused(
                f"'{name}', {former.detsis_no} numaralı birimin {ended:%d.%m.%Y} tarihine kadarki "
                f"adı ve yeri; o birimi değiştirmek için DETSİS numarasını verin / was unit "
                f"{former.detsis_no} until {ended.isoformat()}: give its DETSİS number to change "
                "it"
            )
        return None

    def _versions_of(self, number: str, org_id: int) -> list[_Known]:
        versions = self.session.scalars(
            select(OrganizationVersion).where(OrganizationVersion.organization_id == org_id)
        )
        return [_Known(number, version) for version in versions]

    def _id_of(self, number: str, what: str) -> int | None:
        if not DETSIS_PATTERN.match(number):
            raise RowRefused(f"{what} '{number}' 8 haneli bir DETSİS numarası değil / not a number")
        return self.session.scalar(select(Organization.id).where(Organization.detsis_no == number))

    def _input(self, cells: dict[str, str], parent: str | None) -> dict[str, Any]:
        """The row in the API's input shape (as a change request carries it)."""
        data: dict[str, Any] = {"name": normalize(cells["name"])}
        for key in ("short_name", "english_name", "category", "unit_type", "district"):
            if cells.get(key):
                data[key] = cells[key]
        for key, vocabulary in (("category", CATEGORY_NAMES), ("unit_type", UNIT_TYPE_NAMES)):
            if key in data:  # "BAKANLIK" is the vocabulary's "Bakanlık"; an unknown one is refused
                data[key] = vocabulary.get(turkish.fold(data[key]), data[key])
        if parent:
            data["parent"] = parent
        if cells.get("level"):
            level = LEVEL_WORDS.get(turkish.fold(cells["level"]))
            if level is None:
                raise RowRefused(f"düzey anlaşılamadı / unknown level '{cells['level']}'")
            data["level"] = level
        if cells.get("province"):
            data["province"] = {"code": self._province(cells["province"])}
        contact = {key: cells[key] for key in CONTACT_FIELDS if cells.get(key)}
        if contact:
            data["contact"] = contact
        if cells.get("kep"):
            addresses = [a.strip() for a in re.split(r"[;,\s]+", cells["kep"]) if a.strip()]
            data["kep_addresses"] = [{"address": a, "active": True} for a in addresses]
        return data

    def _province(self, text: str) -> int:
        if text.isdigit() and 1 <= int(text) <= 81:
            return int(text)
        code = self._province_codes.get(turkish.fold(text))
        if code is None:
            raise RowRefused(f"il anlaşılamadı / unknown province '{text}'")
        return code

    def _differences(self, data: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
        update: dict[str, Any] = {}
        for key, value in data.items():
            if key == "parent" or (key == "name" and self._fold(value) == self._fold(live[key])):
                continue  # a name matched as folded is the registry's spelling: no rename
            if key == "province":
                if value["code"] != live.get("province_code"):
                    update[key] = value
            elif key == "contact":
                if any(value.get(k) != live.get(k) for k in value):
                    update[key] = value
            elif key == "kep_addresses":
                known = {k["address"] for k in live.get("kep_addresses") or []}
                if {k["address"] for k in value} - known:
                    update[key] = [
                        *(live.get("kep_addresses") or []),
                        *(k for k in value if k["address"] not in known),
                    ]
            elif live.get(key) != value:
                update[key] = value
        return update


def _date(text: str) -> date:
    for pattern in DATE_PATTERNS:
        match = pattern.match(text.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise RowRefused(f"tarih anlaşılamadı / not a date '{text}' (gg.aa.yyyy)")
