"""Service durations as the standards tables write them: "30 gün", "6 iş günü", "8 saat", "anında".

A duration travels as ``{value, unit, text}``: the number and unit for computing and sorting, and
the Turkish text as a table prints it. Parsing accepts what people type (any case, without Turkish
letters: "6 is gunu"), so the text is always rebuilt from the value and unit.

Published tables also write ranges and sums: "20 DK.", "8-15 dk", "10- 20 Dakika", "30+15 Gün",
"en geç 30 (otuz) gün". A range counts as its upper bound (the longest the citizen may wait) and
a sum as the total; the text as written is kept in ``Duration.written`` for the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
_WORDS.update(
    {
        "is gun": "working_day",
        "isgunu": "working_day",
        "is gunudur": "working_day",
        "takvim gunu": "day",
        "gundur": "day",
        "dk": "minute",
        "dak": "minute",
        "dakikadir": "minute",
        "sa": "hour",
        "saattir": "hour",
        "aydir": "month",
    }
)
_PLAIN = str.maketrans("çğıöşüâîû", "cgiosuaiu")  # fold's letters, keeping "-", "+", "(" and "."
# "[en geç] 8 [- 15 | + 15] [(on beş)] dk[.]": a number, maybe a range or sum, a unit.
_PATTERN = re.compile(
    r"^\s*(?:en gec\s+)?(\d{1,5})\s*(?:(-|–|\+|ile)\s*(\d{1,5}))?\s*(?:\([a-z ]*\)\s*)?"
    r"([a-z .]+?)[\s.]*$"
)


@dataclass(frozen=True)
class Duration:
    value: int | None
    unit: str
    written: str = field(default="", compare=False)  # as the table wrote it ("8-15 dk")

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
    written = " ".join(text.split())
    folded = " ".join(turkish.lower(text).translate(_PLAIN).split()).rstrip(".")
    if folded in ("aninda", "hemen", "0"):
        return Duration(None, "immediate", written)
    match = _PATTERN.match(folded)
    unit = _WORDS.get(" ".join(match.group(4).replace(".", " ").split())) if match else None
    if match is None or unit is None or unit == "immediate":
        raise ValueError(
            f"Süre anlaşılamadı: {text!r}; örnek: '30 gün', '6 iş günü', '8 saat', '8-15 dk', "
            "'anında' / not a duration."
        )
    first, joined, second = int(match.group(1)), match.group(2), match.group(3)
    if joined is None:
        value = first
    elif joined == "+":
        value = first + int(second)  # "30+15 gün": thirty days, then fifteen more
    else:
        value = max(first, int(second))  # a range: the longest it may take
    if value <= 0:
        raise ValueError("Süre sıfırdan büyük olmalı / a duration must be positive.")
    return Duration(value, unit, written)


def from_parts(value: int | None, unit: str) -> Duration:
    if unit not in UNITS:
        raise ValueError(f"Bilinmeyen süre birimi / unknown unit {unit!r}.")
    if unit == "immediate":
        return Duration(None, unit)
    if value is None or value <= 0:
        raise ValueError("Süre sıfırdan büyük olmalı / a duration must be positive.")
    return Duration(value, unit)
