"""What the record ledger costs: bulk writes of units with and without it, in one run, and
``registry audit verify`` at that size.

    python benchmarks/ledger_cost.py --units 20000

Each mode writes the same units (institutions of 100 units each) into a fresh migrated SQLite
file through the unit importer's bulk path (``organizations.bulk.create_units``), then changes a
tenth of them (``change_units``), audit entries included. "without" removes the ledger's flush
hook and its bulk call for the run; "with" is the application as it ships.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datetime import date  # noqa: E402

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from registry.app import create_app  # noqa: E402
from registry.audit import integrity, ledger  # noqa: E402
from registry.audit.trail import NO_PROVENANCE  # noqa: E402
from registry.kernel import migrate  # noqa: E402
from registry.kernel.db import get_db  # noqa: E402
from registry.organizations.bulk import NewUnit, UnitChange, change_units, create_units  # noqa: E402


def _units(count: int) -> list[NewUnit]:
    units: list[NewUnit] = []
    root = 0
    for index in range(count):
        if index % 100 == 0:
            root = index
            name, parent, unit_type = f"Kurum {index // 100}", None, "Bakanlık"
        else:
            name, parent, unit_type = f"Birim {index // 100}-{index % 100}", root, "Şube"
        data = {
            "name": name,
            "short_name": None,
            "category": "Bakanlık",
            "unit_type": unit_type,
            "level": "central",
            "province_code": None,
            "district": None,
            "kep_addresses": [],
            "corresponds_externally": True,
        }
        units.append(NewUnit(data, date(2020, 1, 1), None, parent))
    return units


def _write(folder: Path, name: str, count: int) -> tuple[float, str]:
    url = f"sqlite:///{folder / name}.sqlite3"
    app = create_app({"DATABASE_URL": url, "INDEX_DIR": str(folder / f"{name}-index")})
    migrate.upgrade(get_db(app).engine)
    units = _units(count)
    started = time.perf_counter()
    with app.app_context(), get_db(app).transaction() as session:
        numbers = create_units(session, units, NO_PROVENANCE)
    with app.app_context(), get_db(app).transaction() as session:
        changes = [
            UnitChange(number, date(2025, 1, 1), "Ad", {"name": f"Yeni Ad {position}"})
            for position, number in enumerate(numbers[1::10])
        ]
        change_units(session, changes, NO_PROVENANCE)
    elapsed = time.perf_counter() - started
    get_db(app).dispose()
    return elapsed, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        record_rows = ledger.record_rows
        event.remove(Session, "after_flush", ledger._record_flush)
        ledger.record_rows = lambda *_args, **_kwargs: None  # type: ignore[assignment]
        try:
            without, _url = _write(folder, "without", args.units)
        finally:
            ledger.record_rows = record_rows  # type: ignore[assignment]
            event.listen(Session, "after_flush", ledger._record_flush)
        with_ledger, url = _write(folder, "with", args.units)
        app = create_app({"DATABASE_URL": url, "INDEX_DIR": str(folder / "verify-index")})
        started = time.perf_counter()
        with get_db(app).sessionmaker() as session:
            report = integrity.verify_all(session)
        verify = time.perf_counter() - started
        get_db(app).dispose()
    print(
        f"units {args.units}: writes without the ledger {without:.1f} s, with {with_ledger:.1f} s"
        f" (x{with_ledger / without:.2f})"
    )
    print(
        f"verify: {verify:.1f} s for {report.audit.checked} audit entries, "
        f"{report.ledger.checked} ledger entries, {report.rows} rows of {report.tables} tables; "
        f"intact: {report.intact}"
    )


if __name__ == "__main__":
    main()
