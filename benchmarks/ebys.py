"""Benchmark of the EBYS correspondence lookup through gunicorn, against a trivial endpoint.

Builds the realistic registry of ``benchmarks.scale`` (``python -m benchmarks.scale --units``, as
``benchmarks/tree.py`` does; 200,000 units by default: 20 institutions, 7 levels, provincial and
district units of 12 of them, ~10 % renamed and ~1 % merged in 2024) in a fresh database migrated
by Alembic. Its governorships and district governorships (Valilik, Kaymakamlık) are institutions
of category ``Mülki İdare`` as in the real registry, and every institution and provincial unit has
a KEP address; so that the letters take every path EBYS letters take, this benchmark also gives
every institution a (sample) encryption certificate.

Then it measures:

* the cold cost in-process (Flask test client, same database): the first correspondence request
  of a fresh app, a letter whose units are not cached yet, and the same letter again (cached);
* requests/s and p50/p99 latency through gunicorn (``registry serve``, sync workers, no index
  follower), from concurrent clients on 127.0.0.1 in the same run: ``/healthz`` (the trivial JSON
  endpoint of the same app), then ``GET /api/v1/ebys/correspondence?from=…&to=…`` for 2,000
  different letters (1 sender, 5 recipients, drawn with a fixed seed from the open units), so the
  measure is not one cached answer: each worker composes each letter from its ~12,000 units once,
  then keeps the rendered answer (for a minute, or until a unit or signatory changes). The
  per-process caches are filled first by passes over all the letters (25 passes for 4 workers:
  each worker has then seen a given letter with 99.9 % probability; a miss costs ~20× a hit);
  the first pass, on cold workers, is shown too, since every change to a unit empties the caches.

The EBYS facts projection (issue 27, ``registry/ebys/projection.py``) is built after the data
is written (timed, as ``registry ebys-facts rebuild`` does it), so the first pass reads a unit
never seen by a worker from the table instead of composing it. Then the three SOAP daily-sync
calls (``KendiTumBirimleriGetirWs`` for the largest institution, ``YeniDisYazismaYapanlari
GetirWs`` since 2000, ``AktifKEPAdresleriniGetir``) are timed through one gunicorn worker of
their own, answers streamed and counted, with that worker's peak resident memory (VmHWM)
before and after; ``--daily-sync-tree`` times them from the tree too (the projection emptied).

Goals (EBYS issue): the correspondence endpoint serves ≥ 50 % of the requests/s of ``/healthz``;
(issue 27) the first pass over the letters ≥ 50 % of the warm pass.

Usage, from the repository root::

    python benchmarks/ebys.py [--units 200000] [--letters 2000] [--seconds 10] [--workers 4]
                              [--clients 16] [--warmup-passes N] [--backend sqlite|postgresql]
                              [--seed 2024] [--daily-sync-tree]
"""

from __future__ import annotations

import argparse
import http.client
import logging
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import measure, scale
from benchmarks.scale.common import Plan
from benchmarks.scale.units import Tree
from registry.accounts import service as accounts
from registry.app import create_app
from registry.ebys import projection
from registry.ebys.chain import LOCAL_ADMINISTRATION
from registry.ebys.models import EbysFactsRow, EbysFactsState
from registry.kernel import migrate
from registry.kernel.db import get_db

TRIVIAL = "/healthz"
CORRESPONDENCE = "/api/v1/ebys/correspondence"
RECIPIENTS = 5
GOAL = 0.50
COLD_LETTERS = 20  # fresh letters timed in-process
LOCAL_ADMINISTRATION_TYPES = ("Valilik", "Kaymakamlık")
SAMPLE_CERTIFICATE = "icisleri-bakanligi.pem"
SOAP = "/DETSISServis.asmx"
KAYSIS = "http://kaysis.gov.tr/"
DAILY_SYNC = (
    ("KendiTumBirimleriGetirWs", "<k:degisiklikTarihiBaslangic xsi:nil='true'/>", "KurumBirimWS"),
    (
        "YeniDisYazismaYapanlariGetirWs",
        "<k:pGun>1</k:pGun><k:pAy>1</k:pAy><k:pYil>2000</k:pYil>",
        "KurumBirimWS",
    ),
    ("AktifKEPAdresleriniGetir", "", "KepBilgileriWs"),
)


