"""The data-level once-only report (issue 26) at scale: a cold build, warm reads, and the read
after an integration is approved (the projection follows the audit trail).

A registry is built with ``benchmarks.scale`` (by default 200,000 units, 50,000 services,
20,000 documents), then the metadata layer is generated on it with bulk inserts: data elements
kept by the institutions (a few common ones, such as an identity number, in most documents),
every document made of 2–8 of them, and integrations from an element's keeper to another
institution (80 % in use, 15 % planned, 5 % retired). Then, in one process with the Flask test
client (no HTTP server: the report's own cost is measured):

* the cold build (the first read after start: catalogue half and metadata half);
* warm reads of the JSON page, the CSV and XLSX pages, one institution's rows (median of 5);
* an integration filed, agreed by both institutions and approved through the workflow, bringing
  the missing elements of a document some institution asks for: the next read (metadata half
  reloaded from the trail, verdicts recomputed) and the document's new verdict;
* a service updated (a catalogue change): the next read rebuilds both halves.

Usage, from the repository root::

    python benchmarks/once_only.py [--units 200000] [--services 50000] [--documents 20000]
                                   [--integrations 5000] [--elements 4000]
                                   [--backend sqlite|postgresql] [--database URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import measure, scale  # noqa: E402
from registry.app import create_app  # noqa: E402
from registry.audit.trail import Provenance  # noqa: E402
from registry.catalogue import services as service_records  # noqa: E402
from registry.catalogue.models import Document, RecordStatus, Service  # noqa: E402
from registry.kernel import migrate  # noqa: E402
from registry.kernel.clock import today  # noqa: E402
from registry.kernel.db import get_db  # noqa: E402
from registry.metadata import once_only  # noqa: E402
from registry.metadata.models import (  # noqa: E402
    DataElement,
    DocumentElement,
    Integration,
    IntegrationElement,
)
from registry.organizations import tree  # noqa: E402
from registry.organizations.models import OrganizationVersion  # noqa: E402
from registry.workflow import service as workflow  # noqa: E402
from tests.factories import make_user  # noqa: E402

TYPES = ("text", "integer", "date", "code", "decimal", "boolean")


def institutions(session: Session) -> list[int]:
    """The units that are institutions today (a category), by id."""
    day = today()
    return sorted(
        session.scalars(
            select(OrganizationVersion.organization_id).where(
                OrganizationVersion.category.is_not(None),
                OrganizationVersion.valid_from <= day,
                (OrganizationVersion.valid_to.is_(None)) | (OrganizationVersion.valid_to > day),
            )
        )
    )


def generate_metadata(
    session: Session, elements: int, integrations: int, seed: int
) -> dict[str, int]:
    """Elements, what every document holds, and integrations, by bulk inserts."""
    rng = random.Random(seed)
    keepers = institutions(session)
    # A few institutions keep most data (NVİ, SGK, GİB…): Zipf over the institutions.
    weights = [1 / (rank + 1) for rank in range(len(keepers))]
    owners = rng.choices(keepers, weights, k=elements)
    session.execute(
        insert(DataElement),
        [
            {
                "id": i + 1,
                "name": f"Veri öğesi {i + 1}",
                "definition": "Üretilen veri öğesi",
                "data_type": TYPES[i % len(TYPES)],
                "code_list": "Kod listesi" if TYPES[i % len(TYPES)] == "code" else None,
                "owner_id": owners[i],
                "personal_data": ("none", "ordinary", "special")[i % 3],
                "synonyms": [],
                "status": "active",
                "version": 1,
            }
            for i in range(elements)
        ],
    )
    element_weights = [1 / (rank + 1) ** 1.1 for rank in range(elements)]
    documents = list(session.scalars(select(Document.id).where(Document.status == "active")))
    links = []
    for document_id in documents:
        chosen = list(dict.fromkeys(rng.choices(range(1, elements + 1), element_weights, k=8)))
        for position, element_id in enumerate(chosen[: rng.randint(2, 8)], start=1):
            links.append(
                {"document_id": document_id, "element_id": element_id, "position": position}
            )
    session.execute(insert(DocumentElement), links)
    kept: dict[int, list[int]] = {}
    for element_id, owner in enumerate(owners, start=1):
        kept.setdefault(owner, []).append(element_id)
    rows, carried = [], []
    for i in range(integrations):
        element_id = rng.choices(range(1, elements + 1), element_weights)[0]
        provider = owners[element_id - 1]
        consumer = rng.choice(keepers)
        while consumer == provider:
            consumer = rng.choice(keepers)
        status = rng.choices(("in_use", "planned", "retired"), (80, 15, 5))[0]
        rows.append(
            {
                "id": i + 1,
                "name": f"Veri paylaşımı {i + 1}",
                "provider_id": provider,
                "consumer_id": consumer,
                "protocol_no": f"P-{i + 1}",
                "channel": "web_service",
                "address": f"https://ws.example.gov.tr/{i + 1}",
                "status": status,
                "version": 1,
            }
        )
        shared = {element_id, *rng.sample(kept[provider], min(len(kept[provider]), 4))}
        carried.extend(
            {"integration_id": i + 1, "element_id": e, "position": p}
            for p, e in enumerate(sorted(shared), start=1)
        )
    session.execute(insert(Integration), rows)
    session.execute(insert(IntegrationElement), carried)
    return {
        "elements": elements,
        "document_elements": len(links),
        "integrations": integrations,
        "integration_elements": len(carried),
    }


def ms(call: Callable[[], Any], repeat: int = 5) -> str:
    """Median wall-clock and CPU milliseconds of ``repeat`` calls (CPU: this process's own
    time, what a busy shared machine does not inflate)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return f"{statistics.median(walls):,.1f} ms ({statistics.median(cpus):,.1f} ms CPU)"


