"""The Turkish analyzer of the search index.

Whoosh's stock analyzers lower-case with Python's ``str.lower``, which turns "İ" into "i" plus a
combining dot, so "İSTANBUL" never meets "istanbul"; and whoosh has no Turkish stemmer. Each
token here is instead:

1. folded with ``registry.kernel.turkish.fold``: Turkish lower case, then ç ğ ı ö ş ü â î û
   as c g i o s u a i u, so "GÖÇMEN", "göçmen" and "gocmen" are one word;
2. if it begins with a protected name (a province), cut back to that name: "İzmir'deki" and
   "izmirde" are "izmir", and no truncation can make Burdur and Bursa one word;
3. if it is one of a few common short stems, cut back to the stem, giving back the vowel some of
   them drop before a suffix: "izni", "izne", "izinleri" are "izin"; "kaydı", "kayıtlı" are
   "kayit" (five letters would keep their suffixes apart);
4. otherwise truncated to its first five letters, the stemming that works best for Turkish
   retrieval (Can et al., 2008): "başvurusu", "başvuruları", "başvurularının" are "basvu".

A suffix after an apostrophe ("İzmir'deki", "6458'e") is dropped first.

The analyzer lives in an importable module because whoosh pickles it into the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from whoosh.analysis import Filter, RegexTokenizer, Token

from registry.kernel import turkish
from registry.kernel.reference import provinces

PREFIX = 5
# A word: letters and digits, with what follows an apostrophe ("İzmir'deki") kept with it.
WORD = re.compile(r"\w+(?:['’]\w+)*")
# A suffix longer than this after a province name makes the token another word ("Vanadyum").
MAX_SUFFIX_AFTER_NAME = 4
# Short stems (folded) that five letters would not reach, each under the form it takes when its
# last vowel drops before a suffix (izin → izni, kayıt → kaydı).
SHORT_STEMS = {
    "izn": "izin",
    "kayd": "kayit",
    "ism": "isim",
    "resm": "resim",
    "sehr": "sehir",
    "hukm": "hukum",
    "emr": "emir",
    "ogl": "ogul",
    "agz": "agiz",
    "burn": "burun",
    "akl": "akil",
    "fikr": "fikir",
    "nakl": "nakil",
    "zehr": "zehir",
}
_VOWELS = set("aeiou")


@cache
def protected_names() -> tuple[str, ...]:
    """Folded province names, longest first (so "Kırıkkale" wins over a shorter prefix)."""
    names = {turkish.fold(name).replace(" ", "") for name in provinces().values()}
    return tuple(sorted(names, key=len, reverse=True))


def stem(word: str) -> str:
    """A folded word's index form (steps 2–4 above)."""
    for name in protected_names():
        if word.startswith(name) and len(word) - len(name) <= MAX_SUFFIX_AFTER_NAME:
            return name
    for dropped, whole in SHORT_STEMS.items():
        if word.startswith(whole):
            return whole
        if word.startswith(dropped) and (
            len(word) == len(dropped) or word[len(dropped)] in _VOWELS
        ):
            return whole
    return word[:PREFIX]


@lru_cache(maxsize=200_000)
def index_term(word: str) -> str:
    """The index term of one word as typed ("" if it has none); cached, words repeat a lot."""
    folded = turkish.fold(word.replace("’", "'").split("'")[0]).replace(" ", "")
    if not folded:
        return ""
    return folded if folded.isdigit() else stem(folded)


class TurkishFilter(Filter):
    """Fold and stem each token; numbers are kept whole (a law number is not a prefix)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            term = index_term(token.text)
            if term:
                token.text = term
                yield token


@lru_cache(maxsize=200_000)
def surface_term(word: str) -> str:
    """One word folded but not stemmed; cached like ``index_term``."""
    return turkish.fold(word).replace(" ", "")


class FoldingFilter(Filter):
    """Fold each token (Turkish case and letters) without stemming: the surface words."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            folded = surface_term(token.text)
            if folded:
                token.text = folded
                yield token


def TurkishAnalyzer() -> object:  # noqa: N802  (whoosh's analyzers are built by factory functions)
    """Words (letters and digits, apostrophes split them) → folded, stemmed index terms."""
    return RegexTokenizer(WORD.pattern) | TurkishFilter()


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order, as the analyzer makes them (for queries, synonyms
    and tests), without building an analyzer per call: queries call this for every word."""
    return [term for word in WORD.findall(text) if (term := index_term(word))]
