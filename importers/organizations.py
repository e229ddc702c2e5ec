"""The organization tree from CSV, XLSX or XML: rows become a plan of unit changes.

Columns (headings matched without case or Turkish letters; docs/importers.md lists them):
``detsis_no``, ``name`` (required), ``parent`` (a DETSİS number) or ``parent_path``
(``İçişleri Bakanlığı > Göç İdaresi Başkanlığı``), ``short_name``, ``english_name``,
``category``, ``unit_type``, ``level``, ``province`` (plate code or name), ``district``,
``address``, ``phone``, ``fax``, ``email``, ``web``, ``kep`` (``;``-separated), ``valid_from``.

A row is matched to an existing unit by its DETSİS number, else by its parent and name. An empty
cell means "not given", never "erase". A row that cannot be understood is refused with its line
number and the reason; the other rows go on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.plan import Plan, Planned, RowRefused, plan_rows, validated
from importers.reading import Source, UnreadableInput, csv_rows, parse_xml, xlsx_rows
from registry.kernel import turkish
from registry.kernel.reference import provinces
from registry.organizations import tree
from registry.organizations.changes import version_record
from registry.organizations.models import Organization, OrganizationVersion
from schemas.common import DETSIS_PATTERN
from schemas.organizations import UnitInputSchema, UnitUpdateSchema

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
CONTACT_FIELDS = ("address", "phone", "fax", "email", "web")
# One instance each: building a schema costs more than a load.
UNIT_SCHEMA = UnitInputSchema()
UPDATE_SCHEMA = UnitUpdateSchema()
PATH_SEPARATOR = re.compile(r"\s*(?:>|/|›)\s*")
DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def rows_of(source: Source, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as column name → text, whatever the file's kind."""
    if kind == "csv":
        raw: Iterable[tuple[int, dict[str, str]]] = csv_rows(source)
    elif kind == "xlsx":
        raw = xlsx_rows(source)
    elif kind == "xml":
        raw = xml_rows(source)
    else:
        raise UnreadableInput(f"Bilinmeyen biçim / unknown format {kind!r}: csv, xlsx or xml.")
    for line, cells in raw:
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
    elements are read wherever they sit inside it, a nested unit's are left to that unit."""
    root = parse_xml(source)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in UNIT_ELEMENTS:
            cells: dict[str, str] = {}
            for child in _fields(element):
                column = XML_ELEMENTS.get(etree.QName(child).localname)
                text = (child.text or "").strip()
                if column and text:
                    joined = column == "kep" and column in cells
                    cells[column] = f"{cells[column]};{text}" if joined else text
            yield element.sourceline or 0, {c.replace("_", " "): v for c, v in cells.items()}


