"""Expensive anonymous reads at 2,000 and at 200,000 units, one at a time and eight at once.

For each backend (SQLite, a throwaway PostgreSQL) and each size, a registry is built with
``benchmarks.scale`` (services a quarter of the units, documents a tenth, as the full-size
command of docs/benchmarks.md), the data-flow projection is built (``registry projections
rebuild``), and a real ``registry serve`` (gunicorn, 4 sync workers) answers:

* survey responses are added (0 to 16 per active service), so that the satisfaction rates have
  something to count;
* each expensive read once after a warm-up, three times: the median time and the answer's size,
  and the ratio of the two sizes' times;
* eight clients, one keep-alive connection each, requesting the reads of issue 20 (data flows
  and the once-only report, in every form) in a loop for ``--seconds``, while another client
  asks ``/healthz`` every 100 ms: its p50, p99 and worst latency, the reads answered (200) and
  refused (429: past a client's or the node's share), and anything else.

Usage, from the repository root::

    python benchmarks/expensive_reads.py [--sizes 2000 200000] [--backends sqlite postgresql]
                                         [--seconds 20] [--workers 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import measure, scale  # noqa: E402
from registry.app import create_app  # noqa: E402
from registry.catalogue import dataflow_projection  # noqa: E402
from registry.catalogue.dataflow_models import DataflowEdge  # noqa: E402
from registry.catalogue.models import RecordStatus, Service  # noqa: E402
from registry.kernel import migrate, text  # noqa: E402
from registry.kernel.db import get_db  # noqa: E402
from registry.organizations.models import Organization, OrganizationVersion  # noqa: E402
from registry.standards.models import SurveyResponse  # noqa: E402

FIRST: dict[str, float] = {}  # path → ms of its first request (see ``one_at_a_time``)
CAPPED = ("/api/v1/dataflows", "/api/v1/reports/once-only")  # under ``expensive_read``


def reads(institution: str, root: str) -> list[str]:  # {institution}, {root}: see ``label``
    """The public reads whose work grows with the registry: the ones of issue 20, and the
    others surveyed with them."""
    return [
        "/api/v1/dataflows",
        "/api/v1/dataflows?format=graphml",
        "/api/v1/dataflows?format=svg",
        f"/api/v1/dataflows?organization={institution}",
        "/api/v1/reports/once-only",
        "/api/v1/reports/once-only?format=csv",
        "/api/v1/reports/once-only?page=50",
        f"/api/v1/reports/once-only?organization={institution}",
        f"/api/v1/organizations/{root}/subtree?depth=12",
        "/api/v1/organizations?q=m%C3%BCd%C3%BCrl%C3%BC%C4%9F%C3%BC",
        f"/organizations/{institution}",
        # The rest of issue 20's reads: whole-table statistics and subtree rates.
        "/api/v1/services/stats",
        "/api/v1/legislation/stats",
        "/api/v1/stats/satisfaction",
        f"/api/v1/stats/satisfaction?organization={root}",
        f"/api/v1/stats/satisfaction?organization={institution}",
        "/api/v1/stats/satisfaction?group_by=institution",
        f"/organizations/{root}",
        f"/complaints/new?organization={root}",
    ]


def build(url: str, units: int, seed: int) -> tuple[str, str, float]:
    """The registry, and the projection; (an institution with flows, the largest root, the
    rebuild's seconds)."""
    counts = scale.Counts(
        units=units,
        legislation=min(2000, max(100, units // 100)),
        services=units // 4,
        documents=units // 10,
    )
    app = create_app({"DATABASE_URL": url, "TESTING": True, "INDEX_DIR": tempfile.mkdtemp()})
    db = get_db(app)
    try:
        migrate.upgrade(db.engine)
        clock = time.perf_counter()
        _report, planned = scale.plan(counts, seed)
        distinct_names(planned)
        scale.write(db.engine, planned)
        print(f"  generated in {time.perf_counter() - clock:.1f} s", flush=True)
        with app.app_context():
            clock = time.perf_counter()
            with db.transaction() as session:
                rows = dataflow_projection.rebuild(session)
            rebuilt = time.perf_counter() - clock
            print(f"  projection: {rows:,} once-only rows in {rebuilt:.1f} s", flush=True)
            with db.transaction() as session:
                rated = ratings(session, seed)
            print(f"  {rated:,} survey responses", flush=True)
            with db.sessionmaker() as session:
                busiest = session.execute(
                    select(DataflowEdge.target_no)
                    .order_by(DataflowEdge.document_count.desc())
                    .limit(1)
                ).scalar_one()
                root = session.execute(
                    select(Organization.detsis_no)
                    .join(
                        OrganizationVersion, OrganizationVersion.organization_id == Organization.id
                    )
                    .where(OrganizationVersion.parent_id.is_(None))
                    .limit(1)
                ).scalar_one()
    finally:
        db.dispose()
    return busiest, root, rebuilt


def ratings(session: Session, seed: int, per_service: int = 8) -> int:
    """Survey responses, 0 to ``2 × per_service`` for each active service, scores leaning to
    satisfied: the survey's rates read over a whole ministry's subtree."""
    chooser = random.Random(seed)
    rows = [
        {"service_id": service_id, "organization_id": unit, "score": score}
        for service_id, unit in session.execute(
            select(Service.id, Service.organization_id).where(Service.status == RecordStatus.ACTIVE)
        )
        for score in chooser.choices(
            (1, 2, 3, 4, 5), (1, 1, 2, 3, 3), k=chooser.randint(0, 2 * per_service)
        )
    ]
    for start in range(0, len(rows), 10_000):
        session.execute(insert(SurveyResponse), rows[start : start + 10_000])
    return len(rows)


def label(path: str, institution: str, root: str) -> str:
    """The same read at every size, whatever the numbers of its units."""
    return path.replace(institution, "{institution}").replace(root, "{root}")


def distinct_names(planned: scale.Plan) -> None:
    """Number siblings the generator named alike ("… Şefliği 2"): the registry now refuses two
    units of one name under one parent, or two services of one name in one unit (issue 19),
    which the generator does not know yet."""
    seen: set[tuple[object, str]] = set()
    parent_of: dict[str | None, object] = {}
    for unit in planned.units:
        parent = unit.parent_index if unit.parent_index is not None else unit.data.get("parent")
        parent_of[unit.detsis_no] = parent
        name, suffix = unit.data["name"], 1
        while (parent, text.name_key(name)) in seen:
            suffix += 1
            name = f"{unit.data['name']} {suffix}"
        unit.data["name"] = name
        seen.add((parent, text.name_key(name)))
    for change in planned.unit_changes:  # renames: not a sibling's name either (at any date)
        if "name" not in change.fields:
            continue
        parent = parent_of.get(change.detsis_no)
        name, suffix = change.fields["name"], 1
        while (parent, text.name_key(name)) in seen:
            suffix += 1
            name = f"{change.fields['name']} {suffix}"
        change.fields["name"] = name
        seen.add((parent, text.name_key(name)))
    for item in planned.services:
        name, suffix = item.service.name, 1
        while (item.service.organization, text.name_key(name)) in seen:
            suffix += 1
            name = f"{item.service.name} {suffix}"
        item.service = dataclasses.replace(item.service, name=name)
        seen.add((item.service.organization, text.name_key(name)))


def one_at_a_time(port: int, paths: Sequence[str]) -> dict[str, tuple[float, int, int]]:
    """path → (median ms of 3 after a warm-up, bytes, status); the warm-up's (first, cold)
    times are kept in ``FIRST``: answers computed once per change are cheap only after it."""
    found: dict[str, tuple[float, int, int]] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    for path in paths:
        times, size, status = [], 0, 0
        for attempt in range(4):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if attempt:
                times.append(elapsed)
            else:
                FIRST[path] = elapsed
            size, status = len(body), response.status
        found[path] = (statistics.median(times), size, status)
    connection.close()
    return found


def eight_at_once(
    port: int, paths: Sequence[str], seconds: float, clients: int = 8
) -> tuple[list[float], Counter[int], int]:
    """(healthz latencies in ms, statuses of the expensive reads, errors)."""
    stop = time.monotonic() + seconds
    statuses: Counter[int] = Counter()
    errors = [0]
    lock = threading.Lock()
    health: list[float] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        turn = slot
        while time.monotonic() < stop:
            path = paths[turn % len(paths)]
            turn += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                with lock:
                    statuses[response.status] += 1
                if response.status == 429:
                    time.sleep(float(response.headers.get("Retry-After", "1")) / 10)
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.close()

    def probe() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
            health.append((time.perf_counter() - started) * 1000)
            time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=probe))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return health, statuses, errors[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 200000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("registry").setLevel(logging.WARNING)
    for backend in args.backends:
        timings: dict[int, dict[str, tuple[float, int, int]]] = {}
        for units in args.sizes:
            print(f"\n## {backend}, {units:,} units", flush=True)
            with (
                measure.database(backend, f"reads{units}") as url,
                tempfile.TemporaryDirectory(prefix="registry-reads-") as directory,
            ):
                institution, root, _rebuilt = build(url, units, args.seed)
                log = Path(directory) / "serve.log"
                with measure.served(url, str(Path(directory) / "index"), args.workers, log) as port:
                    paths = reads(institution, root)
                    timings[units] = {
                        label(path, institution, root): found
                        for path, found in one_at_a_time(port, paths).items()
                    }
                    first = {label(p, institution, root): ms for p, ms in FIRST.items()}
                    print(f"  {'read':<62}{'ms':>9}{'first':>9}{'bytes':>11}  status")
                    for path, (ms, size, status) in timings[units].items():
                        print(f"  {path:<62}{ms:>9.1f}{first[path]:>9.1f}{size:>11,}  {status}")
                    capped = [p for p in paths if p.startswith(CAPPED)]
                    health, statuses, errors = eight_at_once(port, capped, args.seconds)
                    ordered = sorted(health)
                    print(
                        f"  8 clients × {args.seconds:.0f} s of expensive reads: "
                        f"{dict(sorted(statuses.items()))} answers, {errors} errors; /healthz "
                        f"p50 {measure.percentile(ordered, 0.5):.1f} ms, "
                        f"p99 {measure.percentile(ordered, 0.99):.1f} ms, "
                        f"worst {ordered[-1]:.1f} ms over {len(ordered)} probes",
                        flush=True,
                    )
        if len(args.sizes) >= 2:
            small, large = timings[min(args.sizes)], timings[max(args.sizes)]
            print(f"\n  ratio of times, {max(args.sizes):,} / {min(args.sizes):,} units:")
            for path in small:
                print(f"  {path:<62}{large[path][0] / small[path][0]:>7.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
