"""Writing a plan through the registry's bulk paths, part by part, each record with its audit
entries: units as the unit importer writes them (``organizations.bulk``), then acts
(``legislation.bulk``), documents and services (``catalogue.bulk``); then the standards tables
the new records change, as any import republishes them."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.scale.common import PROVENANCE, Plan, Progress
from registry.audit import trail as audit
from registry.catalogue import bulk as catalogue
from registry.legislation import bulk as legislation
from registry.organizations import bulk as organizations
from registry.standards import publication


@dataclass
class Written:
    rows: dict[str, int] = field(default_factory=dict)  # table → rows inserted
    audit_entries: int = 0
    act_ids: list[int] = field(default_factory=list)  # of ``Plan.acts``, in order
    seconds: dict[str, float] = field(default_factory=dict)  # part → seconds


def write(session: Session, plan: Plan, progress: Progress | None) -> Written:
    """Write every part of ``plan`` in the session's transaction (the caller commits)."""
    say = progress or (lambda _message: None)
    written = Written()
    first_entry = audit.head_seq(session)

    def done(part: str, started: float, **rows: int) -> None:
        written.seconds[part] = time.perf_counter() - started
        written.rows.update(rows)
        say(
            f"{part}: written in {written.seconds[part]:.1f} s ("
            + ", ".join(f"{table} {count:,}" for table, count in rows.items())
            + ")"
        )

    if plan.units:
        started = time.perf_counter()
        organizations.create_units(session, plan.units, PROVENANCE)
        organizations.change_units(session, plan.unit_changes, PROVENANCE)
        done(
            "units",
            started,
            detsis_numbers=len(plan.units),
            organizations=len(plan.units),
            organization_versions=len(plan.units) + len(plan.unit_changes),
            organization_links=sum(len(change.successors) for change in plan.unit_changes),
        )

    act_ids: list[int] = []
    if plan.acts:
        started = time.perf_counter()
        act_ids = written.act_ids = legislation.create_acts(session, plan.acts, PROVENANCE)
        done(
            "legislation",
            started,
            legislation=len(plan.acts),
            legislation_links=sum(
                len(act.basis) + len(act.amends) + len(act.repeals) for act in plan.acts
            ),
        )

    codes: list[str] = []
    if plan.documents:
        started = time.perf_counter()
        codes = catalogue.create_documents(session, plan.documents, PROVENANCE)
        done(
            "documents",
            started,
            documents=len(plan.documents),
            document_aliases=sum(1 + len(document.aliases) for document in plan.documents),
        )

    if plan.services:
        started = time.perf_counter()

        def act_id(planned: int) -> int:
            return act_ids[planned - plan.first_act] if planned >= plan.first_act else planned

        def code(planned: int) -> str:
            if planned >= plan.first_document:
                return codes[planned - plan.first_document]
            return plan.document_codes[planned]

        services = [
            dataclasses.replace(
                planned.service,
                legal_basis=tuple(map(act_id, planned.acts)),
                required_documents=tuple(map(code, planned.required)),
                issued_documents=tuple(map(code, planned.issued)),
            )
            for planned in plan.services
        ]
        catalogue.create_services(session, services, PROVENANCE)
        done(
            "services",
            started,
            services=len(services),
            service_legal_basis=sum(len(s.legal_basis) for s in services),
            service_documents=sum(
                len(s.required_documents) + len(s.issued_documents) for s in services
            ),
        )

    started = time.perf_counter()
    # Standards tables covering the new services (appended to units that publish one) are
    # republished in the same transaction, as after an approval or an import.
    republished = publication.publish_changed(session)
    if republished:
        say(f"standards tables: {len(republished):,} republished")
    written.seconds["publication"] = time.perf_counter() - started

    started = time.perf_counter()
    session.flush()
    # The planner must know the new sizes: without it SQLite walks the wrong index.
    session.execute(text("ANALYZE"))
    written.seconds["analyze"] = time.perf_counter() - started
    written.audit_entries = audit.head_seq(session) - first_entry
    return written
