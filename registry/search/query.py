"""Searching the index: every word must match (after Turkish folding and stemming), names weigh
most, words close together rank higher; typos are tried only when the exact query finds too little.

Each query word matches its stem in the title or the body. Synonyms (``registry.search.synonyms``)
let a phrase match any phrase of its group ("kimlik kartı" ~ "nüfus cüzdanı"). When fewer than
``ENOUGH`` records match, each word may also match a surface word one edit away, or with two
neighbouring letters swapped ("iznni" → "izni", "pasaprot" → "pasaport"), so fuzzy matching is not
paid on every query. As a last resort, a query of three words or more may miss one of them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from whoosh import scoring
from whoosh.query import And, AndMaybe, FuzzyTerm, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from registry.kernel import turkish
from registry.search import evaluate
from registry.search.analysis import WORD, index_term, terms

ENOUGH = 1  # widen only when the exact query finds nothing
EXACT_BOOST = 10.0
# BM25F, with titles normalized fully by their length: of two names holding every query word,
# the shorter (the one that is mostly those words) ranks first ("Göç İdaresi Başkanlığı" before
# "Adana İl Göç İdaresi Müdürlüğü").
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, title_B=1.0)
TITLE_PHRASE_BOOST = 2.0
MAX_WORDS = 12
SNIPPET_CHARS = 160
FACETS = ("type", "organization", "province")


@dataclass
class Hit:
    type: str
    id: str
    title: str
    snippet: str
    score: float
    organization: str | None


@dataclass
class Result:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fuzzy: bool = False


def _word(stem: str) -> Query:
    return Term("all", stem)


def _typo(surface: str) -> Query:
    """The surface word one edit away, or with two neighbouring letters swapped."""
    swaps = {
        surface[:i] + surface[i + 1] + surface[i] + surface[i + 2 :]
        for i in range(len(surface) - 1)
    } - {surface}
    return Or(
        [FuzzyTerm("words", surface, maxdist=1, prefixlength=1)]
        + [Term("words", swapped) for swapped in sorted(swaps)]
    )


def _phrase(stems: list[str]) -> Query:
    """A synonym phrase: its words all present (order is checked by the ranking, not here)."""
    return And([_word(stem) for stem in stems]) if len(stems) > 1 else _word(stems[0])


def build(text: str, groups: list[list[str]], fuzzy: bool, relaxed: bool = False) -> Query | None:
    """The whoosh query for ``text``; None when it has no searchable word. ``relaxed``: one word
    of three or more may be missing (the last resort when every word finds too little)."""
    words = turkish.fold(text).split()[:MAX_WORDS]
    if not words:
        return None
    stems = [index_term(word) or word for word in words]  # folded words: one term each
    parts: list[Query] = []
    in_title: list[Query] = [Term("title", stem) for stem in stems]
    used = [False] * len(words)
    for group in groups:  # a synonym phrase found in the query matches any phrase of its group
        for phrase in group:
            phrase_words = turkish.fold(phrase).split()
            n = len(phrase_words)
            for start in range(len(words) - n + 1):
                if any(used[start : start + n]):
                    continue
                if [index_term(w) or w for w in phrase_words] == stems[start : start + n]:
                    alternatives = [_phrase(terms(other)) for other in group if terms(other)]
                    parts.append(Or(alternatives))
                    for other in group:  # a name in the registry's words ranks as the query's
                        other_stems = terms(other)
                        if len(other_stems) > 1:
                            in_title.append(Phrase("title", other_stems, slop=1))
                        elif other_stems:
                            in_title.append(Term("title", other_stems[0]))
                    used[start : start + n] = [True] * n
    for position, (word, stem) in enumerate(zip(words, stems, strict=True)):
        if used[position]:
            continue
        parts.append(Or([_word(stem), _typo(word)]) if fuzzy else _word(stem))
    if len(parts) == 1:
        required = parts[0]
    elif relaxed and len(parts) >= 3:
        required = Or(parts, minmatch=len(parts) - 1)
    else:
        required = And(parts)
    # Ranking: the query words in the name weigh most, side by side in the name more still.
    if len(stems) > 1:
        in_title.append(Phrase("title", stems, slop=2, boost=TITLE_PHRASE_BOOST))
    return AndMaybe(required, Or(in_title))


def search(
    searcher: Searcher,
    text: str,
    groups: list[list[str]],
    filters: dict[str, str],
    page: int,
    page_size: int,
    with_facets: bool = False,
) -> Result:
    """One page of results; ``with_facets`` also counts all matches by type, institution and
    province. The query is whoosh's; ``registry.search.evaluate`` runs it over whole posting
    lists at once."""
    if searcher.doc_count() == 0:  # an empty registry (BM25's idf is undefined on nothing)
        return Result(0, [])
    arrays = evaluate.view(searcher, WEIGHTING)
    allowed = (
        arrays.documents(And([Term(name, value) for name, value in filters.items()]))
        if filters
        else None
    )
    query = build(text, groups, fuzzy=False)
    if query is None:
        return Result(0, [])
    limit = page * page_size
    ranked = arrays.rank(query, allowed, limit)
    fuzzy = False
    for relaxed in (False, True):  # typos first, then one word may be missing
        if ranked.total >= ENOUGH:
            break
        wider = build(text, groups, fuzzy=True, relaxed=relaxed)
        assert wider is not None
        # What the narrower query found stays on top of what the wider one adds.
        combined = Or([query.with_boost(EXACT_BOOST), wider]) if ranked.total else wider
        widened = arrays.rank(combined, allowed, limit)
        if widened.total > ranked.total:
            ranked, query, fuzzy = widened, combined, True
    marked = {index_term(word) for word in turkish.fold(text).split()} - {""}
    hits = [
        _hit(searcher.stored_fields(docnum), score, marked)
        for docnum, score in ranked.page[(page - 1) * page_size :]
    ]
    grouped = (
        {name: arrays.facet_counts(name, ranked.matched) for name in FACETS} if with_facets else {}
    )
    return Result(ranked.total, hits, grouped, fuzzy)


def _hit(stored: dict[str, Any], score: float, marked: set[str]) -> Hit:
    return Hit(
        stored["type"],
        stored["id"],
        stored["title"],
        snippet(stored.get("body") or stored.get("context") or stored["title"], marked),
        round(score, 3),
        stored.get("organization") or None,
    )


def snippet(text: str, marked: set[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around its first matched word, HTML-escaped, the
    words whose index term is in ``marked`` wrapped in ``<mark>``."""
    words = list(WORD.finditer(text))
    first = next((m.start() for m in words if index_term(m.group()) in marked), 0)
    start = max(0, first - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    parts, cursor = [], start
    for match in words:
        if match.start() < start or match.end() > end:
            continue
        parts.append(html.escape(text[cursor : match.start()]))
        word = html.escape(match.group())
        parts.append(f"<mark>{word}</mark>" if index_term(match.group()) in marked else word)
        cursor = match.end()
    parts.append(html.escape(text[cursor:end]))
    return ("… " if start else "") + "".join(parts).strip() + (" …" if end < len(text) else "")
