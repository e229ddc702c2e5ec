"""Benchmark of the organization tree reads at two registry sizes.

Builds a realistic DETSİS registry (about 20 institutions, each a tree up to 7 levels deep: general
directorates, departments, branches… and, for some institutions, 81 provincial units with districts
below) at each requested size, then times ``ancestors``, ``children``, ``subtree(depth=2)`` and the
``?at=`` lookups through the service layer and through the HTTP API. The targets are chosen by the
same rule at every size (same depth, same number of children, same subtree size) so the answers
are comparable; the cost of a read must follow the size of its answer, not of the registry, so the
ratio of the medians between the largest and the smallest registry must stay under 2. The
registries are made by ``benchmarks.scale`` (``python -m benchmarks.scale --units N``).

Usage, from the repository root::

    python benchmarks/tree.py [--sizes 2000,200000] [--backend sqlite|postgresql]
                              [--repeat N] [--seed S] [--sample N] [--explain]
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmarks import scale
from benchmarks.scale.common import Plan as ScalePlan
from benchmarks.scale.units import (
    INSTITUTIONS,
    Tree,
)
from registry.app import create_app
from registry.kernel import migrate
from registry.kernel.clock import today
from registry.kernel.db import Database, get_db
from registry.organizations import tree
from tests.postgres import ThrowawayPostgres

# --------------------------------------------------------------------------------------------
# The registry: ``benchmarks.scale`` (the shape is described in benchmarks/scale/units.py)
# --------------------------------------------------------------------------------------------

PAST = date(2023, 6, 1)
DEEPEST = 6  # institution (0) → general directorate → department → branch → … → team (6)
CHILDREN_BAND = (4, 8)  # targets of ``children``: units with this many sub-units
SUBTREE_BAND = (10, 30)  # targets of ``subtree(depth=2)``: depth-2 subtrees of this many units

Dataset = Tree


def build_rows(size: int, seed: int) -> tuple[Tree, ScalePlan]:
    """The tree of ``size`` units, planned but not written yet (``load`` writes it)."""
    report, planned = scale.plan(scale.Counts(units=size), seed)
    assert report.tree is not None
    return report.tree, planned


def load(engine: Engine, planned: ScalePlan) -> None:
    """Write into an empty database through the bulk paths (with the audit trail), then
    ``ANALYZE`` so the planner knows the indexes."""
    scale.write(engine, planned)


# --------------------------------------------------------------------------------------------
# Targets and operations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    targets: str  # which sample of units it runs on
    service: Callable[[Any, str], Any]
    url: str  # HTTP path, with {no}
    answer_size: Callable[[Any], int]


def _subtree_size(node: tree.SubtreeNode) -> int:
    return 1 + sum(_subtree_size(child) for child in node.children)


def operations(on: date) -> list[Operation]:
    """The timed reads; ``on`` is today's date for the current view."""
    return [
        Operation(
            "ancestors",
            "deepest",
            lambda s, no: tree.ancestors(s, no, on),
            "/api/v1/organizations/{no}/ancestors",
            len,
        ),
        Operation(
            "children",
            "children",
            lambda s, no: tree.children(s, no, on, 0, 50),
            "/api/v1/organizations/{no}/children",
            lambda answer: answer[1],
        ),
        Operation(
            "subtree(depth=2)",
            "subtree",
            lambda s, no: tree.subtree(s, no, 2, on),
            "/api/v1/organizations/{no}/subtree?depth=2",
            _subtree_size,
        ),
        Operation(
            f"get_unit ?at={PAST.isoformat()}",
            "deepest",
            lambda s, no: tree.get_unit(s, no, PAST),
            f"/api/v1/organizations/{{no}}?at={PAST.isoformat()}",
            lambda view: len(view.path),
        ),
        Operation(
            "get_unit (today)",
            "deepest",
            lambda s, no: tree.get_unit(s, no, on),
            "/api/v1/organizations/{no}",
            lambda view: len(view.path),
        ),
    ]


