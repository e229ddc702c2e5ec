"""Evaluating a search query over whole posting lists at once, with numpy.

Whoosh stores the index, analyses the text, and defines the query and its BM25F scores. Its
matchers, though, score one posting at a time in Python: at 50,000 records a common word
matches most of them, and a query cost 20–150 ms. Here a term's posting list is read once per
index segment and kept as arrays (a segment never changes: new ones appear, merged ones go), and
a query is a few array operations: an AND is an intersection, an OR a union, the scores are
BM25F with whoosh's formula, statistics and field boosts, summed.

A phrase (the query words side by side in a name) is scored first as if its words were merely
all present, which bounds its score from above; the best candidates are then checked against
their stored names, in rank order, until no unchecked candidate can overtake the page. So the
page is exactly what whoosh's phrase matching would rank, and only a handful of names are read.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import scoring
from whoosh.query import And, AndMaybe, FuzzyTerm, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from registry.search.analysis import terms

# Postings kept in memory per process, across segments and index generations (8 bytes
# each); the least recently used terms go first.
MAX_CACHED_POSTINGS = 4_000_000
VIEW_TERMS = 512  # scored terms a generation keeps ready (the postings stay in the cache above)


@dataclass(frozen=True)
class Matches:
    """Matching documents: sorted unique global document numbers and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


EMPTY = Matches(np.empty(0, np.int64), np.empty(0, np.float64))


@dataclass
class _Phrase:
    """A phrase met while evaluating: its upper-bound scores and the boost above it."""

    stems: list[str]
    slop: int
    boost: float
    matches: Matches


@dataclass
class Ranked:
    total: int
    page: list[tuple[int, float]]  # (global docnum, score), best first
    matched: np.ndarray = field(default_factory=lambda: EMPTY.ids)


class _SegmentCache:
    """Posting lists (local docnums, weights) and field lengths of segments, by segment id."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.postings: OrderedDict[tuple[str, str, bytes], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        self.lengths: dict[tuple[str, str], np.ndarray] = {}
        self.facets: dict[tuple[str, str], tuple[np.ndarray, list[str]]] = {}
        self.lock = threading.Lock()

    def term(self, reader: Any, segment: str, name: str, text: bytes) -> tuple[Any, Any]:
        key = (segment, name, text)
        with self.lock:
            found = self.postings.get(key)
            if found is not None:
                self.postings.move_to_end(key)
                return found
        ids, weights = [], []
        matcher = reader.postings(name, text)  # live documents as of now; later deletions masked
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        found = (np.array(ids, np.int32), np.array(weights, np.float32))
        with self.lock:
            if key not in self.postings:
                self.postings[key] = found
                self.size += len(ids)
            while self.size > self.budget and len(self.postings) > 1:
                _, (old, _) = self.postings.popitem(last=False)
                self.size -= len(old)
        return found

    def values(self, reader: Any, segment: str, name: str) -> tuple[np.ndarray, list[str]]:
        """Each document's value of the ID field ``name``, as a code into the labels (-1: none);
        read once per segment from the field's terms."""
        key = (segment, name)
        found = self.facets.get(key)
        if found is None:
            codes = np.full(reader.doc_count_all(), -1, np.int32)
            labels: list[str] = []
            for text in reader.lexicon(name):
                codes[list(reader.postings(name, text).all_ids())] = len(labels)
                labels.append(text.decode("utf-8") if isinstance(text, bytes) else str(text))
            found = (codes, labels)
            with self.lock:
                if len(self.facets) > 256:
                    self.facets.clear()
                self.facets[key] = found
        return found

    def field_lengths(self, reader: Any, segment: str, name: str) -> np.ndarray:
        key = (segment, name)
        found = self.lengths.get(key)
        if found is None:
            found = np.array(
                [reader.doc_field_length(n, name, 0) or 0 for n in range(reader.doc_count_all())],
                np.float64,
            )
            with self.lock:
                if len(self.lengths) > 256:  # segments come and go; keep the recent ones
                    self.lengths.clear()
                self.lengths[key] = found
        return found


_CACHE = _SegmentCache(MAX_CACHED_POSTINGS)


@dataclass
class _Leaf:
    reader: Any
    offset: int
    segment: str
    alive: np.ndarray | None  # None: no deletions


