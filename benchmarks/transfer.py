"""Benchmark of ``registry export`` and ``registry import`` against plain copies, in one run.

Two registries: the sample dataset with its audit trail (``registry demo``), and the large
realistic tree of ``benchmarks/tree.py`` (200,000 units by default, with ~10 % renamed and ~1 %
merged: three versions tables' worth of rows). For each it times:

* export: ``registry.transfer.dump.export`` (JSON lines + manifest, streamed, checksummed);
* baseline for the export: reading every row of every table with a plain ``SELECT`` (rows
  fetched, nothing written), and on SQLite the standard library's ``iterdump`` (what
  ``sqlite3 .dump`` prints) written to a file; on PostgreSQL ``COPY … TO STDOUT`` of every table;
* restore: ``registry.transfer.restore.restore`` into a fresh migrated database (all checks,
  one transaction, the audit chain verified);
* baseline for the restore: the same rows inserted with Core ``executemany`` into a fresh
  migrated database without any check (the floor for a row-by-row load); on SQLite also
  replaying the ``iterdump`` script;
* the peak Python memory of an export (tracemalloc, in a separate untimed run): it must not grow
  with the registry, since rows are streamed.

Usage, from the repository root::

    python benchmarks/transfer.py [--units 200000] [--backend sqlite|postgresql] [--seed 2024]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from benchmarks.tree import build_rows, load
from registry.app import create_app
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.transfer import dump, restore
from registry.transfer.manifest import tables
from tests.postgres import ThrowawayPostgres


@dataclass
class Figures:
    name: str
    rows: int
    dump_bytes: int
    export: float
    select_all: float
    native_dump: float
    native_dump_name: str
    restore: float
    insert_all: float
    native_load: float | None
    export_peak_mib: float


@contextmanager
def _server(backend: str) -> Iterator[Callable[[str], str]]:
    """A factory of fresh, migrated database URLs."""
    with tempfile.TemporaryDirectory(prefix="registry-transfer-") as directory:
        if backend == "sqlite":
            yield lambda name: _migrated(f"sqlite:///{Path(directory) / name}.sqlite3")
            return
        server = ThrowawayPostgres().start()
        try:
            yield lambda name: _migrated(server.create_database(name))
        finally:
            server.stop()


def _migrated(url: str) -> str:
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    migrate.upgrade(get_db(app).engine)
    get_db(app).dispose()
    return url


def _engine(url: str) -> Engine:
    return get_db(create_app({"DATABASE_URL": url, "TESTING": True})).engine


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _select_all(engine: Engine) -> int:
    rows = 0
    with engine.connect() as connection:
        for table in tables():
            result = connection.execution_options(yield_per=5000).execute(sa.select(table))
            for partition in result.partitions():
                rows += len(partition)
    return rows


def _native_dump(engine: Engine, target: Path) -> None:
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        assert database
        with sqlite3.connect(database) as connection, target.open("w") as out:
            for line in connection.iterdump():
                out.write(line + "\n")
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()  # psycopg 3
        with target.open("wb") as out:
            for table in tables():
                with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                    for block in copy:
                        out.write(block)
    finally:
        raw.close()


def _native_load(engine: Engine, script: Path, path: Path) -> float | None:
    """Replay the ``iterdump`` script into a new database file (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return None
    start = time.perf_counter()
    with sqlite3.connect(path) as connection:
        connection.executescript(script.read_text())
    return time.perf_counter() - start


def _insert_all(source: Engine, target: Engine) -> None:
    """Every row into a migrated database with executemany, no checks: the loading floor.

    Foreign keys are checked at the commit on SQLite and not at all on PostgreSQL (a
    superuser's replica mode): rows go in primary-key order, and ``legislation.repealed_by_id``
    may point to a later row.
    """
    with source.connect() as reading, target.begin() as writing:
        if writing.dialect.name == "sqlite":
            writing.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        else:
            writing.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in tables():
            if table.name in ("audit_head", "search_synonym_groups"):
                writing.execute(sa.delete(table))
            result = reading.execution_options(yield_per=2000).execute(sa.select(table))
            for partition in result.partitions():
                writing.execute(sa.insert(table), [dict(row._mapping) for row in partition])


def measure(name: str, source_url: str, new_database: Callable[[str], str], work: Path) -> Figures:
    source = _engine(source_url)
    rows = _select_all(source)  # warms the caches for every reader alike
    select_all = _timed(lambda: _select_all(source))
    export = _timed(lambda: dump.export(source, work / f"{name}-dump"))
    dump_bytes = sum(p.stat().st_size for p in (work / f"{name}-dump").iterdir())
    native = work / f"{name}.native"
    native_dump = _timed(lambda: _native_dump(source, native))

    target_url = new_database(f"{name}_restored")
    target = _engine(target_url)
    restored = _timed(lambda: restore.restore(target, work / f"{name}-dump"))
    target.dispose()

    floor_url = new_database(f"{name}_floor")
    floor = _engine(floor_url)
    insert_all = _timed(lambda: _insert_all(source, floor))
    floor.dispose()
    native_load = _native_load(source, native, work / f"{name}-native.sqlite3")

    tracemalloc.start()
    dump.export(source, work / f"{name}-dump-memory")
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    source.dispose()
    for leftover in (work / f"{name}-dump-memory", native):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    return Figures(
        name,
        rows,
        dump_bytes,
        export,
        select_all,
        native_dump,
        "iterdump (sqlite3 .dump)" if source_url.startswith("sqlite") else "COPY TO STDOUT",
        restored,
        insert_all,
        native_load,
        peak,
    )


def report(figures: list[Figures], backend: str) -> None:
    print(f"\nexport and restore on {backend} (seconds; one run each, after a warm-up read)\n")
    header = (
        f"{'registry':<16}{'rows':>10}{'dump MiB':>10}"
        f"{'export':>9}{'SELECT *':>10}{'native':>9}"
        f"{'restore':>9}{'executemany':>13}{'native':>9}{'export peak MiB':>17}"
    )
    print(header)
    print("-" * len(header))
    for f in figures:
        native_load = f"{f.native_load:.2f}" if f.native_load is not None else "—"
        print(
            f"{f.name:<16}{f.rows:>10,}{f.dump_bytes / 2**20:>10.1f}"
            f"{f.export:>9.2f}{f.select_all:>10.2f}{f.native_dump:>9.2f}"
            f"{f.restore:>9.2f}{f.insert_all:>13.2f}{native_load:>9}{f.export_peak_mib:>17.1f}"
        )
    print(
        "\nexport: registry export; SELECT *: every row read, nothing written; native: "
        f"{figures[0].native_dump_name}.\nrestore: registry import (checks, one transaction, "
        "audit chain verified); executemany: the same rows inserted with no check; native: the "
        ".dump script replayed (SQLite).\nexport peak MiB: tracemalloc peak of a separate export."
    )
    for f in figures:
        print(
            f"{f.name}: export {f.rows / f.export:,.0f} rows/s "
            f"({f.export / f.select_all:.1f}× a plain read), "
            f"restore {f.rows / f.restore:,.0f} rows/s "
            f"({f.restore / f.insert_all:.1f}× unchecked executemany)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    started = time.perf_counter()
    figures: list[Figures] = []
    with _server(args.backend) as new_database, tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        print("loading the sample dataset…", flush=True)
        demo = new_database("demo")
        app = create_app({"DATABASE_URL": demo, "TESTING": True})
        with app.app_context(), get_db(app).transaction() as session:
            load_demo(session)
        get_db(app).dispose()
        figures.append(measure("sample", demo, new_database, work))

        print(f"building the {args.units:,}-unit tree…", flush=True)
        large = new_database("tree")
        _, planned = build_rows(args.units, args.seed)
        engine = _engine(large)
        load(engine, planned)
        engine.dispose()
        del planned
        figures.append(measure(f"tree {args.units // 1000}k", large, new_database, work))
    report(figures, args.backend)
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
