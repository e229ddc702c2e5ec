"""Mixed load against one node, then two nodes, on one PostgreSQL with a 200,000-unit registry.

The production shape of docs/deployment.md on one machine: a throwaway PostgreSQL, and
``registry serve`` nodes (gunicorn sync workers plus the node's index follower, each node with its
own search index). The registry is ``benchmarks.scale``'s (as ``benchmarks/tree.py`` and
``benchmarks/ebys.py`` build it), with its institutions given the sample certificate.

Each client is one keep-alive connection to one node (as behind a load balancer), clients shared
out evenly among the nodes, and draws its next operation with a fixed seed:

* 80 % EBYS lookups, for units drawn from the open ones: the whole letter (``correspondence``, 1
  sender and 5 recipients) 30 %, ``letterhead`` 12 %, ``addressee`` 12 %, ``courtesy`` 8 %,
  ``kep`` 8 %, ``contact`` 6 %, ``certificate`` 4 %;
* 15 % public search (``/api/v1/search``), one or two words of a unit's or a service's name, half
  of them typed without Turkish letters;
* 5 % writes: a unit's phone number changed through the workflow, submitted by one reviewer and
  approved by another (two requests, timed as one operation). Each approval moves the audit
  trail, so every node's caches and search index follow the changes as they would in production.

For each configuration (one node, then two nodes with the same workers each) it prints operations
per second, p50/p99 per kind, and errors (any answer other than 2xx, or a dropped connection).
Goal (production issue): 0 errors; the second node's gain is the ratio of the two throughputs,
measured in the same run. The load generator runs on the same machine: on a small machine it
takes a share of the CPU the nodes would otherwise have.

Usage, from the repository root::

    python benchmarks/load.py [--units 200000] [--seconds 30] [--workers 2] [--clients 16]
                              [--seed 2024]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import logging
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask

from benchmarks import measure, scale
from benchmarks.ebys import for_correspondence, letters
from registry.accounts import persons
from registry.accounts import service as accounts
from registry.app import create_app
from registry.kernel import migrate, turkish
from registry.kernel.db import get_db
from registry.search import index

EBYS = {  # kind → weight (per cent of all operations)
    "correspondence": 30,
    "letterhead": 12,
    "addressee": 12,
    "courtesy": 8,
    "kep": 8,
    "contact": 6,
    "certificate": 4,
}
SEARCH, WRITE = 15, 5
KINDS = [*EBYS, "search", "write"]
_PHONES = itertools.count(1)
WEIGHTS = [*EBYS.values(), SEARCH, WRITE]


@dataclass
class Workload:
    """What the clients draw from: open units, letters, search phrases, reviewers' tokens."""

    units: list[str]
    letters: list[Any]
    phrases: list[str]
    submitter: str
    approver: str


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    examples: list[str] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        for kind in KINDS:
            self.latencies[kind].extend(other.latencies[kind])
            self.errors[kind] += other.errors[kind]
        self.examples.extend(other.examples[: 3 - len(self.examples)])


class Client:
    """One keep-alive connection to one node, drawing operations with its own seeded generator."""

    def __init__(self, port: int, work: Workload, seed: int) -> None:
        self.port = port
        self.work = work
        self.rng = random.Random(seed)
        self.tally = Tally()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def run(self, stop: float) -> None:
        while time.monotonic() < stop:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            started = time.perf_counter()
            try:
                problem = self.operation(kind)
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.tally.latencies[kind].append((time.perf_counter() - started) * 1000)
            if problem:
                self.tally.errors[kind] += 1
                if len(self.tally.examples) < 3:
                    self.tally.examples.append(f"{kind}: {problem}")
        self.connection.close()

    def operation(self, kind: str) -> str | None:
        """Run one operation; what went wrong, or None."""
        if kind == "write":
            return self.write()
        return self.request("GET", self.path(kind))[1]

    def path(self, kind: str) -> str:
        rng, work = self.rng, self.work
        if kind == "search":
            return "/api/v1/search?q=" + quote(rng.choice(work.phrases))
        if kind == "correspondence":
            return str(rng.choice(work.letters).path)
        if kind == "courtesy":
            sender, recipient = rng.sample(work.units, 2)
            return f"/api/v1/ebys/courtesy?from={sender}&to={recipient}"
        return f"/api/v1/ebys/{kind}/{rng.choice(work.units)}"

    def write(self) -> str | None:
        n = next(_PHONES)  # a number no unit has yet: an approval always changes something
        phone = f"0312 {400 + n // 10_000 % 600} {n // 100 % 100:02d} {n % 100:02d}"
        body = {
            "entity": "organization",
            "action": "update",
            "target": self.rng.choice(self.work.units),
            "data": {"contact": {"phone": phone}},
        }
        created, problem = self.request(
            "POST", "/api/v1/change-requests", body, self.work.submitter
        )
        if problem:
            return problem
        return self.request(
            "POST", f"/api/v1/change-requests/{created['id']}/approve", {}, self.work.approver
        )[1]

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[Any, str | None]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, payload, headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 300:
            return None, f"{method} {path} → {response.status}: {data[:300]!r}"
        return (json.loads(data) if method == "POST" else None), None


