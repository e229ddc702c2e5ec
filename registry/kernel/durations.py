"""Service durations as the standards tables write them: "30 gün", "6 iş günü", "8 saat", "anında".

A duration travels as ``{value, unit, text}``: the number and unit for computing and sorting, and
the Turkish text as a table prints it. Parsing accepts what people type (any case, without Turkish
letters: "6 is gunu"), so the text is always rebuilt from the value and unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.kernel import turkish

# unit code → Turkish word as printed in a standards table
UNITS: dict[str, str] = {
    "immediate": "anında",
    "minute": "dakika",
    "hour": "saat",
    "working_day": "iş günü",
    "day": "gün",
    "week": "hafta",
    "month": "ay",
}
_MINUTES: dict[str, float] = {
    "immediate": 0,
    "minute": 1,
    "hour": 60,
    "working_day": 1440 * 7 / 5,
    "day": 1440,
    "week": 1440 * 7,
    "month": 1440 * 30,
}
_WORDS = {turkish.fold(word): unit for unit, word in UNITS.items()}
_WORDS.update({"is gun": "working_day", "isgunu": "working_day", "takvim gunu": "day"})
_PATTERN = re.compile(r"^\s*(\d{1,5})\s*([a-z ]+?)\s*$")


@dataclass(frozen=True)
class Duration:
    value: int | None
    unit: str

    @property
    def text(self) -> str:
        if self.unit == "immediate":
            return UNITS["immediate"]
        return f"{self.value} {UNITS[self.unit]}"

    def minutes(self) -> float:
        """Roughly how long, to compare durations in different units (a working day is 7/5 of a
        calendar day on average, a month 30 days)."""
        return (self.value or 0) * _MINUTES[self.unit]

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "unit": self.unit, "text": self.text}


def parse(text: str) -> Duration:
    """Read a duration typed as text; raises ValueError with a bilingual message."""
    folded = turkish.fold(text).strip().rstrip(".")
    if folded in ("aninda", "hemen", "0"):
        return Duration(None, "immediate")
    match = _PATTERN.match(folded)
    unit = _WORDS.get(match.group(2).strip()) if match else None
    if match is None or unit is None or unit == "immediate":
        raise ValueError(
            f"Süre anlaşılamadı: {text!r}; örnek: '30 gün', '6 iş günü', '8 saat', 'anında' "
            "/ not a duration."
        )
    value = int(match.group(1))
    if value <= 0:
        raise ValueError("Süre sıfırdan büyük olmalı / a duration must be positive.")
    return Duration(value, unit)


def from_parts(value: int | None, unit: str) -> Duration:
    if unit not in UNITS:
        raise ValueError(f"Bilinmeyen süre birimi / unknown unit {unit!r}.")
    if unit == "immediate":
        return Duration(None, unit)
    if value is None or value <= 0:
        raise ValueError("Süre sıfırdan büyük olmalı / a duration must be positive.")
    return Duration(value, unit)
