"""Free-text document names matched to standard names (DBYS), Turkish-aware.

Coordinators write "nufus cuzdani fotokopisi", "2 adet vesikalık resim", "ikametgah"; the registry
keeps one standard name per document and its aliases. Both sides are reduced the same way: Turkish
case and letters folded (``turkish.fold``), numbers and the words that describe a copy rather than
a document ("aslı", "fotokopisi", "onaylı", "adet"…) dropped. rapidfuzz's ``WRatio`` then scores
each name, which tolerates word order, extra words and small typos. A document's score is its best
name's.

The names live in memory, one index per database and process, kept current like the legal graph:
each call reads the audit head and reloads only the documents written since (entity
``document``). Matching 80,000 names is a few tens of milliseconds (docs/benchmarks.md); reading
them from the database on every call would be most of the time.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TypedDict

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import projections
from registry.catalogue.models import Document, DocumentAlias, RecordStatus
from registry.kernel import turkish

# A name is taken to mean a document (a service gets it without review) when it scores at least
# SURE_SCORE, or at least ACCEPT_SCORE and MARGIN points above the next document. Tuned on
# tests/data/document_names.json against the sample documents and against 80,000 names
# (docs/benchmarks.md): no wrong document, and no name of no document, is accepted there.
SURE_SCORE = 90.0
ACCEPT_SCORE = 70.0
MARGIN = 5.0
# WRatio below this: not offered at all.
OFFER_SCORE = 60.0
# Words that say which copy to bring, not which document: dropped before scoring.
# ("sureti" stays: "nüfus cüzdanı sureti" is the registry extract, not a copy of the card.)
COPY_WORDS = frozenset(
    turkish.fold(word)
    for word in (
        "adet",
        "aslı",
        "asıl",
        "aslını",
        "fotokopi",
        "fotokopisi",
        "fotokopileri",
        "kopya",
        "kopyası",
        "onaylı",
        "tasdikli",
        "noter",
        "noterden",
        "ve",
        "veya",
        "ile",
        "nüsha",
        "nüshası",
        "orijinal",
        "orijinali",
        "güncel",
        "geçerli",
    )
)
# Words that say what kind of paper, not which one: a name may add or lack them and still mean
# the document ("ikametgah" is "İkametgâh belgesi"). Every other word tells which document it
# is, and must be found on both sides (a typo allowed) for a name to be taken without review:
# "Sığınak Raporu" is not "Sağlık Raporu", "Evlenme Beyannamesi" is not "Evlenme Ehliyet
# Belgesi", "… talep formu" is not the document asked for.
GENERIC_WORDS = frozenset(
    turkish.fold(word)
    for word in (
        "belge",
        "belgesi",
        "belgeleri",
        "belgenin",
        "evrak",
        "evrakı",
        "yazı",
        "yazısı",
        "resmi",
        "son",
        "ilgili",
        "kişinin",
        "kişiye",
        "ait",
        "adına",
        "alınmış",
        "alınacak",
        "tarihli",
        "başvuru",
        "sahibinin",
        "gösterir",
        "gösteren",
        "olduğunu",
        "dair",
        "yoktur",
        "olmadığına",
        "olmadığını",
        "1",
        "bir",
        "iki",
    )
)
# A line of a published table that is not a document: a sub-heading ("Yabancılar için:") or a
# condition ("öğrenci ise …, çalışıyor ise …"). Never resolved, whatever it resembles.
CONDITION_WORDS = frozenset(
    {"ise", "iseler", "halinde", "durumunda", "varsa", "gerekirse", "takdirde", "olanlar"}
)
TELLING_WORD_SCORE = 85.0
# Words naming a kind of paper: one the name adds, that the document's name lacks, makes it
# another paper ("Sağlık raporu talep formu" asks for a form, not the report).
KINDS_OF_PAPER = frozenset(
    turkish.fold(word)
    for word in (
        "form", "formu", "talep", "talebi", "dilekçe", "dilekçesi", "beyan", "beyanname",
        "beyannamesi", "rapor", "raporu", "makbuz", "makbuzu", "sözleşme", "sözleşmesi",
        "dekont", "dekontu", "ruhsat", "ruhsatı", "sertifika", "sertifikası", "senet",
        "senedi", "tutanak", "tutanağı", "fatura", "faturası", "poliçe", "poliçesi",
        "ilam", "ilamı", "taahhütname", "muvafakatname", "vekaletname",
    )
)  # fmt: skip  # fuzz.ratio of two spellings of one telling word ("dokumu"/"dökümü")
_BATCH = 500
SCRATCH_KEY = "document_names_scratch"


def normalize(text: str) -> str:
    """The form names are compared in: folded, without numbers and copy words."""
    words = [w for w in turkish.fold(text).split() if not w.isdigit() and w not in COPY_WORDS]
    return " ".join(words) or turkish.fold(text)


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    score: float
    matched: str  # the standard name or alias that scored best


class Offer(TypedDict):
    """A document a name may mean, as the API offers it."""

    code: str
    name: str  # the standard name
    score: float  # 0–100; 100 is the same name
    matched: str  # the standard name or alias that scored best
    accepted: bool  # a service written with this name gets this document


class Offers(TypedDict):
    matches: list[Offer]  # best first


class _Words:
    """Which names use each word, and how telling each word is (its inverse document frequency).

    Finding the candidates through the words a query shares with a name (allowing a typo per
    word) keeps scoring to a few hundred names out of 80,000. A word found in very many names
    ("belgesi") finds nothing on its own; a query made only of such words scans everything.
    """

    COMMON_SHARE = 0.02  # a word in more than this share of names does not select candidates
    TYPO_SCORE = 80.0  # two words are the same word with a typo at this fuzz.ratio

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = {}

    def add(self, key: int, name: str) -> None:
        for word in set(name.split()):
            self.postings.setdefault(word, set()).add(key)

    def remove(self, key: int, name: str) -> None:
        for word in set(name.split()):
            keys = self.postings.get(word)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.postings[word]

    def similar(self, word: str) -> list[str]:
        if word in self.postings:
            return [word]
        found = process.extract(
            word, list(self.postings), scorer=fuzz.ratio, limit=5, score_cutoff=self.TYPO_SCORE
        )
        return [match for match, _score, _index in found]

    def idf(self, word: str, total: int) -> float:
        return math.log((total + 1) / (len(self.postings.get(word, ())) + 1)) + 1.0

    def candidates(self, query: str, total: int) -> set[int] | None:
        """Names sharing a telling word with ``query`` (typos allowed); None: no telling word."""
        limit = max(50, int(total * self.COMMON_SHARE))
        found: set[int] = set()
        telling = False
        for word in query.split():
            for similar in self.similar(word):
                keys = self.postings[similar]
                if len(keys) <= limit:
                    telling = True
                    found |= keys
        return found if telling else None


class NameIndex(projections.Projection):
    """Every active document's names, normalized, keyed by alias row id."""

    ENTITIES = ("document",)
    SCRATCH_KEY = SCRATCH_KEY

    def __init__(self) -> None:
        super().__init__()
        self._choices: dict[int, str] = {}  # alias id → normalized name
        self._alias_of: dict[int, tuple[int, str]] = {}  # alias id → (document id, alias)
        self._aliases_of_document: dict[int, list[int]] = {}
        self._documents: dict[int, tuple[str, str]] = {}  # document id → (code, name)
        self._words = _Words()

    def load_all(self, session: Session) -> None:
        self._load(session, None)

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        codes = sorted(changed.get("document", ()))
        for start in range(0, len(codes), _BATCH):
            self._load(session, codes[start : start + _BATCH])

    def match(self, name: str, limit: int = 5) -> list[Match]:
        """Documents whose names score at least ``OFFER_SCORE`` against ``name``, best first."""
        query = normalize(name)
        with self._lock:
            total = len(self._choices)
            keys = self._words.candidates(query, total)
            pool = self._choices if keys is None else {k: self._choices[k] for k in keys}
            found = process.extract(
                query, pool, scorer=fuzz.WRatio, processor=None, limit=40, score_cutoff=OFFER_SCORE
            )
            best: dict[int, Match] = {}
            for choice, score, alias_id in found:
                document_id, alias = self._alias_of[alias_id]
                blended = 100.0 if choice == query else min(self._blend(query, choice, score), 99.0)
                if document_id not in best or blended > best[document_id].score:
                    code, standard = self._documents[document_id]
                    best[document_id] = Match(code, standard, round(blended, 1), alias)
        ranked = sorted(best.values(), key=lambda m: (-m.score, turkish.sort_key(m.name)))
        return ranked[:limit]

    def _blend(self, query: str, choice: str, wratio: float) -> float:
        """WRatio, tempered by how many telling words each side finds in the other.

        WRatio alone scores "yüzme sertifikası" high against "yem sertifikası" (a long shared
        word, a short fuzzy one); weighing every word by how rare it is, a name that leaves the
        query's telling words unmatched, or adds its own, scores lower.
        """
        total = len(self._choices)
        query_words, choice_words = query.split(), choice.split()

        def covered(words: list[str], others: list[str]) -> float:
            weights = [self._words.idf(w, total) for w in words]
            hits = [
                weight
                for word, weight in zip(words, weights, strict=True)
                if any(fuzz.ratio(word, o) >= _Words.TYPO_SCORE for o in others)
            ]
            return sum(hits) / sum(weights) if weights else 0.0

        coverage = (covered(query_words, choice_words) + covered(choice_words, query_words)) / 2
        return 0.55 * wratio + 0.2 * fuzz.token_sort_ratio(query, choice) + 25.0 * coverage

    def size(self) -> int:
        return len(self._choices)

    def _load(self, session: Session, codes: list[str] | None) -> None:
        """Load every document (``codes`` None) or reload those documents."""
        documents = select(Document.id, Document.code, Document.name, Document.status)
        if codes is not None:
            documents = documents.where(Document.code.in_(codes))
            for document_id, *_ in session.execute(documents):
                for alias_id in self._aliases_of_document.pop(document_id, []):
                    self._words.remove(alias_id, self._choices.pop(alias_id, ""))
                    self._alias_of.pop(alias_id, None)
                self._documents.pop(document_id, None)
        active = {
            document_id: (code, name)
            for document_id, code, name, status in session.execute(documents)
            if status == RecordStatus.ACTIVE
        }
        self._documents.update(active)
        aliases = select(DocumentAlias.id, DocumentAlias.document_id, DocumentAlias.alias)
        if codes is not None:
            aliases = aliases.where(DocumentAlias.document_id.in_(list(active)))
        for alias_id, document_id, alias in session.execute(aliases):
            if document_id not in active:
                continue
            self._choices[alias_id] = normalize(alias)
            self._words.add(alias_id, self._choices[alias_id])
            self._alias_of[alias_id] = (document_id, alias)
            self._aliases_of_document.setdefault(document_id, []).append(alias_id)


