"""Benchmark of the public site through gunicorn: page weights, pages per second, and whether a
flood of complaints slows the rest of the site.

The sample dataset (``registry demo``) in a fresh SQLite database, indexed, served by
``registry serve`` (sync workers). It measures:

* the weight of each page type (HTML and the stylesheet; pictures not counted), against the
  issue's budget of 200 KB, and of the browsing pages (directory, tree, unit profile,
  legislation, documents: HTML alone, against 12 KB);
* requests/s and p50/p99 latency of a mix of public pages (home, a search, a unit, its table,
  a service), from concurrent clients on 127.0.0.1;
* the same mix while other clients flood ``POST /api/v1/complaints`` as fast as they can from
  one address (the limiter lets a few through, then answers 429), against the same mix under an
  equally large flood of ``GET /healthz``, the cheapest request the app has: the baseline of the
  same run. A refused complaint should cost about what ``/healthz`` costs, so the ratio of page
  throughput under the two floods should be near 1.

Usage, from the repository root::

    python benchmarks/public_site.py [--seconds 10] [--workers 4] [--clients 8] [--flooders 8]
    python benchmarks/public_site.py --weights-only   # the page weights alone
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ROOT, Load, served, throughput

PAGES = {
    "home": "/",
    "search": "/search?q=ikamet+izni+uzatma+izmir",
    "organization": "/organizations/48823685",
    "standards table": "/organizations/48823685/service-standards",
    "service": "/services/48823685-001",
    "complaint form": "/complaints/new?organization=48823685&service=48823685-001",
}
# The browsing pages (issue 25): weighed, not part of the throughput mix.
BROWSING = {
    "directory": "/organizations",
    "directory, letter Ç": "/organizations?harf=%C3%87",
    "directory, 81 governorships": "/organizations?kategori=M%C3%BClki+%C4%B0dare",
    "directory, q=buyukelcilik": "/organizations?q=buyukelcilik",
    "tree (Göç İdaresi, 94 units)": "/organizations/55476713/tree",
    "unit profile (Göç İdaresi)": "/organizations/55476713",
    "unit profile ?at=2020-01-01": "/organizations/55476713?at=2020-01-01",
    "legislation search": "/legislation",
    "an act (Kanun 6458)": "/legislation/9",
    "documents": "/documents",
    "a document (Yerleşim Yeri Belgesi)": "/documents/BLG-000004",
}
BROWSING_BUDGET = 12 * 1024  # the "light pages", HTML alone
BUDGET = 200 * 1024
COMPLAINT = {
    "service": "48823685-001",
    "organization": "48823685",
    "subject": "time_exceeded",
    "text": "Başvurum 90 günde sonuçlanmadı; tabloda en geç 90 gün yazıyor.",
    "contact": {"name": "Yük Testi", "email": "yuk@example.org"},
}


def _registry(*args: str, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).parent / "registry"), *args]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)


def _get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} → {response.status}")
    return body


class Flood:
    """Clients sending one request as fast as they can until stopped; counts answers by status."""

    def __init__(self, port: int, clients: int, method: str, path: str, body: bytes | None):
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, args=(port, method, path, body))
            for _ in range(clients)
        ]

    def _run(self, port: int, method: str, path: str, body: bytes | None) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"} if body else {}
        while not self._stop.is_set():
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with self._lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    def __enter__(self) -> Flood:
        for thread in self._threads:
            thread.start()
        time.sleep(0.5)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def _line(name: str, load: Load) -> str:
    return (
        f"{name:<28} {load.per_second:8.0f} req/s   p50 {load.latency(0.5):6.1f} ms"
        f"   p99 {load.latency(0.99):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--weights-only", action="store_true", help="weigh the pages and stop")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-site-") as folder:
        url = f"sqlite:///{folder}/registry.kernel.db"
        index_dir = f"{folder}/index"
        env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_INDEX_DIR": index_dir}
        for step in (("db", "upgrade"), ("demo",), ("reindex",)):
            _registry(*step, env=env)
        with served(url, index_dir, args.workers, Path(folder) / "server.log") as port:
            stylesheet = len(_get(port, "/assets/site.css"))
            print(f"page weights (HTML + the {stylesheet:,} B stylesheet; budget {BUDGET:,} B):")
            for name, path in PAGES.items():
                weight = len(_get(port, path)) + stylesheet
                verdict = "ok" if weight <= BUDGET else "OVER"
                print(f"  {name:<18} {weight:>8,} B  {verdict}")
            print(f"browsing pages (HTML alone; budget {BROWSING_BUDGET:,} B):")
            for name, path in BROWSING.items():
                weight = len(_get(port, path))
                verdict = "ok" if weight <= BROWSING_BUDGET else "OVER"
                print(f"  {name:<36} {weight:>8,} B  {verdict}")
            if args.weights_only:
                return

            paths = list(PAGES.values())
            throughput(port, paths, 2, args.clients)  # warm every worker
            quiet = throughput(port, paths, args.seconds, args.clients)
            with Flood(port, args.flooders, "GET", "/healthz", None) as healthz_flood:
                under_healthz = throughput(port, paths, args.seconds, args.clients)
            body = json.dumps(COMPLAINT).encode()
            with Flood(port, args.flooders, "POST", "/api/v1/complaints", body) as complaints:
                under_complaints = throughput(port, paths, args.seconds, args.clients)

        print(
            f"\n{args.workers} gunicorn workers, {args.clients} page clients, {args.flooders} "
            f"flooding clients, {args.seconds:.0f} s each:"
        )
        print(_line("pages, no flood", quiet))
        print(_line("pages, /healthz flood", under_healthz))
        print(_line("pages, complaint flood", under_complaints))
        flood_seconds = args.seconds + 0.5
        print(
            f"  /healthz flood: {sum(healthz_flood.statuses.values()) / flood_seconds:,.0f} "
            f"req/s {dict(sorted(healthz_flood.statuses.items()))}"
        )
        print(
            f"  complaint flood: {sum(complaints.statuses.values()) / flood_seconds:,.0f} "
            f"req/s {dict(sorted(complaints.statuses.items()))}"
        )
        ratio = under_complaints.per_second / under_healthz.per_second
        print(f"\npages under a complaint flood / under a /healthz flood: {ratio:.2f}")


if __name__ == "__main__":
    main()