def drive(
    ports: Sequence[int], work: Workload, clients: int, seconds: float, seed: int
) -> tuple[Tally, float]:
    """``clients`` concurrent clients shared out among the nodes for ``seconds``."""
    runners = [Client(ports[i % len(ports)], work, seed * 1000 + i) for i in range(clients)]
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=runner.run, args=(stop,)) for runner in runners]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    tally = Tally()
    for runner in runners:
        tally.merge(runner.tally)
    return tally, elapsed


def phrases(unit_names: Sequence[str], service_names: Sequence[str], seed: int) -> list[str]:
    """One or two words of real names, half of them folded (typed without Turkish letters)."""
    rng = random.Random(seed)
    chosen = []
    for name in rng.sample(list(unit_names), 300) + rng.sample(list(service_names), 100):
        words = [w for w in name.split() if len(w) > 2]
        start = rng.randrange(len(words))
        phrase = " ".join(words[start : start + rng.choice((1, 2))])
        chosen.append(turkish.fold(phrase) if rng.random() < 0.5 else phrase)
    return chosen


def report(label: str, tally: Tally, seconds: float) -> float:
    operations = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(
        f"\n{label}: {operations / seconds:,.0f} operations/s, {operations:,} in {seconds:.1f} s, "
        f"{errors} errors"
    )
    print(f"{'kind':<16}{'share':>7}{'ops':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in KINDS:
        values = tally.latencies[kind]
        if values:
            print(
                f"{kind:<16}{len(values) / operations:>7.1%}{len(values):>8,}"
                f"{measure.percentile(values, 0.5):>9.1f}{measure.percentile(values, 0.99):>9.1f}"
                f"{tally.errors[kind]:>8}"
            )
    for example in tally.examples:
        print("  e.g.", example)
    return operations / seconds


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="per configuration")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def _person(app: Flask, number: str) -> str:
    """A made-up personnel number's key: the load's two accounts are two people."""
    return persons.person_key(f"10000000/LOAD-{number}", app.config["PERSON_KEY_SECRET"])


def build(url: str, index_dir: str, args: argparse.Namespace) -> Workload:
    """The registry in a fresh database, two reviewers, and node A's search index."""
    clock = time.perf_counter()
    counts = scale.Counts(units=args.units, legislation=1000, services=2000, documents=500)
    generated, planned = scale.plan(counts, args.seed)
    assert generated.tree is not None
    for_correspondence(generated.tree, planned)
    services = [item.service.name for item in planned.services]
    names = [unit.data["name"] for unit in planned.units]
    names += [change.fields["name"] for change in planned.unit_changes if "name" in change.fields]
    app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
    db = get_db(app)
    try:
        migrate.upgrade(db.engine)
        scale.write(db.engine, planned)
        del planned
        written = time.perf_counter() - clock
        with db.sessionmaker() as session:
            _, submitter = accounts.create_user(
                session, name="load-submitter", role="reviewer", person_key=_person(app, "1")
            )
            _, approver = accounts.create_user(
                session, name="load-approver", role="reviewer", person_key=_person(app, "2")
            )
            session.commit()
            clock = time.perf_counter()
            state = index.rebuild(session, index_dir)
            indexed = time.perf_counter() - clock
    finally:
        db.dispose()
    tree = generated.tree
    open_units = [
        number
        for number, node in zip(tree.numbers, tree.nodes, strict=True)
        if node.merged_into < 0
    ]
    print(
        f"{len(tree.nodes):,} units ({len(open_units):,} open), {len(services):,} services: "
        f"generated and written in {written:.1f} s; search index of {state.documents:,} "
        f"documents built in {indexed:.1f} s (what `registry reindex` does)",
        flush=True,
    )
    return Workload(
        units=open_units,
        letters=letters(tree, 2000, args.seed + 11),
        phrases=phrases(names, services, args.seed + 17),
        submitter=submitter,
        approver=approver,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("registry").setLevel(logging.WARNING)
    results: dict[int, float] = {}
    errors = 0
    with (
        measure.database("postgresql", "load") as url,
        tempfile.TemporaryDirectory(prefix="registry-load-") as directory,
    ):
        base = Path(directory)
        print(f"building {args.units:,} units on PostgreSQL…", flush=True)
        work = build(url, str(base / "index-a"), args)
        for nodes in (1, 2):
            with ExitStack() as stack:
                ports = []
                for name in "ab"[:nodes]:
                    index_dir = base / f"index-{name}"
                    if not index_dir.exists():  # the same build as A's, copied, not rebuilt
                        shutil.copytree(base / "index-a", index_dir, symlinks=True)
                    ports.append(
                        stack.enter_context(
                            measure.served(
                                url, str(index_dir), args.workers, base / f"{name}.log", True
                            )
                        )
                    )
                # Warm each worker's caches a little, as a node in service has them.
                drive(ports, work, args.clients, min(5.0, args.seconds / 4), args.seed + 99)
                tally, seconds = drive(ports, work, args.clients, args.seconds, args.seed + nodes)
            label = f"{nodes} node{'s' if nodes > 1 else ''} × {args.workers} workers"
            results[nodes] = report(label, tally, seconds)
            errors += sum(tally.errors.values())
    print(
        f"\nsecond node: {results[2] / results[1]:.2f}× the operations/s of one node "
        f"({args.clients} clients, {args.seconds:.0f} s each); errors in all: {errors} (goal 0)"
    )
    print("PASS" if errors == 0 else "FAIL")
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
