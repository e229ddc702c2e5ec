"""Benchmark of search: the whoosh index beside SQLite FTS5 on the same records and queries.

Builds one SQLite registry: the sample dataset (``registry demo``) plus 50,000 synthetic services
with realistic Turkish names and descriptions, spread over the sample's department-level units
(``python -m benchmarks.scale --services 50000 --append``). Then, in the same run,
it measures:

* the whoosh index: build time (``registry.search.index.rebuild``) and size on disk;
* SQLite FTS5 (``unicode61 remove_diacritics 2``, bm25 with the same field weights) on the same
  documents: build time and size;
* p50/p95 query time of both, through the search layer, for 1-word, 3-word and typo queries drawn
  from the synthetic names (typed without Turkish letters, and with one typo for the third set);
* the top-3 hit rate of both on the relevance set (tests/data/search_queries.json), whose records
  are now among 50,000 others;
* searches per second through gunicorn (``registry serve``, no follower), all the queries above
  in turn, against ``/healthz`` on the same server, with concurrent keep-alive clients.

Goal (issue 7): p95 ≤ 30 ms for 1–3 word queries, within 3× of FTS5, a clearly better hit rate,
and ≥ 200 searches/s through the server.

Usage, from the repository root::

    python benchmarks/search.py [--services 50000] [--queries 200] [--seconds 10] [--workers 4]
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select

from benchmarks import measure, scale
from benchmarks.measure import percentile
from registry.app import create_app
from registry.catalogue.models import Service
from registry.demo import load_demo
from registry.kernel import migrate, turkish
from registry.kernel.db import get_db
from registry.search import index, query, records
from registry.search import service as search_service
from tests.test_search_relevance import QUERIES, _expected_id

TYPO_ALPHABET = "abcdefghijklmnoprstuvyz"


def query_sets(synthetic: list[str], n: int, rng: random.Random) -> dict[str, list[str]]:
    """1-word, 3-word and typo queries from the synthetic names, typed without Turkish letters."""
    names = [turkish.fold(name).split() for name in rng.sample(synthetic, n * 3)]
    one = [rng.choice(words) for words in names[:n]]
    three = [" ".join(words[:3]) for words in names[n : 2 * n] if len(words) >= 3]
    typos = []
    for words in names[2 * n :]:
        word = max(words, key=len)
        at = rng.randrange(1, len(word))
        typos.append(
            " ".join(
                w if w != word else word[:at] + rng.choice(TYPO_ALPHABET) + word[at + 1 :]
                for w in words[:3]
            )
        )
    return {"1 word": one, "3 words": three[:n], "3 words, one typo": typos}


class Fts5:
    """The same documents in SQLite FTS5, ranked by bm25 with the same field weights."""

    def __init__(self, path: Path, documents: list[records.SearchDocument]) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.connection.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(uid UNINDEXED, title, body, context, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.connection.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?)",
            [(d.uid, d.title, d.body, d.context) for d in documents],
        )
        self.connection.commit()

    def search(self, text: str, limit: int = 10) -> list[str]:
        words = [w for w in turkish.fold(text).split() if w]
        if not words:
            return []
        match = " AND ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = self.connection.execute(
            "SELECT uid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 3.0, 1.0, 0.3) LIMIT ?",
            (match, limit),
        ).fetchall()
        return [uid for (uid,) in rows]


def timed(call: Callable[[str], Any], queries: list[str]) -> list[float]:
    for q in queries[:5]:
        call(q)
    times = []
    for q in queries:
        start = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    rng = random.Random(2024)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="registry-search-") as directory:
        base = Path(directory)
        url, index_dir = f"sqlite:///{base / 'registry.sqlite3'}", str(base / "index")
        app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
        db = get_db(app)
        migrate.upgrade(db.engine)
        with app.app_context(), db.transaction() as session:
            load_demo(session)
        with db.sessionmaker() as session:
            first = (session.scalar(select(func.max(Service.id))) or 0) + 1
        # Synthetic services over the sample's department-level units, citing its acts and
        # asking for its documents (``python -m benchmarks.scale --services N --append``).
        scale.generate(db.engine, scale.Counts(services=args.services), 2024, append=True)
        with db.sessionmaker() as session:
            synthetic = list(session.scalars(select(Service.name).where(Service.id >= first)))

        with db.sessionmaker() as session:
            started = time.perf_counter()
            state = index.rebuild(session, index_dir)
            whoosh_build = time.perf_counter() - started
            documents = list(records.everything(session))
            expected = [
                (q["q"], f"{q['expect']['type']}:{_expected_id(session, q['expect'])}")
                for q in QUERIES
            ]
            groups = search_service.synonym_groups(session)
        started = time.perf_counter()
        fts = Fts5(base / "fts.sqlite3", documents)
        fts_build = time.perf_counter() - started
        whoosh_size, fts_size = _size(Path(index_dir)), (base / "fts.sqlite3").stat().st_size

        ix = index.open_current(index_dir)
        assert ix is not None
        searcher = ix.searcher(weighting=query.WEIGHTING)

        def whoosh_top(text: str, limit: int = 10) -> list[str]:
            result = query.search(searcher, text, groups, {}, 1, limit)
            return [f"{hit.type}:{hit.id}" for hit in result.hits]

        print(
            f"\n{state.documents:,} documents "
            f"({args.services:,} synthetic services + the sample data)"
        )
        print(
            f"build: whoosh {whoosh_build:.1f} s, {whoosh_size / 1e6:.1f} MB; "
            f"FTS5 {fts_build:.1f} s, {fts_size / 1e6:.1f} MB"
        )
        verdict = True
        sets = query_sets(synthetic, args.queries, rng)
        served = [q for queries in sets.values() for q in queries]
        started = time.perf_counter()
        whoosh_top(served[0])
        print(
            f"first query after opening the index (cold caches): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        print(
            f"\n{'queries':<22}{'whoosh p50':>11}{'p95':>8}{'FTS5 p50':>10}{'p95':>8}"
            f"{'p95 ratio':>11}"
        )
        for label, queries in sets.items():
            w = timed(whoosh_top, queries)
            f = timed(fts.search, queries)
            ratio = percentile(w, 0.95) / max(percentile(f, 0.95), 1e-6)
            print(
                f"{label:<22}{statistics.median(w):>11.2f}{percentile(w, 0.95):>8.2f}"
                f"{statistics.median(f):>10.2f}{percentile(f, 0.95):>8.2f}{ratio:>10.1f}×"
            )
            if label != "3 words, one typo":
                verdict &= percentile(w, 0.95) <= 30
        whoosh_hits = sum(1 for q, uid in expected if uid in whoosh_top(q, 3))
        fts_hits = sum(1 for q, uid in expected if uid in fts.search(q, 3))
        print(
            f"\ntop-3 hit rate on {len(expected)} relevance queries among {state.documents:,} "
            f"documents: whoosh {whoosh_hits / len(expected):.1%}, "
            f"FTS5 {fts_hits / len(expected):.1%}"
        )

        search_paths = ["/api/v1/search?q=" + quote(q) for q in served]
        with measure.served(url, index_dir, args.workers, base / "server.log") as port:
            measure.throughput(port, search_paths, 2, args.clients)  # warm every worker
            trivial = measure.throughput(port, ["/healthz"], args.seconds, args.clients).per_second
            searches = measure.throughput(port, search_paths, args.seconds, args.clients)
            searches_per_second = searches.per_second
        print(
            f"\nthrough gunicorn ({args.workers} sync workers, {args.clients} clients, "
            f"{args.seconds:.0f} s each, {len(served)} different queries in turn): "
            f"/healthz {trivial:,.0f} req/s; "
            f"search {searches_per_second:,.0f} req/s "
            f"({searches_per_second / trivial:.2f} of /healthz)"
        )
        verdict &= searches_per_second >= 200 and whoosh_hits > fts_hits
        print("PASS" if verdict else "FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