class View:
    """One searcher's index generation as arrays: its segments and their deletions."""

    def __init__(self, searcher: Searcher, weighting: scoring.BM25F) -> None:
        self.searcher = searcher
        self.weighting = weighting
        self.leaves: list[_Leaf] = []
        for reader, offset in searcher.reader().leaf_readers():
            segment = reader.segment()
            if segment is None:  # an empty index: nothing to read
                continue
            alive = None
            if reader.has_deletions():
                alive = np.ones(reader.doc_count_all(), bool)
                alive[list(reader.deleted_docs_set)] = False
            self.leaves.append(_Leaf(reader, offset, segment.segment_id(), alive))
        self._terms: dict[tuple[str, str], Matches] = {}
        self._names: dict[int, list[str]] = {}

    def warm(self, names: tuple[str, ...]) -> None:
        """Read the field lengths of every segment now rather than in the first query."""
        for leaf in self.leaves:
            for name in names:
                _CACHE.field_lengths(leaf.reader, leaf.segment, name)

    # Terms

    def term(self, name: str, text: str) -> Matches:
        """A term's documents with their BM25F scores (whoosh's ``bm25`` with its statistics)."""
        key = (name, text)
        found = self._terms.get(key)
        if found is not None:
            return found
        schema_field = self.searcher.schema[name]
        btext = schema_field.to_bytes(text)
        ids_parts, score_parts = [], []
        idf = self.searcher.idf(name, btext)
        average = self.searcher.avg_field_length(name) or 1
        b = self.weighting._field_B.get(name, self.weighting.B)
        k1 = self.weighting.K1
        for leaf in self.leaves:
            if (name, btext) not in leaf.reader:
                continue
            local, weights = _CACHE.term(leaf.reader, leaf.segment, name, btext)
            if leaf.alive is not None:
                keep = leaf.alive[local]
                local, weights = local[keep], weights[keep]
            lengths = _CACHE.field_lengths(leaf.reader, leaf.segment, name)[local]
            weights = weights.astype(np.float64)
            scores = idf * (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average))
            ids_parts.append(local.astype(np.int64) + leaf.offset)
            score_parts.append(scores)
        found = (
            Matches(np.concatenate(ids_parts), np.concatenate(score_parts)) if ids_parts else EMPTY
        )
        if len(self._terms) >= VIEW_TERMS:  # a generation can live for days: stay bounded
            self._terms.clear()
        self._terms[key] = found
        return found

    def fuzzy(self, q: FuzzyTerm) -> Matches:
        """The words within the edit distance, each scoring a constant, as whoosh does."""
        reader = self.searcher.reader()
        words = sorted(reader.terms_within(q.fieldname, q.text, q.maxdist, prefix=q.prefixlength))
        found = [self.term(q.fieldname, word) for word in words]
        return _union([Matches(m.ids, np.ones(len(m))) for m in found])

    # Queries

    def evaluate(self, q: Query, phrases: list[_Phrase], boost: float = 1.0) -> Matches:
        """``q``'s documents and scores; phrases are scored by their upper bound and noted in
        ``phrases`` (with the boost above them) for ``rank`` to check."""
        boost *= q.boost
        if isinstance(q, FuzzyTerm):
            return _scaled(self.fuzzy(q), q.boost)
        if isinstance(q, Term):
            return _scaled(self.term(q.fieldname, q.text), q.boost)
        if isinstance(q, Phrase):
            bound = _intersection([self.term(q.fieldname, word) for word in q.words])
            phrases.append(_Phrase(list(q.words), q.slop, boost, bound))
            return _scaled(bound, q.boost)
        if isinstance(q, AndMaybe):
            required = self.evaluate(q.a, phrases, boost)
            optional = self.evaluate(q.b, phrases, boost)
            return _scaled(_add_where_present(required, optional), q.boost)
        if isinstance(q, And):
            return _scaled(
                _intersection([self.evaluate(sub, phrases, boost) for sub in q.subqueries]),
                q.boost,
            )
        if isinstance(q, Or):
            parts = [self.evaluate(sub, phrases, boost) for sub in q.subqueries]
            return _scaled(_union(parts, minmatch=q.minmatch or 1), q.boost)
        raise TypeError(f"cannot evaluate {type(q).__name__}")

    def documents(self, q: Query) -> np.ndarray:
        """The documents ``q`` matches, unscored (for filters)."""
        return self.evaluate(q, []).ids

    def rank(self, q: Query, allowed: np.ndarray | None, limit: int) -> Ranked:
        """The total and the best ``limit`` documents of ``q`` (among ``allowed``), ordered by
        score, then by document number, as whoosh orders ties."""
        phrases: list[_Phrase] = []
        matches = self.evaluate(q, phrases)
        if allowed is not None:
            keep = np.isin(matches.ids, allowed, assume_unique=True)
            matches = Matches(matches.ids[keep], matches.scores[keep])
        order = np.lexsort((matches.ids, -matches.scores))
        if not phrases:
            chosen = order[:limit]
            page = [(int(matches.ids[i]), float(matches.scores[i])) for i in chosen]
            return Ranked(len(matches), page, matches.ids)
        best: list[tuple[float, int]] = []  # a heap of (exact score, -docnum), worst first
        for i in order:
            bound = float(matches.scores[i])
            if len(best) >= limit and bound < best[0][0]:
                break  # no later candidate can reach the page
            docnum = int(matches.ids[i])
            exact = bound - sum(
                p.boost * _score_of(p.matches, docnum)
                for p in phrases
                if not self._in_order(docnum, p.stems, p.slop)
            )
            entry = (exact, -docnum)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        page = [(-neg, score) for score, neg in sorted(best, reverse=True)]
        return Ranked(len(matches), page, matches.ids)

    def _in_order(self, docnum: int, stems: list[str], slop: int) -> bool:
        """Whether the stored name holds ``stems`` in order, at most ``slop`` words apart."""
        name = self._names.get(docnum)
        if name is None:
            if len(self._names) >= VIEW_TERMS * 16:
                self._names.clear()
            name = self._names[docnum] = terms(self.searcher.stored_fields(docnum)["title"])
        for start, term in enumerate(name):
            if term != stems[0]:
                continue
            position, found = start, True
            for stem in stems[1:]:
                following = [p for p in range(position + 1, position + slop + 1) if p < len(name)]
                position = next((p for p in following if name[p] == stem), -1)
                if position < 0:
                    found = False
                    break
            if found:
                return True
        return False

    # Facets

    def facet_counts(self, name: str, documents: np.ndarray) -> dict[str, int]:
        """How many of ``documents`` hold each value of the ID field ``name``."""
        counts: dict[str, int] = {}
        for leaf in self.leaves:
            end = leaf.offset + leaf.reader.doc_count_all()
            local = documents[(documents >= leaf.offset) & (documents < end)] - leaf.offset
            codes, labels = _CACHE.values(leaf.reader, leaf.segment, name)
            found = codes[local]
            for code, count in enumerate(np.bincount(found[found >= 0], minlength=len(labels))):
                if count and labels[code]:
                    counts[labels[code]] = counts.get(labels[code], 0) + int(count)
        return counts


