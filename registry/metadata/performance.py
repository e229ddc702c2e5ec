"""The institutional performance report seed 001 asks for: how an institution delivers its
services, from what the registry already holds.

Per institution (its own units, not a related agency's under it): its active services; the share
offered on an electronic channel (e-Devlet, the web site, mobile, KEP), by services and by
yearly applications; the average duration of each service against its legal maximum (the median
ratio, and the worst service); complaints per 10,000 yearly applications with their outcomes;
and the satisfaction survey's rate over all its services.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue.models import Service
from registry.kernel import durations
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.metadata.integrations import of_institution
from registry.organizations import tree
from registry.standards.models import Complaint
from registry.standards.surveys import Satisfaction, satisfaction_for_services

ELECTRONIC = frozenset({"e_devlet", "web", "mobile", "kep"})


def _ratio(service: Service) -> float | None:
    """Average duration over the legal maximum (1.0: the standard exactly), where both exist."""
    if not (service.average_duration_unit and service.max_duration_unit):
        return None
    try:
        average = durations.from_parts(
            service.average_duration_value, service.average_duration_unit
        )
        maximum = durations.from_parts(service.max_duration_value, service.max_duration_unit)
    except ValueError:
        return None
    return None if not maximum.minutes() else round(average.minutes() / maximum.minutes(), 3)


def service_rows(session: Session, institution: int) -> list[dict[str, Any]]:
    """One row per active service of the institution, by code."""
    units = of_institution(session, institution, tree.subtree_ids(session, institution, today()))
    services = sorted(
        session.scalars(
            select(Service).where(
                Service.organization_id.in_(units), Service.status == RecordStatus.ACTIVE
            )
        ),
        key=lambda s: s.code,
    )
    complaints = dict(
        session.execute(
            select(Complaint.service_id, func.count())
            .where(Complaint.service_id.in_([s.id for s in services]))
            .group_by(Complaint.service_id)
        ).all()
    )
    rates = satisfaction_for_services(session, [s.id for s in services])
    return [
        {
            "service": s.code,
            "name": s.name,
            "annual_volume": s.annual_volume or 0,
            "electronic": bool(ELECTRONIC & set(s.channels or [])),
            "duration_ratio": _ratio(s),
            "complaints": complaints.get(s.id, 0),
            "satisfaction": rates[s.id].rate,
            "id": s.id,
        }
        for s in services
    ]


def report(session: Session, institution: int) -> dict[str, Any]:
    rows = service_rows(session, institution)
    entry = tree.institutions_of(session, [institution], today())[institution]
    volume = sum(r["annual_volume"] for r in rows)
    electronic = [r for r in rows if r["electronic"]]
    ratios = [r for r in rows if r["duration_ratio"] is not None]
    worst = max(ratios, key=lambda r: (r["duration_ratio"], r["service"]), default=None)
    outcomes = Counter(
        str(status)
        for status in session.scalars(
            select(Complaint.status).where(Complaint.service_id.in_([r["id"] for r in rows]))
        )
    )
    complaints = sum(outcomes.values())
    distribution: Counter[int] = Counter()
    for rate in satisfaction_for_services(session, [r["id"] for r in rows]).values():
        distribution.update(rate.distribution)
    satisfaction = Satisfaction.of(dict(distribution))
    return {
        "institution": {"detsis_no": entry.detsis_no, "name": entry.name},
        "services": len(rows),
        "annual_volume": volume,
        "electronic_share": round(len(electronic) / len(rows), 3) if rows else None,
        "electronic_volume_share": (
            round(sum(r["annual_volume"] for r in electronic) / volume, 3) if volume else None
        ),
        "duration": {
            "compared": len(ratios),
            "median_ratio": statistics.median(r["duration_ratio"] for r in ratios)
            if ratios
            else None,
            "worst": (
                {
                    "service": worst["service"],
                    "name": worst["name"],
                    "ratio": worst["duration_ratio"],
                }
                if worst
                else None
            ),
            "over_standard": sum(1 for r in ratios if r["duration_ratio"] > 1),
        },
        "complaints": {
            "total": complaints,
            "per_10000": round(complaints * 10000 / volume, 2) if volume else None,
            "outcomes": dict(sorted(outcomes.items())),
        },
        "satisfaction": {"responses": satisfaction.responses, "rate": satisfaction.rate},
        "rows": [{k: v for k, v in r.items() if k != "id"} for r in rows],
    }