def once(call: Callable[[], Any]) -> str:
    return ms(call, repeat=1)


def approve_integration(app: Flask, row: once_only.DataRow) -> int:
    """File the integration the row lacks (from the keeper of its first missing element to the
    asking institution, carrying every element of the document) and approve it: the consumer's
    coordinator files, both institutions' approvers agree, a reviewer decides."""
    db = get_db(app)
    with app.app_context(), db.transaction() as session:
        owner = session.get(DataElement, row.missing[0])
        assert owner is not None
        provider = tree.institutions_of(session, [owner.owner_id], today())[owner.owner_id]
        people = {}
        for who, role, unit in (
            ("coordinator", "coordinator", row.organization),
            ("consumer_approver", "institution_approver", row.organization),
            ("provider_approver", "institution_approver", provider.detsis_no),
            ("reviewer", "reviewer", None),
        ):
            people[who], _token = make_user(
                session, name=f"bench {who} {row.document}", role=role, organization=unit
            )
        request = workflow.submit(
            session,
            people["coordinator"],
            workflow.Submission(
                entity="integration",
                action="create",
                target=None,
                data={
                    "name": f"{row.document_name} verileri",
                    "provider": provider.detsis_no,
                    "consumer": row.organization,
                    "elements": list(row.elements),
                    "protocol_no": "BENCH-1",
                    "channel": "e_devlet",
                    "status": "in_use",
                },
            ),
        )
        for who in ("consumer_approver", "provider_approver", "reviewer"):
            workflow.approve(session, people[who], request.id)
        return int(request.result_id or 0)


def run(url: str, counts: scale.Counts, elements: int, integrations: int, seed: int) -> None:
    app = create_app({"DATABASE_URL": url, "TESTING": True, "INDEX_DIR": tempfile.mkdtemp()})
    db = get_db(app)
    migrate.upgrade(db.engine)
    with db.sessionmaker() as session:
        fresh = not scale.holds_data(session)
    if fresh:
        clock = time.perf_counter()
        scale.generate(db.engine, counts, seed)
        print(f"generated the registry in {time.perf_counter() - clock:.1f} s", flush=True)
    with db.sessionmaker() as session:
        has_metadata = session.scalar(select(DataElement.id).limit(1)) is not None
    if not has_metadata:
        with db.transaction() as session:
            written = generate_metadata(session, elements, integrations, seed)
        print(f"metadata: {written}", flush=True)
    client = app.test_client()
    path = "/api/v1/reports/once-only-data"
    cold = once(lambda: client.get(path))
    with app.app_context(), db.sessionmaker() as session:
        rows = once_only.rows(session)
    verdicts: dict[str, int] = {}
    for row in rows:
        verdicts[row.verdict] = verdicts.get(row.verdict, 0) + 1
    print(f"rows: {len(rows):,} {verdicts}", flush=True)
    print(f"cold build (first read): {cold}", flush=True)
    busiest = rows[0].organization
    for label, query in (
        ("JSON, 500 rows", ""),
        ("CSV, 500 rows", "?format=csv"),
        ("XLSX, 500 rows", "?format=xlsx"),
        ("one institution", f"?organization={busiest}"),
        ("one verdict", "?verdict=integration_needed"),
    ):
        answer = client.get(path + query)
        assert answer.status_code == 200, answer.data[:300]
        timing = ms(lambda q=query: client.get(path + q))
        print(f"warm {label}: {timing}, {len(answer.data):,} bytes", flush=True)
    target = next(r for r in rows if r.verdict == "integration_needed" and len(r.missing) <= 8)
    approved = approve_integration(app, target)
    after = once(lambda: client.get(path))
    with app.app_context(), db.sessionmaker() as session:
        moved = next(
            r
            for r in once_only.rows(session)
            if (r.document, r.organization) == (target.document, target.organization)
        )
    print(
        f"after integration {approved} was approved: {after}; {target.document} for "
        f"{target.organization}: {target.verdict} → {moved.verdict}",
        flush=True,
    )
    with app.app_context(), db.transaction() as session:
        service = session.scalars(
            select(Service).where(Service.status == RecordStatus.ACTIVE).limit(1)
        ).one()
        volume = {"annual_volume": (service.annual_volume or 0) + 1}
        service_records.update_service(
            session, service.code, volume, provenance=Provenance(recorded_by="benchmark")
        )
    rebuilt = once(lambda: client.get(path))
    print(f"after a service changed (both halves rebuilt): {rebuilt}", flush=True)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--integrations", type=int, default=5_000)
    parser.add_argument("--elements", type=int, default=4_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database", help="Reuse this database (built on the first run)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = scale.Counts(
        units=args.units,
        legislation=min(2000, max(100, args.units // 100)),
        services=args.services,
        documents=args.documents,
    )
    if args.database:
        run(args.database, counts, args.elements, args.integrations, args.seed)
        return
    with measure.database(args.backend, "once_only") as url:
        run(url, counts, args.elements, args.integrations, args.seed)


if __name__ == "__main__":
    main()