def choose_targets(dataset: Dataset, sample: int, seed: int) -> dict[str, list[str]]:
    """The same rule at every size: deepest units, units with 4–8 children, small subtrees."""
    nodes = dataset.nodes
    deepest_level = min(DEEPEST, max(node.depth for node in nodes))
    deepest = [i for i, node in enumerate(nodes) if node.depth == deepest_level]
    with_children = [
        i
        for i, node in enumerate(nodes)
        if CHILDREN_BAND[0] <= len(node.children) <= CHILDREN_BAND[1]
    ]
    subtree: list[int] = []
    for i, node in enumerate(nodes):
        size = 1 + len(node.children) + sum(len(nodes[c].children) for c in node.children)
        if SUBTREE_BAND[0] <= size <= SUBTREE_BAND[1]:
            subtree.append(i)
    rng = random.Random(seed + 2)
    chosen: dict[str, list[str]] = {}
    for key, pool in (("deepest", deepest), ("children", with_children), ("subtree", subtree)):
        picks = rng.sample(pool, sample) if len(pool) >= sample else rng.choices(pool, k=sample)
        chosen[key] = [dataset.numbers[i] for i in picks]
    return chosen


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Timing:
    service: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    answer_sizes: list[int] = field(default_factory=list)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    db: Database,
    client: FlaskClient,
    ops: list[Operation],
    targets: dict[str, list[str]],
    repeat: int,
) -> dict[str, Timing]:
    """Milliseconds per call, through a fresh session (like a request) and through HTTP."""
    results: dict[str, Timing] = {}
    for op in ops:
        numbers = targets[op.targets]
        for _ in range(3):  # warm up: caches, pool, prepared plans
            for number in numbers[:25]:
                with db.sessionmaker() as session:
                    op.service(session, number)
                client.get(op.url.format(no=number))
        timing = Timing()
        for number in numbers:
            with db.sessionmaker() as session:
                timing.answer_sizes.append(op.answer_size(op.service(session, number)))
        for _ in range(repeat):
            for number in numbers:
                start = time.perf_counter()
                with db.sessionmaker() as session:
                    op.service(session, number)
                timing.service.append((time.perf_counter() - start) * 1000)
        for number in numbers:
            url = op.url.format(no=number)
            start = time.perf_counter()
            response = client.get(url)
            timing.http.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} → {response.status_code}: {response.get_data()!r}")
        results[op.name] = timing
    return results


def _short_sql(statement: str) -> str:
    """The statement on one line, with long column lists elided."""
    flat = " ".join(statement.split())
    return re.sub(
        r"SELECT (?:(?!\bFROM\b).){80,}? FROM",
        lambda m: "SELECT " + m.group(0)[7:40].rsplit(",", 1)[0] + ", … FROM",
        flat,
    )


@dataclass
class Plan:
    statement: str
    lines: list[str]
    scans: bool


def explain(db: Database, op: Operation, number: str) -> list[Plan]:
    """The plan of every SELECT the operation issues (EXPLAIN QUERY PLAN / EXPLAIN)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.sessionmaker() as session:
            op.service(session, number)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans: list[Plan] = []
    seen: set[str] = set()
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        for statement, parameters in captured:
            if statement in seen:
                continue
            seen.add(statement)
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            if sqlite:
                depth: dict[int, int] = {0: 0}
                lines = []
                for row in rows:
                    depth[row[0]] = depth.get(row[1], 0) + 1
                    lines.append("  " * (depth[row[0]] - 1) + str(row[3]))
                scans = any(
                    line.strip().startswith(f"SCAN {name}")
                    for line in lines
                    for name in ("organization_versions", "organizations", "organization_links")
                )
            else:
                lines = [str(row[0]) for row in rows]
                scans = any(
                    "Seq Scan on organization" in line
                    or "ix_organization_versions_sort_key" in line
                    for line in lines
                )
            plans.append(Plan(_short_sql(statement), lines, scans))
        connection.rollback()
    return plans


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    build: dict[str, float]
    dataset: Dataset
    timings: dict[str, Timing]
    plans: dict[str, list[Plan]]


@contextmanager
def databases(backend: str) -> Iterator[Callable[[int], str]]:
    """A factory of fresh, empty database URLs; the PostgreSQL server is stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        if backend == "sqlite":
            yield lambda size: f"sqlite:///{Path(directory) / f'tree-{size}.sqlite3'}"
            return
        server = ThrowawayPostgres().start()
        try:
            yield lambda size: server.create_database(f"bench_tree_{size}")
        finally:
            server.stop()


