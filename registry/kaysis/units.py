"""Units as the national contract's ``KurumBirimWS`` records, one or 200,000 at a time.

The daily sync asks for whole institutions, or every unit changed since a day, so the records
are built in chunks from rows streamed out of the database: the paths (``KurumHiyerarsik``) come
from a cache of the units above them, filled as the chunks need it, and the code tables (places,
categories, unit types) are read once per answer. Memory stays bounded by the units that have
units below them, never by the length of the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, select, true
from sqlalchemy.orm import Session, aliased

from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.reference import code_tables, dated, places
from registry.reference.models import Place

CHUNK = 1000
PATH_SEPARATOR = ">"


@dataclass(frozen=True)
class Ancestor:
    number: str
    name: str
    category: str | None
    parent_id: int | None


@dataclass
class Tables:
    """The code tables a unit record points into, read once per answer."""

    categories: dict[str, int]
    unit_types: dict[str, int]
    provinces: dict[int, tuple[int, str]]  # plate → (place number, name)
    districts: dict[tuple[int, str], tuple[int, str]]  # (plate, folded name) → (number, name)

    @classmethod
    def read(cls, session: Session, on: date) -> Tables:
        provinces: dict[int, tuple[int, str]] = {}
        districts: dict[tuple[int, str], tuple[int, str]] = {}
        rows = session.execute(
            dated.rows_on(places.KIND, on)
            .with_only_columns(Place.number, Place.kind, Place.name, Place.province_code)
            .where(Place.status == RecordStatus.ACTIVE, Place.province_code.is_not(None))
        )
        for number, kind, name, province in rows:
            if province is None:
                continue
            if kind == "province":
                provinces[province] = (number, name)
            elif kind == "district":
                districts[(province, turkish.fold(name))] = (number, name)
        return cls(
            categories={
                row.name: row.code
                for row in code_tables.table_rows(session, code_tables.CATEGORY, on)
            },
            unit_types={
                row.name: row.code
                for row in code_tables.table_rows(session, code_tables.UNIT_TYPE, on)
            },
            provinces=provinces,
            districts=districts,
        )

    def place(self, version: OrganizationVersion) -> tuple[int, str | None]:
        """The place id (``Fk_BulunduguYerID``: never nil, 0 when unknown) and its name, by the
        rule of ``reference/places.place_number_of``: the district, else the province."""
        if version.province_code is None:
            return places.UNKNOWN, None
        if version.district:
            found = self.districts.get((version.province_code, turkish.fold(version.district)))
            if found is not None:
                return found
        return self.provinces.get(version.province_code, (places.UNKNOWN, None))


class Paths:
    """The units above the units asked for, fetched level by level and kept for the answer."""

    def __init__(self, session: Session, on: date) -> None:
        self.session = session
        self.on = on
        self.known: dict[int, Ancestor] = {}

    def fill(self, parents: Iterable[int | None]) -> None:
        frontier = {p for p in parents if p is not None} - self.known.keys()
        for _ in range(tree.MAX_DEPTH):
            if not frontier:
                return
            found = tree.versions_at(self.session, frontier, self.on)
            for org_id, (number, version) in found.items():
                self.known[org_id] = Ancestor(
                    number, version.name, version.category, version.parent_id
                )
            frontier = {
                a.parent_id for a in (self.known[i] for i in found) if a.parent_id is not None
            } - self.known.keys()

    def above(self, parent_id: int | None) -> list[Ancestor]:
        """The ancestors, root first."""
        chain: list[Ancestor] = []
        cursor = parent_id
        while cursor is not None and cursor in self.known and len(chain) < tree.MAX_DEPTH:
            ancestor = self.known[cursor]
            chain.append(ancestor)
            cursor = ancestor.parent_id
        chain.reverse()
        return chain


def record(
    number: str, version: OrganizationVersion, chain: Sequence[Ancestor], tables: Tables
) -> dict[str, Any]:
    """One ``KurumBirimWS``: the README's mapping (§6.1, §10)."""
    names = [a.name for a in chain] + [version.name]
    institution = number
    if not version.category:
        institution = next(
            (a.number for a in reversed(chain) if a.category), chain[0].number if chain else number
        )
    place, place_name = tables.place(version)
    active = version.status == Status.ACTIVE
    return {
        "DETSISNo": int(number),
        "Ad": version.name,
        "ParentIdareKimlikKodu": int(chain[-1].number) if chain else 0,
        "AnaKurumIdareKimlikKodu": int(institution),
        "Fk_BulunduguYerID": place,
        "Fk_KurumBirimTipID1": tables.categories.get(version.category or "", 0),
        "Fk_KurumBirimTipID2": tables.unit_types.get(version.unit_type or "", 0),
        "KurumHiyerarsik": PATH_SEPARATOR.join(names),
        "Aktifmi": "true" if active else "false",
        "KurumBirimTip3ler": [],
        "ParentIdareKimlikKodu2": 0,
        "FaalOlupOlmadigi": active,
        "Seviye": len(names),
        "DisYazismaMuhatabiOlupOlmadigi": bool(version.corresponds_externally),
        "Adres": version.address,
        "YerAdi": place_name,
        # Not in the contract (the writer ignores it): the unit's own contact, for the
        # operations that list it next to the unit.
        "_contact": {
            "phone": version.phone,
            "fax": version.fax,
            "email": version.email,
            "web": version.web,
        },
    }


