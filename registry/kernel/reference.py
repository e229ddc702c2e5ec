"""Reference vocabularies: provinces, institution categories, unit types.

They are closed lists so that a filter with an unknown value is refused (422) instead of silently
matching nothing, and so that data entered by 81 provinces' coordinators stays comparable.
"""

from __future__ import annotations

import csv
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


__all__ = ["CATEGORIES", "UNIT_TYPES", "province_name", "provinces"]