@dataclass(frozen=True)
class Letter:
    sender: str
    recipients: tuple[str, ...]

    @property
    def path(self) -> str:
        query = urlencode([("from", self.sender), *(("to", r) for r in self.recipients)])
        return f"{CORRESPONDENCE}?{query}"


def for_correspondence(dataset: Tree, plan: Plan) -> dict[str, int]:
    """Give every institution the sample certificate (from its first version on: later versions
    keep it, so ``?at`` agrees); count, for the report, the units generated with what letters
    read."""
    pem = resources.files("registry.demo").joinpath("certificates", SAMPLE_CERTIFICATE)
    certificate = pem.read_text("ascii")
    counts = {"local administrations": 0, "institutions": 0, "provincial KEP": 0}
    for index, node in enumerate(dataset.nodes):
        unit = plan.units[dataset.first + index].data
        if node.depth == 0:
            unit["certificate_pem"] = certificate
            counts["institutions"] += 1
        elif unit["kep_addresses"]:
            if unit["category"] == LOCAL_ADMINISTRATION:
                assert unit["unit_type"] in LOCAL_ADMINISTRATION_TYPES
                counts["local administrations"] += 1
            else:
                counts["provincial KEP"] += 1
    return counts


def letters(dataset: Tree, count: int, seed: int) -> list[Letter]:
    """``count`` letters between open units (a merged unit answers 410), drawn uniformly."""
    rng = random.Random(seed)
    open_units = [
        number
        for number, node in zip(dataset.numbers, dataset.nodes, strict=True)
        if node.merged_into < 0
    ]
    chosen = []
    for _ in range(count):
        sender, *recipients = rng.sample(open_units, 1 + RECIPIENTS)
        chosen.append(Letter(sender, tuple(recipients)))
    return chosen


@dataclass
class Cold:
    first: float  # ms, first request of a fresh app
    fresh: list[float]  # ms, letters whose units are not cached yet
    cached: list[float]  # ms, the same letter again
    sample: dict[str, Any]
    size: int  # bytes of the sample answer


