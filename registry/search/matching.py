"""The search analyzer's matching, for filters written in SQL.

The index matches a record when a query word and one of the record's words have the same index
term (``registry.search.analysis``): folded, then cut to a stem. Lists filtered in SQL (the
organization API's ``q``, the directory, the legislation and document pages) keep a folded text
column (``search_text``: words separated by single spaces) and cannot stem it per row, so the
same rule is turned around: a record matches when, for each query word, one of its folded words
*starts with* that word's index term. "buyukelcilik" → "buyuk" finds "Büyükelçiliği",
"basvurularinin" → "basvu" finds "Başvurusu", "izni" → "izin" (or its dropped-vowel form "izn")
finds "İzin" and "İzni", so a filter and a search find the same records for the same words.

A word-start test is a ``LIKE`` that no B-tree index serves; it runs over rows already narrowed by
the filter's indexed conditions (the date, the parent, the category), as the substring test it
replaces did, and costs the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, or_

from registry.kernel import turkish
from registry.search.analysis import PREFIX, SHORT_STEMS, index_term

MAX_WORDS = 8  # as many words as the search reads of a query


def query_words(text: str) -> list[str]:
    """The folded words of a filter as typed (at most ``MAX_WORDS``)."""
    return turkish.fold(text).split()[:MAX_WORDS]


def word_starts(word: str) -> tuple[str, ...]:
    """What one of a record's folded words must start with to match ``word`` (folded): its
    index term, and for a short stem also the form it takes before a suffix ("izin", "izn")."""
    term = index_term(word) or word
    dropped = tuple(short for short, whole in SHORT_STEMS.items() if whole == term)
    return (term, *dropped)


def matches(column: Any, text: str) -> list[Any]:
    """SQL conditions (all must hold): each word of ``text`` starts a word of ``column``."""
    conditions = []
    for word in query_words(text):
        starts = word_starts(word)
        conditions.append(
            or_(
                *(column.startswith(start, autoescape=True) for start in starts),
                *(column.contains(" " + start, autoescape=True) for start in starts),
            )
        )
    return conditions


def _cut(word: str) -> str:
    """A folded word less what a suffix most likely added or softened: up to its last three
    letters, never below the stem ("idaresinin" → "idares", "elcilik" → "elcil")."""
    if len(word) <= PREFIX + 1:
        return word_starts(word)[0]
    return word[: max(PREFIX + 1, len(word) - 3)]


def close_match(column: Any, words: list[str]) -> Any:
    """SQL condition: each word, cut (``_cut``), starts a word of ``column``."""
    return and_(
        *(
            or_(
                column.startswith(_cut(word), autoescape=True),
                column.contains(" " + _cut(word), autoescape=True),
            )
            for word in words
        )
    )


def rank(column: Any, text: str) -> Any:
    """SQL ordering of matches, best first: the name starts with the words as typed, or has
    them after a space; then the same with the last word cut (``_cut``: "goc idaresinin" puts
    Göç İdaresi Başkanlığı before the İl Göç İdaresi Müdürlükleri, "buyukelcilik" Berlin
    Büyükelçiliği before Büyük Millet Meclisi, which the stem "buyuk" also finds); then names
    with every word cut at a word start; then the rest."""
    words = query_words(text)
    typed = " ".join(words)
    cut = " ".join([*words[:-1], _cut(words[-1])]) if words else ""
    return case(
        (column.startswith(typed, autoescape=True), 0),
        (column.contains(" " + typed, autoescape=True), 1),
        (column.startswith(cut, autoescape=True), 2),
        (column.contains(" " + cut, autoescape=True), 3),
        (close_match(column, words), 4),
        else_=5,
    )