def in_force(on: date) -> Select[OrganizationVersion, str]:
    """Every unit's version in force on ``on`` with its number, to be narrowed by the caller."""
    return (
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(tree.in_force(on))
    )


def records(
    session: Session, stmt: Select[OrganizationVersion, str], on: date, *, keyset: bool = False
) -> Iterator[dict[str, Any]]:
    """The records of the rows ``stmt`` selects (version, number), built a chunk at a time.

    With ``keyset``, the rows are read in pages of ``CHUNK`` in the order of their unit id (no
    server-side cursor, which a streamed answer could outlive); without, ``stmt`` must be
    bounded by the caller."""
    tables = Tables.read(session, on)
    paths = Paths(session, on)
    for chunk in _pages(session, stmt) if keyset else [list(session.execute(stmt).all())]:
        paths.fill(version.parent_id for version, _ in chunk)
        for version, number in chunk:
            yield record(number, version, paths.above(version.parent_id), tables)


def _pages(
    session: Session, stmt: Select[OrganizationVersion, str]
) -> Iterator[Sequence[Row[OrganizationVersion, str]]]:
    last = 0
    while True:
        page = list(
            session.execute(
                stmt.where(OrganizationVersion.organization_id > last)
                .order_by(OrganizationVersion.organization_id)
                .limit(CHUNK)
            ).all()
        )
        if not page:
            return
        yield page
        last = page[-1][0].organization_id


def changed_since(since: datetime) -> Any:
    """Units with a version recorded in the registry since ``since`` (README §10: "changed
    since" means changed here, whatever the date the change takes effect)."""
    later = aliased(OrganizationVersion)
    return (
        select(later.id)
        .where(
            later.organization_id == OrganizationVersion.organization_id,
            later.recorded_at >= since,
        )
        .exists()
    )


def subtree_records(
    session: Session, org_id: int, on: date, since: datetime | None
) -> Iterator[dict[str, Any]]:
    """The unit and every unit under it, level by level (each level's units are the next
    level's ancestors, so no path is read twice); with ``since``, only those changed since."""
    tables = Tables.read(session, on)
    paths = Paths(session, on)
    changed = changed_since(since) if since is not None else true()
    top = in_force(on).add_columns(changed).where(OrganizationVersion.organization_id == org_id)
    level = list(session.execute(top))
    paths.fill(version.parent_id for version, _, _ in level)
    for _ in range(tree.MAX_DEPTH + 1):
        if not level:
            return
        parents: list[int] = []
        for version, number, wanted in level:
            paths.known[version.organization_id] = Ancestor(
                number, version.name, version.category, version.parent_id
            )
            parents.append(version.organization_id)
            if wanted:
                yield record(number, version, paths.above(version.parent_id), tables)
        level = []
        for start in range(0, len(parents), 500):
            level.extend(
                session.execute(
                    in_force(on)
                    .add_columns(changed)
                    .where(OrganizationVersion.parent_id.in_(parents[start : start + 500]))
                    .order_by(OrganizationVersion.sort_key, OrganizationVersion.organization_id)
                )
            )