def cold_cost(url: str, index_dir: str, fresh: Sequence[Letter]) -> Cold:
    """In-process timings through the Flask test client, on its own fresh app and cache."""
    app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
    client = app.test_client()

    def get(letter: Letter) -> tuple[float, Any]:
        started = time.perf_counter()
        response = client.get(letter.path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(
                f"GET {letter.path} → {response.status_code}: {response.get_data(as_text=True)}"
            )
        return elapsed, response

    try:
        first, response = get(fresh[0])
        fresh_times = [get(letter)[0] for letter in fresh[1:]]
        cached = [get(fresh[-1])[0] for _ in range(len(fresh))]
        sample = response.get_json()
        return Cold(first, fresh_times, cached, sample, len(response.get_data()))
    finally:
        get_db(app).dispose()


@dataclass(frozen=True)
class SyncCall:
    operation: str
    seconds: float
    records: int
    megabytes: float


def daily_sync(port: int, institution: str, token: str) -> list[SyncCall]:
    """The three daily-sync calls over SOAP 1.1, each answer read as it streams."""
    header = (
        f"<k:BbServiceAuthentication><k:KurumID>{institution}</k:KurumID>"
        f"<k:Password>{token}</k:Password></k:BbServiceAuthentication>"
    )
    calls = []
    for operation, params, element in DAILY_SYNC:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><s:Envelope '
            'xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:k="{KAYSIS}">'
            f"<s:Header>{header}</s:Header><s:Body><k:{operation}>{params}</k:{operation}>"
            "</s:Body></s:Envelope>"
        ).encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.perf_counter()
        connection.request(
            "POST",
            SOAP,
            body,
            {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{KAYSIS}{operation}"'},
        )
        response = connection.getresponse()
        opening, size, carry = f"<{element} ".encode(), 0, b""  # each record names its xmlns
        records = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            window = carry + chunk
            records += window.count(opening)
            carry = window[-(len(opening) - 1) :]
        seconds = time.perf_counter() - started
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{operation} → {response.status}")
        calls.append(SyncCall(operation, seconds, records, size / 1e6))
    return calls


def peak_rss_mb(port: int) -> float:
    """The largest peak resident memory (VmHWM) of the server's processes (master, worker)."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().split(b"\0")
            if b"serve" not in command or str(port).encode() not in command:
                continue
            for line in (status.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def _line(label: str, load: measure.Load) -> str:
    return (
        f"{label:<52}{load.per_second:>8,.0f}{load.latency(0.50):>9.1f}"
        f"{load.latency(0.99):>9.1f}{load.requests:>10,}{load.seconds:>5.0f}"
    )


def passes_for(workers: int, missed: float = 0.001) -> int:
    """Passes after which a worker has missed a given letter with probability ≤ ``missed``, each
    request going to any of ``workers`` (the one that accepts first)."""
    if workers <= 1:
        return 1
    return math.ceil(math.log(missed) / math.log(1 - 1 / workers))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--letters", type=int, default=2_000, help="different letters in turn")
    parser.add_argument("--seconds", type=float, default=10, help="of load per endpoint")
    parser.add_argument(
        "--warmup-passes",
        type=int,
        default=None,
        help="passes over the letters before measuring (default: enough for 99.9 %% of the "
        "letters to have been served by every worker)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--daily-sync-tree",
        action="store_true",
        help="also time the daily-sync calls from the tree (the projection emptied)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with (
        measure.database(args.backend, "ebys") as url,
        tempfile.TemporaryDirectory(prefix="registry-ebys-") as directory,
    ):
        base = Path(directory)
        index_dir = str(base / "index")
        print(f"building {args.units:,} units on {args.backend}…", flush=True)
        build: dict[str, float] = {}
        clock = time.perf_counter()
        generated, planned = scale.plan(scale.Counts(units=args.units), args.seed)
        assert generated.tree is not None
        dataset = generated.tree
        counts = for_correspondence(dataset, planned)
        build["generate"] = time.perf_counter() - clock
        app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
        db = get_db(app)
        try:
            clock = time.perf_counter()
            migrate.upgrade(db.engine)
            build["migrate"] = time.perf_counter() - clock
            clock = time.perf_counter()
            scale.write(db.engine, planned)
            build["write+analyze"] = time.perf_counter() - clock
            clock = time.perf_counter()
            with db.transaction() as session:
                projected = projection.rebuild(session)
            build[f"EBYS facts projection ({projected:,} rows)"] = time.perf_counter() - clock
            sizes = Counter(node.institution for node in dataset.nodes)
            largest = max(
                (i for i, node in enumerate(dataset.nodes) if node.depth == 0),
                key=lambda i: sizes[dataset.nodes[i].institution],
            )
            institution = dataset.numbers[largest]
            with db.transaction() as session:
                _, token = accounts.create_user(
                    session,
                    name="benchmark-ebys",
                    role="ebys",
                    person_key=None,
                    organization=institution,
                )
        finally:
            db.dispose()
        del planned
        provincial = sum(node.level == "provincial" for node in dataset.nodes)
        print(
            f"{len(dataset.nodes):,} units ({provincial:,} provincial, "
            f"{counts['local administrations']:,} valilik/kaymakamlık of category "
            f"{LOCAL_ADMINISTRATION}, KEP and certificate on {counts['institutions']} "
            f"institutions, KEP on {counts['provincial KEP']:,} other provincial units); build "
            + ", ".join(f"{k} {v:.1f} s" for k, v in build.items())
        )

        load_letters = letters(dataset, args.letters, args.seed + 11)
        fresh = letters(dataset, COLD_LETTERS + 1, args.seed + 13)
        units = {n for letter in load_letters for n in (letter.sender, *letter.recipients)}
        cold = cold_cost(url, index_dir, fresh)
        sample = cold.sample
        print(
            f"\nsample answer ({cold.size:,} bytes): letterhead {sample['letterhead']!r}, "
            f"courtesy {sample['courtesy']!r}, first addressee "
            f"{sample['recipients'][0]['addressee']!r}"
        )
        print(
            f"cold cost in-process (Flask test client): first request of a fresh app "
            f"{cold.first:.1f} ms; a letter of uncached units p50 "
            f"{statistics.median(cold.fresh):.1f} ms (max {max(cold.fresh):.1f}, "
            f"{len(cold.fresh)} letters); the same letter cached p50 "
            f"{statistics.median(cold.cached):.2f} ms"
        )

        paths = [letter.path for letter in load_letters]
        passes = args.warmup_passes
        if passes is None:
            passes = passes_for(args.workers)
        with measure.served(url, index_dir, args.workers, base / "server.log") as port:
            try:
                warmup = [measure.each_once(port, paths, args.clients) for _ in range(passes)]
                trivial = measure.throughput(port, [TRIVIAL], args.seconds, args.clients)
                warm = measure.throughput(port, paths, args.seconds, args.clients)
            except RuntimeError as error:
                print(f"\nERROR under load: {error}")
                print("server log tail:\n" + (base / "server.log").read_text()[-5000:])
                raise
        # A worker restarted mid-run (timeout, crash) starts with an empty cache: say so.
        booted = (base / "server.log").read_text().count("Booting worker")

        sync_runs: list[tuple[str, float, list[SyncCall], float]] = []
        with measure.served(url, index_dir, 1, base / "sync.log") as port:
            before = peak_rss_mb(port)
            sync_runs.append(("projection", before, daily_sync(port, institution, token), 0.0))
            sync_runs[-1] = (*sync_runs[-1][:3], peak_rss_mb(port))
        if args.daily_sync_tree:
            app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
            with get_db(app).transaction() as session:
                session.execute(EbysFactsRow.__table__.delete())  # type: ignore[attr-defined]
                session.execute(EbysFactsState.__table__.delete())  # type: ignore[attr-defined]
            get_db(app).dispose()
            with measure.served(url, index_dir, 1, base / "sync-tree.log") as port:
                before = peak_rss_mb(port)
                calls = daily_sync(port, institution, token)
                sync_runs.append(("tree", before, calls, peak_rss_mb(port)))

    ratio = warm.per_second / trivial.per_second
    print(
        f"\nthrough gunicorn ({args.workers} sync workers, {args.clients} clients on 127.0.0.1): "
        f"{args.letters:,} different letters of 1 sender and {RECIPIENTS} recipients over "
        f"{len(units):,} units (seed {args.seed}); warm-up {passes} passes over the letters, "
        f"req/s per pass: "
        + ", ".join(f"{load.per_second:,.0f}" for load in warmup)
        + f"; workers booted: {booted}"
        + (f" ({booted - args.workers} restarted)" if booted > args.workers else "")
    )
    print(f"\n{'endpoint':<52}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'s':>5}")
    if warmup:
        print(_line(f"{CORRESPONDENCE}, first pass (cold workers)", warmup[0]))
    print(_line(f"{TRIVIAL} (trivial JSON)", trivial))
    print(_line(f"{CORRESPONDENCE} (1 → {RECIPIENTS}, warm)", warm))
    verdict = "PASS" if ratio >= GOAL else "FAIL"
    print(f"\nratio correspondence / trivial: {ratio:.2f} (goal ≥ {GOAL:.2f})")
    if warmup:
        first = warmup[0].per_second / warm.per_second
        print(f"ratio first pass / warm: {first:.2f} (goal ≥ {GOAL:.2f})")
        if first < GOAL:
            verdict = "FAIL"
    print(verdict)
    for source, before, calls, after in sync_runs:
        print(
            f"\ndaily sync over SOAP 1.1 from the {source}, one gunicorn worker (peak RSS of the "
            f"server's processes {before:.0f} MB after boot, {after:.0f} MB after the calls):"
        )
        for call in calls:
            print(
                f"  {call.operation:<34}{call.seconds:>8.2f} s{call.records:>10,} records"
                f"{call.megabytes:>9.1f} MB"
            )
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