_VIEWS: weakref.WeakKeyDictionary[Searcher, View] = weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


def view(searcher: Searcher, weighting: scoring.BM25F) -> View:
    """The view of this searcher's generation, made once per searcher."""
    with _VIEWS_LOCK:
        found = _VIEWS.get(searcher)
        if found is None:
            found = _VIEWS[searcher] = View(searcher, weighting)
        return found


# Array operations


def _scaled(matches: Matches, boost: float) -> Matches:
    return matches if boost == 1.0 else Matches(matches.ids, matches.scores * boost)


def _intersection(parts: list[Matches]) -> Matches:
    """Documents in every part, their scores summed (smallest part first: cheapest)."""
    if not parts:
        return EMPTY
    parts = sorted(parts, key=len)
    ids, scores = parts[0].ids, parts[0].scores
    for part in parts[1:]:
        if not len(ids):
            return EMPTY
        ids, mine, theirs = np.intersect1d(ids, part.ids, assume_unique=True, return_indices=True)
        scores = scores[mine] + part.scores[theirs]
    return Matches(ids, scores)


def _union(parts: list[Matches], minmatch: int = 1) -> Matches:
    """Documents in at least ``minmatch`` parts, with the sum of the scores of those parts."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return EMPTY
    if len(parts) == 1 and minmatch <= 1:
        return parts[0]
    every = np.concatenate([part.ids for part in parts])
    ids, where = np.unique(every, return_inverse=True)
    scores = np.bincount(where, weights=np.concatenate([part.scores for part in parts]))
    if minmatch > 1:
        enough = np.bincount(where) >= minmatch
        ids, scores = ids[enough], scores[enough]
    return Matches(ids, scores)


def _add_where_present(required: Matches, optional: Matches) -> Matches:
    """``required``'s documents, plus ``optional``'s score where it matches them too."""
    if not len(required) or not len(optional):
        return required
    at = np.searchsorted(optional.ids, required.ids)
    inside = at < len(optional.ids)
    hit = np.zeros(len(required), bool)
    hit[inside] = optional.ids[at[inside]] == required.ids[inside]
    scores = required.scores.copy()
    scores[hit] += optional.scores[at[hit]]
    return Matches(required.ids, scores)


def _score_of(matches: Matches, docnum: int) -> float:
    at = int(np.searchsorted(matches.ids, docnum))
    if at < len(matches.ids) and matches.ids[at] == docnum:
        return float(matches.scores[at])
    return 0.0