_CURRENT: projections.PerDatabase[NameIndex] = projections.PerDatabase(NameIndex)


def current(session: Session) -> NameIndex:
    """This process's name index for the session's database, synced to the last commit."""
    return _CURRENT.of(session).sync(session)


def resolve(session: Session, name: str, limit: int = 5) -> list[Match]:
    return current(session).match(name, limit)


def offers(session: Session, name: str, limit: int) -> Offers:
    """The documents ``name`` may mean, best first, marking the one it is taken to mean.

    At least two are scored whatever ``limit``: whether the best is accepted depends on the next.
    """
    matches = resolve(session, name, max(limit, 2))
    chosen = accepted_of(matches, name)
    return {
        "matches": [
            {
                "code": m.code,
                "name": m.name,
                "score": m.score,
                "matched": m.matched,
                "accepted": chosen is not None and chosen.code == m.code,
            }
            for m in matches[:limit]
        ]
    }


def accepted(session: Session, name: str) -> Match | None:
    """The document ``name`` means, when one scores high enough and clearly above the next."""
    return accepted_of(resolve(session, name, limit=2), name)


def accepted_of(matches: list[Match], name: str | None = None) -> Match | None:
    """The first of ``matches`` (best first) if it is sure, or likely and well ahead, and (given
    the ``name`` asked for) it tells the same document word for word: "not sure" beats "wrong"."""
    if not matches or (name is not None and not_a_document(name)):
        return None
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if not (
        best.score >= SURE_SCORE
        or (best.score >= ACCEPT_SCORE and best.score - runner_up >= MARGIN)
    ):
        return None  # too weak, or two documents about as likely: a reviewer decides
    if (
        name is not None
        and best.score < 100.0
        and not same_telling_words(name, best.matched, (best.name,))
    ):
        return None  # a word that says which document differs: a reviewer decides
    return best


