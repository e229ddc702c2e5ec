"""Time ``registry import-file-plan`` on a generated plan of N codes, twice (the second run must
change nothing): ``python -m benchmarks.file_plan [N] [DATABASE_URL]``.

The database is migrated first; the plan has main codes from 010 up, each with nine sub-codes
and nine sub-sub-codes under each sub-code, as the published plan is shaped.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from registry.app import create_app
from registry.kernel import migrate
from registry.kernel.db import get_db


def write_plan(path: Path, count: int) -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    main = 10
    while len(rows) < count:
        code = f"{main:03d}"
        rows.append((code, f"Ana konu {code}", "", "", ""))
        for sub in range(1, 10):
            for subsub in range(0, 10):
                if len(rows) >= count:
                    break
                if subsub == 0:
                    rows.append((f"{code}.{sub:02d}", f"Alt konu {code} {sub}", "2", "5", "A"))
                else:
                    rows.append(
                        (
                            f"{code}.{sub:02d}.{subsub:02d}",
                            f"İşlem {code}-{sub}-{subsub}",
                            "1",
                            "10",
                            "AD",
                        )
                    )
        main += 1
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["Kod", "Konu Adı", "Birimde Saklama", "Arşivde Saklama", "Saklama Kodu"])
        writer.writerows(rows[:count])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{folder}/plan.sqlite3"
        app = create_app({"DATABASE_URL": url})
        migrate.upgrade(get_db(app).engine)
        plan = Path(folder) / "plan.csv"
        write_plan(plan, count)
        runner = app.test_cli_runner()
        for attempt in ("first", "second"):
            start = time.perf_counter()
            result = runner.invoke(args=["import-file-plan", str(plan), "--apply"])
            elapsed = time.perf_counter() - start
            summary = result.output.strip().splitlines()[-1]
            print(f"{attempt} import of {count} codes: {elapsed:.1f} s ({summary})")
        get_db(app).dispose()


if __name__ == "__main__":
    main()