def _fields(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if not isinstance(child.tag, str) or etree.QName(child).localname in UNIT_ELEMENTS:
            continue
        yield child
        yield from _fields(child)


class UnitPlanner:
    """Turns rows into a plan against the registry as it stands on ``at``."""

    def __init__(self, session: Session, at: date) -> None:
        self.session = session
        self.at = at
        self._children: dict[int | None, dict[str, tuple[int, str]]] = {}
        self._new_paths: dict[tuple[str, ...], int] = {}  # folded path → line creating it
        self._new_numbers: dict[str, int] = {}  # DETSİS number given to a new unit → line
        self._line_paths: dict[int, tuple[str, ...]] = {}  # line of a new unit → its path
        self._province_codes = {turkish.fold(n): c for c, n in provinces().items()}
        self._fold = functools.lru_cache(maxsize=100_000)(turkish.fold)  # paths repeat a lot

    def plan(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Plan:
        return plan_rows(((line, (line, cells)) for line, cells in rows), self._row_of)

    def _row_of(self, item: tuple[int, dict[str, str]]) -> list[Planned] | None:
        return self._row(*item)

    # -- one row --

    def _row(self, line: int, cells: dict[str, str]) -> list[Planned] | None:
        name = cells.get("name", "").strip()
        if not name:
            raise RowRefused("ad (name) sütunu boş / the name is empty")
        parent_no, parent_id, parent_line, parent_path = self._parent(cells)
        data = self._input(cells, parent_no)
        valid_from = _date(cells["valid_from"]) if cells.get("valid_from") else None
        existing = self._existing(cells.get("detsis_no"), parent_id, name)
        if existing is None:
            number = cells.get("detsis_no")
            data.setdefault("level", "central")
            loaded = validated(UNIT_SCHEMA, data)
            self._new_paths[(*parent_path, self._fold(name))] = line
            self._line_paths[line] = (*parent_path, self._fold(name))
            if number:
                self._new_numbers[number] = line
            return [
                Planned(
                    line, "create", None, data, name, valid_from, number, parent_line, loaded=loaded
                )
            ]
        number, org_id = existing
        version = tree.versions_at(self.session, [org_id], self.at)[org_id][1]
        live = version_record(self.session, version)
        self._new_paths.pop((*parent_path, self._fold(name)), None)
        changes: list[Planned] = []
        update = self._differences(data, live)
        if update:
            validated(UPDATE_SCHEMA, update)
            changes.append(Planned(line, "update", number, update, name, valid_from))
        if parent_no and parent_no != live.get("parent") and parent_line is None:
            changes.append(Planned(line, "move", number, {"parent": parent_no}, name, valid_from))
        return changes or None

    def _parent(
        self, cells: dict[str, str]
    ) -> tuple[str | None, int | None, int | None, tuple[str, ...]]:
        """(number, id, line of the row creating it, folded path) of the row's parent."""
        if cells.get("parent"):
            number = cells["parent"].strip()
            if number in self._new_numbers:
                line = self._new_numbers[number]
                return None, None, line, self._line_paths[line]
            parent_id = self._id_of(number, "üst birim")
            path = tree.path_at(self.session, parent_id, self.at) if parent_id else None
            if parent_id is None or path is None:
                raise RowRefused(f"üst birim {number} kayıtlı değil / unknown parent {number}")
            return number, parent_id, None, tuple(turkish.fold(e.name) for e in path)
        if cells.get("parent_path"):
            parts = tuple(self._fold(p) for p in PATH_SEPARATOR.split(cells["parent_path"]) if p)
            if parts in self._new_paths:
                return None, None, self._new_paths[parts], parts
            found = self._by_path(parts)
            if found is None:
                raise RowRefused(
                    f"üst birim yolu bulunamadı / no unit at the path '{cells['parent_path']}'"
                )
            return found[1], found[0], None, parts
        return None, None, None, ()

    def _by_path(self, parts: tuple[str, ...]) -> tuple[int, str] | None:
        parent: int | None = None
        found: tuple[int, str] | None = None
        for part in parts:
            found = self._children_of(parent).get(part)
            if found is None:
                return None
            parent = found[0]
        return found

    def _children_of(self, parent_id: int | None) -> dict[str, tuple[int, str]]:
        if parent_id not in self._children:
            condition = (
                OrganizationVersion.parent_id.is_(None)
                if parent_id is None
                else OrganizationVersion.parent_id == parent_id
            )
            rows = self.session.execute(
                select(OrganizationVersion.name, Organization.id, Organization.detsis_no)
                .join(Organization, Organization.id == OrganizationVersion.organization_id)
                .where(condition, tree.in_force(self.at))
            )
            self._children[parent_id] = {turkish.fold(n): (i, no) for n, i, no in rows}
        return self._children[parent_id]

    def _existing(
        self, number: str | None, parent_id: int | None, name: str
    ) -> tuple[str, int] | None:
        if number:
            org_id = self._id_of(number, "DETSİS no")
            if org_id is not None and tree.versions_at(self.session, [org_id], self.at):
                return number, org_id
        match = self._children_of(parent_id).get(self._fold(name))
        return (match[1], match[0]) if match else None

    def _id_of(self, number: str, what: str) -> int | None:
        if not DETSIS_PATTERN.match(number):
            raise RowRefused(f"{what} '{number}' 8 haneli bir DETSİS numarası değil / not a number")
        return self.session.scalar(select(Organization.id).where(Organization.detsis_no == number))

    def _input(self, cells: dict[str, str], parent: str | None) -> dict[str, Any]:
        """The row in the API's input shape (as a change request carries it)."""
        data: dict[str, Any] = {"name": cells["name"].strip()}
        for key in ("short_name", "english_name", "category", "unit_type", "district"):
            if cells.get(key):
                data[key] = cells[key]
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
            if key == "parent":
                continue
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