def not_a_document(name: str) -> bool:
    """A sub-heading ("… için:") or a condition ("öğrenci ise …"): for a reviewer to read."""
    return name.rstrip().endswith(":") or not CONDITION_WORDS.isdisjoint(turkish.fold(name).split())


def telling_words(name: str) -> list[str]:
    """The words of ``name`` that say which document it is (normalized, generic words out)."""
    return [word for word in normalize(name).split() if word not in GENERIC_WORDS]


def same_telling_words(name: str, candidate: str, also: tuple[str, ...] = ()) -> bool:
    """Whether ``name`` can mean ``candidate``: every telling word of the candidate is in the
    name (a typo or a suffix allowed: "kartının" is "kartı"), and the name adds no word that
    names another kind of paper ("… talep formu" is not the permit itself) that neither the
    candidate nor the document's other names (``also``) have."""
    mine, theirs = telling_words(name), telling_words(candidate)
    if not all(any(_same_word(w, m) for m in mine) for w in theirs):
        return False
    return all(any(_same_word(w, t) for t in theirs) for w in mine if w in KINDS_OF_PAPER)


def _same_word(one: str, other: str) -> bool:
    """One word, maybe with a typo or another suffix ("kartı"/"kartının", "dökümü"/"dokumu")."""
    if fuzz.ratio(one, other) >= TELLING_WORD_SCORE:
        return True
    shared = len(os.path.commonprefix([one, other]))
    return shared >= max(4, min(len(one), len(other)) - 1)
