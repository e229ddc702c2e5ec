"""Benchmark of the KAYSİS SOAP letter call against the REST one, through gunicorn, in one run.

Builds the registry of ``benchmarks/ebys.py`` (``benchmarks.scale`` at ``--units``, valiliks and
kaymakamlıks of category ``Mülki İdare``, KEP addresses, a sample certificate on every
institution) in a fresh database migrated by Alembic, makes one ``ebys`` account, then measures
requests/s and p50/p99 latency through ``registry serve`` (sync workers) from concurrent
keep-alive clients on 127.0.0.1:

* ``GET /healthz``: the trivial endpoint of the same app, the baseline;
* ``GET /api/v1/ebys/correspondence?from=…&to=…`` for the letters (1 sender, 5 recipients);
* ``POST /DETSISServis.asmx`` ``eYazismaPaketi`` (SOAP 1.1, the ``BbServiceAuthentication``
  header of the account) for the same letters: what a generated EBYS client sends.

Both letter calls go through the same letters in the same order after the same warm-up (passes
over every letter, so each worker has composed each one): the measure is the cost of a call an
EBYS makes all day, with the per-process caches both paths keep. The three endpoints are loaded
in ``--rounds`` short turns each, in rotating order, so that a machine whose load changes during
the run (the cores are shared) weighs on each alike. Every SOAP answer is checked to
be ``SonucHatali=false``, so a refusal is never measured as a fast answer.

Goal (issue 23): ``eYazismaPaketi`` serves ≥ 80 % of the requests/s of the REST call.

Usage, from the repository root::

    python benchmarks/kaysis.py [--units 200000] [--letters 2000] [--seconds 10] [--workers 4]
                                [--clients 16] [--warmup-passes N] [--rounds 5]
                                [--backend sqlite|postgresql] [--seed 2024]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import ebys, measure, scale
from benchmarks.measure import Call
from registry.accounts import service as accounts
from registry.app import create_app
from registry.kernel import migrate
from registry.kernel.db import get_db

SOAP_PATH = "/DETSISServis.asmx"
ACTION = "http://kaysis.gov.tr/eYazismaPaketi"
SOAP_HEADERS = (("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", f'"{ACTION}"'))
GOAL = 0.80
ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:k="http://kaysis.gov.tr/"><soap:Header><k:BbServiceAuthentication>'
    "<k:KurumID>{institution}</k:KurumID><k:Password>{token}</k:Password>"
    "</k:BbServiceAuthentication></soap:Header><soap:Body><k:eYazismaPaketi>"
    "<k:gonderenDetsisID>{sender}</k:gonderenDetsisID><k:muhatapDetsisIDs>{recipients}"
    "</k:muhatapDetsisIDs></k:eYazismaPaketi></soap:Body></soap:Envelope>"
)


def soap_call(letter: ebys.Letter, institution: str, token: str) -> Call:
    recipients = "".join(f"<k:int>{number}</k:int>" for number in letter.recipients)
    body = ENVELOPE.format(
        institution=institution, token=token, sender=letter.sender, recipients=recipients
    )
    return Call(SOAP_PATH, body.encode("utf-8"), SOAP_HEADERS, b"<SonucHatali>false</SonucHatali>")


def alternated(
    port: int, workloads: Sequence[Sequence[Call]], seconds: float, clients: int, rounds: int
) -> list[measure.Load]:
    """Each workload for ``seconds`` in all, in ``rounds`` short turns taken in rotating order,
    so that a machine whose load changes during the run (shared cores) weighs on each alike."""
    loads: list[list[measure.Load]] = [[] for _ in workloads]
    for round_ in range(rounds):
        order = [(round_ + i) % len(workloads) for i in range(len(workloads))]
        for index in order:
            loads[index].append(
                measure.throughput(port, workloads[index], seconds / rounds, clients)
            )
    return [
        measure.Load(
            sum(load.requests for load in turns),
            sum(load.seconds for load in turns),
            [latency for load in turns for latency in load.latencies],
        )
        for turns in loads
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--letters", type=int, default=2_000, help="different letters in turn")
    parser.add_argument("--seconds", type=float, default=10, help="of load per endpoint")
    parser.add_argument(
        "--warmup-passes",
        type=int,
        default=None,
        help="passes over the letters before measuring, per letter call (default: enough for "
        "99.9 %% of the letters to have been served by every worker)",
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="turns per endpoint, in rotating order"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with (
        measure.database(args.backend, "kaysis") as url,
        tempfile.TemporaryDirectory(prefix="registry-kaysis-") as directory,
    ):
        base = Path(directory)
        index_dir = str(base / "index")
        print(f"building {args.units:,} units on {args.backend}…", flush=True)
        clock = time.perf_counter()
        generated, planned = scale.plan(scale.Counts(units=args.units), args.seed)
        assert generated.tree is not None
        dataset = generated.tree
        ebys.for_correspondence(dataset, planned)
        app = create_app({"DATABASE_URL": url, "INDEX_DIR": index_dir, "TESTING": True})
        db = get_db(app)
        try:
            migrate.upgrade(db.engine)
            scale.write(db.engine, planned)
            institution = dataset.numbers[0]  # a root: the caller's institution
            with app.app_context(), db.transaction() as session:
                _, token = accounts.create_user(
                    session,
                    name="Benchmark EBYS",
                    role="ebys",
                    organization=institution,
                    person_key=None,
                )
        finally:
            db.dispose()
        del planned
        print(f"{len(dataset.nodes):,} units; build {time.perf_counter() - clock:.1f} s")

        load_letters = ebys.letters(dataset, args.letters, args.seed + 11)
        rest = [Call(letter.path) for letter in load_letters]
        soap = [soap_call(letter, institution, token) for letter in load_letters]
        passes = args.warmup_passes
        if passes is None:
            passes = ebys.passes_for(args.workers)
        with measure.served(url, index_dir, args.workers, base / "server.log") as port:
            try:
                rest_warmup = [measure.each_once(port, rest, args.clients) for _ in range(passes)]
                soap_warmup = [measure.each_once(port, soap, args.clients) for _ in range(passes)]
                trivial, rest_load, soap_load = alternated(
                    port,
                    [[Call(ebys.TRIVIAL)], rest, soap],
                    args.seconds,
                    args.clients,
                    args.rounds,
                )
            except RuntimeError as error:
                print(f"\nERROR under load: {error}")
                print("server log tail:\n" + (base / "server.log").read_text()[-5000:])
                raise
        booted = (base / "server.log").read_text().count("Booting worker")

    print(
        f"\nthrough gunicorn ({args.workers} sync workers, {args.clients} clients on 127.0.0.1): "
        f"{args.letters:,} different letters of 1 sender and {ebys.RECIPIENTS} recipients (seed "
        f"{args.seed}); warm-up {passes} passes per letter call; first pass (cold workers) "
        f"REST {rest_warmup[0].per_second:,.0f} req/s, SOAP {soap_warmup[0].per_second:,.0f} "
        f"req/s; workers booted: {booted}"
    )
    print(f"\n{'endpoint':<52}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'s':>5}")
    print(_line(f"{ebys.TRIVIAL} (trivial JSON)", trivial))
    print(_line(f"{ebys.CORRESPONDENCE} (1 → {ebys.RECIPIENTS}, warm)", rest_load))
    print(_line(f"{SOAP_PATH} eYazismaPaketi (SOAP 1.1, warm)", soap_load))
    ratio = soap_load.per_second / rest_load.per_second
    print(
        f"\nratio SOAP / REST: {ratio:.2f} (goal ≥ {GOAL:.2f}); REST / trivial: "
        f"{rest_load.per_second / trivial.per_second:.2f}; SOAP / trivial: "
        f"{soap_load.per_second / trivial.per_second:.2f}"
    )
    print("PASS" if ratio >= GOAL else "FAIL")
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


def _line(label: str, load: measure.Load) -> str:
    return (
        f"{label:<52}{load.per_second:>8,.0f}{load.latency(0.50):>9.1f}"
        f"{load.latency(0.99):>9.1f}{load.requests:>10,}{load.seconds:>5.0f}"
    )


if __name__ == "__main__":
    sys.exit(main())
