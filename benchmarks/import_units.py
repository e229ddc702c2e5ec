"""Benchmark of importing a large organization tree from CSV, against a raw bulk insert.

Writes a CSV of N units (default 200,000: 20 institutions, each with general directorates,
departments, branches and offices, parents named by their path), then in the same run:

* ``registry import-units FILE --apply`` on a fresh migrated SQLite database (a subprocess, so
  reading, planning, validation, number assignment, versions and audit entries are all counted);
* a raw bulk insert of the same rows into the same tables (identities and first versions only:
  no validation, no number checks, no audit trail) — the floor for writing this much data.

Goal (issue 9): the import of 200,000 units takes at most 60 s on this 2-core machine.

Usage, from the repository root::

    python benchmarks/import_units.py [--units 200000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from registry.app import create_app
from registry.kernel import migrate, turkish
from registry.kernel.db import get_db
from registry.organizations.models import DetsisNumber, Organization, OrganizationVersion

LEVELS = (
    ("Bakanlığı", "Bakanlık"),
    ("Genel Müdürlüğü", "Genel Müdürlük"),
    ("Daire Başkanlığı", "Daire Başkanlığı"),
    ("Şube Müdürlüğü", "Şube Müdürlüğü"),
    ("Birimi", "Birim"),
)
WORDS = (
    "Çevre", "Şehircilik", "Ulaştırma", "Eğitim", "Sağlık", "Tarım", "Orman", "Enerji",
    "Gençlik", "Spor", "Kültür", "Turizm", "Ticaret", "Sanayi", "Aile", "Hizmetler",
    "Bilgi", "İşlem", "Strateji", "Destek", "İnsan", "Kaynakları", "Hukuk", "Denetim",
)  # fmt: skip


def rows(total: int) -> list[tuple[str, str, str]]:
    """(name, parent path, unit type), parents before children, breadth first."""
    out: list[tuple[str, str, str]] = []
    frontier: list[tuple[str, ...]] = [()]
    for depth, (suffix, unit_type) in enumerate(LEVELS):
        fan = 20 if depth == 0 else 10
        next_frontier = []
        for path in frontier:
            for i in range(fan):
                if len(out) >= total:
                    return out
                first = WORDS[(len(out) * 7 + i) % len(WORDS)]
                second = WORDS[(len(out) * 3 + depth) % len(WORDS)]
                name = f"{first} ve {second} {i + 1}. {suffix}"
                out.append((name, " > ".join(path), unit_type))
                next_frontier.append((*path, name))
        frontier = next_frontier
    return out


def write_csv(path: Path, units: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write("Birim Adı;Üst Birim Yolu;Birim Türü;Düzey\n")
        for name, parent, unit_type in units:
            file.write(f"{name};{parent};{unit_type};merkez\n")


def raw_insert(url: str, units: list[tuple[str, str, str]]) -> float:
    app = create_app({"DATABASE_URL": url})
    migrate.upgrade(get_db(app).engine)
    started = time.perf_counter()
    ids: dict[str, int] = {}
    identities = []
    versions = []
    for index, (name, parent, unit_type) in enumerate(units, start=1):
        path = f"{parent} > {name}" if parent else name
        ids[path] = index
        identities.append({"id": index, "detsis_no": str(10_000_000 + index)})
        versions.append(
            {
                "organization_id": index,
                "version": 1,
                "valid_from": date(2026, 1, 1),
                "event": "created",
                "name": name,
                "search_text": turkish.fold(name),
                "sort_key": turkish.sort_key(name)[:600],
                "parent_id": ids[parent] if parent else None,
                "unit_type": unit_type,
                "level": "central",
                "kep_addresses": [],
                "corresponds_externally": True,
                "status": "active",
            }
        )
    with get_db(app).transaction() as session:
        for start in range(0, len(units), 1000):
            chunk = identities[start : start + 1000]
            session.execute(insert(DetsisNumber), [{"number": i["detsis_no"]} for i in chunk])
            session.execute(insert(Organization), chunk)
            session.execute(insert(OrganizationVersion), versions[start : start + 1000])
    get_db(app).dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    args = parser.parse_args()
    units = rows(args.units)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        csv_path = Path(folder) / "birimler.csv"
        write_csv(csv_path, units)
        size = csv_path.stat().st_size
        url = f"sqlite:///{folder}/import.db"
        env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_INDEX_DIR": f"{folder}/ix"}
        registry = str(Path(sys.executable).parent / "registry")
        subprocess.run([registry, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        result = subprocess.run(
            [registry, "import-units", str(csv_path), "--apply"],
            env=env,
            capture_output=True,
            text=True,
        )
        imported = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])
        summary = result.stdout.strip().splitlines()[0]
        raw = raw_insert(f"sqlite:///{folder}/raw.db", units)
    print(f"{len(units):,} units, CSV {size / 1e6:.1f} MB")
    print(f"registry import-units --apply: {imported:6.1f} s  ({summary})")
    print(f"raw bulk insert, same rows:    {raw:6.1f} s  (no validation, numbers or audit)")
    print(
        f"ratio import / raw: {imported / raw:.1f}×; goal ≤ 60 s: "
        f"{'PASS' if imported <= 60 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
