"""A unit's level (central, provincial, abroad) read from what the unit is, not assumed.

DETSİS files often leave the level out, or fill it with "merkez" for every row. What a unit is
shows in its name and its type: "… İl Müdürlüğü", "… Bölge Müdürlüğü", "… İlçe …",
"… Kaymakamlığı", "… Valiliği" are provincial (taşra) units, "… Büyükelçiliği" and
"… Başkonsolosluğu" abroad (yurt dışı); and in its place in the tree: a unit under a provincial
unit is provincial, under a unit abroad abroad. The registry's vocabulary has the three levels
of the contract (regional and district units are provincial ones). A level the file gives that
contradicts what the unit is, is refused with both: the importer never stores the one silently
over the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.kernel import turkish

PROVINCIAL = "provincial"
ABROAD = "abroad"
CENTRAL = "central"
# Turkish words for a level, as the registry's docs describe them.
LEVEL_NAMES = {CENTRAL: "merkez", PROVINCIAL: "taşra", ABROAD: "yurt dışı"}

# On folded names ("izmir il goc idaresi mudurlugu"). A head that says the unit is central (a
# general directorate, a department) wins over a word such as "il" or "bölge" in its subject:
# "Bölge Planlama Genel Müdürlüğü" is central.
_ABROAD_NAME = re.compile(r"\b(buyukelciligi|baskonsoloslugu|konsoloslugu|daimi temsilciligi)\b")
_PROVINCIAL_HEAD = re.compile(r"\b(valiligi|kaymakamligi)$")
_PROVINCIAL_WORD = re.compile(r"\b(il|ilce|bolge)\b")
_CENTRAL_HEAD = re.compile(
    r"\b(genel mudurlugu|daire baskanligi|genel sekreterligi|bakanligi|kurulu)$"
)
_PROVINCIAL_TYPES = ("Valilik", "Kaymakamlık", "İl Müdürlüğü", "İlçe Müdürlüğü", "Bölge Müdürlüğü")
_ABROAD_TYPES = ("Büyükelçilik", "Başkonsolosluk", "Müşavirlik (Yurt Dışı)")
_TYPES = {
    **{turkish.fold(name): PROVINCIAL for name in _PROVINCIAL_TYPES},
    **{turkish.fold(name): ABROAD for name in _ABROAD_TYPES},
}
# Local governments and the civil administration are in the provinces wherever they sit.
_CATEGORIES = {turkish.fold(n): PROVINCIAL for n in ("Belediye", "İl Özel İdaresi", "Mülki İdare")}


@dataclass(frozen=True)
class Reading:
    """A level and what it was read from, in Turkish and English ("adı" / "its name"), or
    ``None`` for the default."""

    level: str
    source: tuple[str, str] | None = None  # None: nothing says otherwise, central by default


def of_name(name: str) -> str | None:
    """The level a unit's name tells, or None when the name does not say."""
    folded = turkish.fold(name)
    if _ABROAD_NAME.search(folded):
        return ABROAD
    if _PROVINCIAL_HEAD.search(folded):
        return PROVINCIAL
    if _PROVINCIAL_WORD.search(folded) and not _CENTRAL_HEAD.search(folded):
        return PROVINCIAL
    return None


def read(
    name: str, unit_type: str | None, category: str | None, parent_level: str | None
) -> Reading:
    """The unit's level from its name, its type, its category, then its parent's level (a unit
    under a provincial or foreign unit is one too); central when none of them says otherwise
    (a unit at the top or under a central unit, named as central units are)."""
    by_name = of_name(name)
    if by_name is not None:
        return Reading(by_name, (f"adı ('{name}')", f"its name '{name}'"))
    kind = turkish.fold(unit_type or "")
    if kind in _TYPES:
        return Reading(_TYPES[kind], (f"birim türü ('{unit_type}')", f"its type '{unit_type}'"))
    group = turkish.fold(category or "")
    if group in _CATEGORIES:
        return Reading(
            _CATEGORIES[group], (f"kategorisi ('{category}')", f"its category '{category}'")
        )
    if parent_level in (PROVINCIAL, ABROAD):
        return Reading(parent_level, ("üst birimi", "its parent"))
    return Reading(CENTRAL)


def contradiction(given: str, reading: Reading) -> str | None:
    """Why a level the file gives cannot be taken, or None when it agrees (or nothing says
    otherwise)."""
    if reading.source is None or given == reading.level:
        return None
    turkish_source, english_source = reading.source
    return (
        f"düzey '{LEVEL_NAMES[given]}' verilmiş, ama {turkish_source} "
        f"{LEVEL_NAMES[reading.level]} birimi diyor / the level '{given}' contradicts "
        f"{english_source}: a {reading.level} unit"
    )