def run_size(url: str, size: int, args: argparse.Namespace, index_dir: str) -> SizeResult:
    """Build one registry, then time every operation on it."""
    build: dict[str, float] = {}
    app: Flask = create_app(
        {"DATABASE_URL": url, "TESTING": True, "INDEX_DIR": index_dir, "SECRET_KEY": "bench"}
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    db = get_db(app)
    try:
        start = time.perf_counter()
        migrate.upgrade(db.engine)
        build["migrate"] = time.perf_counter() - start
        start = time.perf_counter()
        generated = scale.generate(db.engine, scale.Counts(units=size), args.seed)
        build["generate+insert+analyze"] = time.perf_counter() - start
        assert generated.tree is not None
        dataset = generated.tree

        ops = operations(today())
        targets = choose_targets(dataset, args.sample, args.seed)
        timings = measure(db, app.test_client(), ops, targets, args.repeat)
        plans = {op.name: explain(db, op, targets[op.targets][0]) for op in ops}
    finally:
        db.dispose()
    return SizeResult(size, build, dataset, timings, plans)


def _history_on_path(dataset: Dataset, index: int) -> bool:
    """Whether the unit or one of its ancestors has two versions (``?at=`` must choose)."""
    while index >= 0:
        if dataset.renamed[index]:
            return True
        index = dataset.nodes[index].parent
    return False


def _cell(values: Sequence[float]) -> str:
    return f"{statistics.median(values):7.2f} / {_percentile(values, 0.95):7.2f}"


def report(results: list[SizeResult], backend: str, explain_all: bool) -> None:
    """Print the shape, the timing table, the plans of badly scaling queries and the verdict."""
    print(f"\nBackend: {backend}")
    for result in results:
        nodes = result.dataset.nodes
        per_depth: dict[int, int] = {}
        for node in nodes:
            per_depth[node.depth] = per_depth.get(node.depth, 0) + 1
        provincial = sum(node.level == "provincial" for node in nodes)
        deepest = [i for i, node in enumerate(nodes) if node.depth == DEEPEST]
        with_history = sum(_history_on_path(result.dataset, i) for i in deepest)
        build = ", ".join(f"{k} {v:.1f} s" for k, v in result.build.items())
        print(
            f"  {result.size:,} units ({result.dataset.versions:,} versions, "
            f"{sum(result.dataset.renamed):,} renamed and {result.dataset.links:,} merged "
            f"in 2024, {provincial:,} provincial), {len(INSTITUTIONS)} institutions, "
            f"scale {result.dataset.scale:.3f}"
        )
        print(
            "    units per depth "
            + " ".join(f"{d}:{n:,}" for d, n in sorted(per_depth.items()))
            + f"; depth-{DEEPEST} units renamed or under a renamed unit: "
            + f"{with_history / max(1, len(deepest)):.0%}"
        )
        print(f"    build: {build} (total {sum(result.build.values()):.1f} s)")

    small, large = results[0], results[-1]
    headers = [f"{r.size:,} units p50/p95 ms" for r in results]
    width = 34
    print()
    print(
        f"{'operation':<{width}}"
        + "".join(f"{h:>26}" for h in headers)
        + f"{'ratio p50':>11}   answer size (mean)"
    )
    ratios: list[tuple[str, float]] = []
    for layer in ("service", "http"):
        for name in small.timings:
            cells = [_cell(getattr(r.timings[name], layer)) for r in results]
            ratio = statistics.median(getattr(large.timings[name], layer)) / statistics.median(
                getattr(small.timings[name], layer)
            )
            ratios.append((f"{layer} {name}", ratio))
            answers = " vs ".join(
                f"{statistics.mean(r.timings[name].answer_sizes):.1f}" for r in results
            )
            label = f"{'HTTP' if layer == 'http' else 'service'}  {name}"
            print(
                f"{label:<{width}}"
                + "".join(f"{c:>26}" for c in cells)
                + f"{ratio:>11.2f}   {answers}"
            )
    print(
        "\nanswer size: ancestors = path length, children = count, subtree = units, "
        "get_unit = path length incl. the unit"
    )

    bad = {name.split(" ", 1)[1] for name, ratio in ratios if ratio >= 2}
    for name, plans in large.plans.items():
        scanning = [plan for plan in plans if plan.scans]
        if not (explain_all or name in bad or scanning):
            continue
        print(f"\nPlans of {name} at {large.size:,} units:")
        for plan in plans:
            flag = "  <-- scans a table" if plan.scans else ""
            print(f"  SQL: {plan.statement}{flag}")
            for line in plan.lines:
                print(f"    {line}")

    verdict = "PASS" if all(ratio < 2 for _, ratio in ratios) else "FAIL"
    worst_name, worst = max(ratios, key=lambda item: item[1])
    print(
        f"\n{verdict}: every ratio < 2 ({large.size:,} vs {small.size:,} units; "
        f"worst {worst:.2f}, {worst_name})"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="2000,200000",
        type=lambda value: [int(part.replace("_", "")) for part in value.split(",")],
        help="registry sizes in units, comma-separated (default 2000,200000)",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per target (default 3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sample", type=int, default=200, help="targets per operation")
    parser.add_argument("--explain", action="store_true", help="print every query plan")
    args = parser.parse_args(argv)
    if len(args.sizes) < 2:
        parser.error("--sizes needs at least two sizes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[SizeResult] = []
    started = time.perf_counter()
    with databases(args.backend) as new_database, tempfile.TemporaryDirectory() as index_dir:
        for size in sorted(args.sizes):
            print(f"building and measuring {size:,} units on {args.backend}…", flush=True)
            results.append(run_size(new_database(size), size, args, index_dir))
    report(results, args.backend, args.explain)
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
