"""Benchmark of free-text document-name resolution on a national-size DBYS.

Builds, in one fresh database, 20,000 standard document names with 60,000 aliases: the sample
dataset's documents (registry/demo/services.json) and synthetic ones made of a subject, a kind and
a form ("Maden Ruhsatı Başvuru Formu (Yenileme)"), each with three aliases in the styles
coordinators write (``python -m benchmarks.scale --documents N --append``). Then, in the same run,
it resolves every case of tests/data/document_names.json against all of them (the
sample names are now among 80,000 distractors) and reports:

* the share of cases accepted as the expected document, accepted wrongly, or left for a reviewer;
* the time of one resolution over HTTP and through the service layer, and of the first load of
  the in-memory name index;
* ``GET /api/v1/documents/<code>`` as the baseline, each median also given as a ratio to it.

Usage, from the repository root::

    python benchmarks/document_names.py [--documents 20000] [--aliases 60000] [--repeat 3]
                                        [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from benchmarks import scale
from benchmarks.measure import database, timed
from registry.app import create_app
from registry.catalogue import document_names
from registry.catalogue.models import Document, DocumentAlias
from registry.kernel import migrate, turkish
from registry.kernel.db import get_db

CHUNK = 5_000
DEMO = json.loads((ROOT / "registry" / "demo" / "services.json").read_text("utf-8"))
CASES = json.loads((ROOT / "tests" / "data" / "document_names.json").read_text("utf-8"))


def _demo_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample dataset's documents and their aliases (every folded name unique)."""
    documents: list[dict[str, Any]] = []
    aliases: list[dict[str, Any]] = []
    used: set[str] = set()
    for item in DEMO["documents"]:
        name = item["name"]
        if turkish.fold(name) in used:
            continue
        names = []
        for other in [name, *item.get("aliases", [])]:
            if turkish.fold(other) not in used:
                used.add(turkish.fold(other))
                names.append(other)
        document_id = len(documents) + 1
        documents.append(
            {
                "id": document_id,
                "code": f"BLG-{document_id:06d}",
                "name": name,
                "status": "active",
                "search_text": " | ".join(sorted(turkish.fold(n) for n in names)),
                "sort_key": turkish.sort_key(name)[:600],
                "version": 1,
            }
        )
        aliases.extend(
            {"document_id": document_id, "alias": n, "folded": turkish.fold(n)} for n in names
        )
    return documents, aliases


def load(engine: Engine, n_documents: int, n_aliases: int) -> tuple[int, int, str]:
    """The sample's documents, then synthetic ones up to ``n_documents`` (``python -m
    benchmarks.scale --documents N --append``); returns the documents, the names and the code of
    one synthetic document."""
    documents, aliases = _demo_rows()
    with engine.begin() as connection:
        for table, rows in ((Document.__table__, documents), (DocumentAlias.__table__, aliases)):
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(table), rows[start : start + CHUNK])
    counts = scale.Counts(
        documents=max(0, n_documents - len(documents)),
        aliases_per_document=round(n_aliases / max(1, n_documents)),
    )
    scale.generate(engine, counts, 2024, append=True)
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(Document)) or 0
        names = connection.scalar(select(func.count()).select_from(DocumentAlias)) or 0
        code = connection.scalar(select(Document.code).where(Document.id == len(documents) + 5))
    return total, names, code or documents[0]["code"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--aliases", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    with database(args.backend, "names") as url:
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        logging.getLogger("alembic").setLevel(logging.WARNING)
        db = get_db(app)
        migrate.upgrade(db.engine)
        documents, names, synthetic_code = load(db.engine, args.documents, args.aliases)
        print(f"{documents:,} documents, {names - documents:,} aliases ({names:,} names)")
        client = app.test_client()
        start = time.perf_counter()
        with db.sessionmaker() as session:
            size = document_names.current(session).size()
        first_load = (time.perf_counter() - start) * 1000

        cases = CASES["cases"]
        outcome = {"right": 0, "wrong": 0, "left for a reviewer": 0}
        http_times: list[float] = []
        service_times: list[float] = []
        for case in cases:
            query = {"name": case["text"]}

            def over_http(query: dict[str, str] = query) -> Any:
                return client.get("/api/v1/documents/resolve", query_string=query).json

            answer = over_http()
            http_times += timed(over_http, args.repeat, warmup=0)
            with db.sessionmaker() as session:
                text = case["text"]
                service_times += timed(
                    lambda text=text: document_names.resolve(session, text),
                    args.repeat,
                    warmup=0,
                )
            accepted = next((m for m in answer["matches"] if m["accepted"]), None)
            if accepted is None:
                outcome["left for a reviewer"] += 1
            elif accepted["name"] == case["expected"]:
                outcome["right"] += 1
            else:
                outcome["wrong"] += 1
                print(f"  wrong: {case['text']!r} → {accepted['name']!r}")
        false = sum(
            1
            for text in CASES["unmatched"]
            if any(
                m["accepted"]
                for m in client.get("/api/v1/documents/resolve", query_string={"name": text}).json[
                    "matches"
                ]
            )
        )
        baseline = timed(lambda: client.get(f"/api/v1/documents/{synthetic_code}"), 50)
        db.dispose()

    base = statistics.median(baseline)
    print(f"\nBackend: {args.backend}; name index: {size:,} names, first load {first_load:,.0f} ms")
    print(f"{'measurement':<44}{'p50 ms':>9}{'p95 ms':>9}{'× base':>8}")
    for label, times in (
        ("HTTP GET /documents/<code> (baseline)", baseline),
        ("HTTP GET /documents/resolve?name=…", http_times),
        ("service document_names.resolve()", service_times),
    ):
        times = sorted(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:<44}{statistics.median(times):>9.2f}{p95:>9.2f}"
            f"{statistics.median(times) / base:>8.1f}"
        )
    share = outcome["right"] / len(cases)
    print(
        f"\n{len(cases)} test names: "
        + ", ".join(f"{v} {k}" for k, v in outcome.items())
        + f"; {share:.1%} resolved correctly (goal ≥ 95 %); "
        f"{false} of {len(CASES['unmatched'])} names of no document accepted"
    )
    print("PASS" if share >= 0.95 and outcome["wrong"] == 0 and false == 0 else "FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
