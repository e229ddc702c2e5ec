"""Service inventory statistics: counts per institution and kind, the most used and the slowest.

Durations are compared by their rough length in minutes (``Duration.minutes``): a working day is
7/5 of a calendar day, a month 30 days. That is enough to rank services; due dates use the real
calendar (``registry.kernel.workdays``).
"""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue.models import RecordStatus, Service
from registry.catalogue.services import DurationView, duration_view
from registry.kernel import durations, turkish
from registry.kernel.clock import today
from registry.organizations import tree

TOP = 10


class InstitutionServiceCount(TypedDict):
    institution: str  # DETSİS number
    name: str
    core: int
    support: int
    total: int
    annual_volume: int  # the sum of its services' yearly volumes


class ServiceBrief(TypedDict):
    code: str
    name: str
    organization: str
    annual_volume: int | None
    max_duration: DurationView | None


class ServiceStats(TypedDict):
    total: int
    by_kind: dict[str, int]
    annual_volume: int
    by_institution: list[InstitutionServiceCount]
    max_duration_units: dict[str, int]  # unit → services stating their maximum in it
    without_max_duration: int
    most_used: list[ServiceBrief]  # the top ``TOP`` by yearly volume
    slowest: list[ServiceBrief]  # the top ``TOP`` by legal maximum


def stats(session: Session) -> ServiceStats:
    active = Service.status == RecordStatus.ACTIVE
    per_unit = session.execute(
        select(
            Service.organization_id,
            Service.kind,
            func.count(),
            func.coalesce(func.sum(Service.annual_volume), 0),
        )
        .where(active)
        .group_by(Service.organization_id, Service.kind)
    ).all()
    institutions = tree.institutions_of(session, {row[0] for row in per_unit}, today())
    by_institution: dict[int, InstitutionServiceCount] = {}
    by_kind = {"core": 0, "support": 0}
    for unit_id, kind, count, volume in per_unit:
        institution = institutions[unit_id]
        entry = by_institution.setdefault(
            institution.organization_id,
            {
                "institution": institution.detsis_no,
                "name": institution.name,
                "core": 0,
                "support": 0,
                "total": 0,
                "annual_volume": 0,
            },
        )
        if kind == "core":
            entry["core"] += count
        else:
            entry["support"] += count
        entry["total"] += count
        entry["annual_volume"] += int(volume or 0)
        by_kind[kind] += count

    rows = session.execute(
        select(
            Service.code,
            Service.name,
            Service.organization_id,
            Service.annual_volume,
            Service.max_duration_value,
            Service.max_duration_unit,
        ).where(active)
    ).all()
    numbers = tree.numbers_of(session, {row.organization_id for row in rows})

    def brief(row: Any) -> ServiceBrief:
        duration = (
            durations.from_parts(row.max_duration_value, row.max_duration_unit)
            if row.max_duration_unit
            else None
        )
        return {
            "code": row.code,
            "name": row.name,
            "organization": numbers[row.organization_id],
            "annual_volume": row.annual_volume,
            "max_duration": duration_view(duration) if duration else None,
        }

    timed = [r for r in rows if r.max_duration_unit]
    minutes = {
        r.code: durations.from_parts(r.max_duration_value, r.max_duration_unit).minutes()
        for r in timed
    }
    durations_by_unit: dict[str, int] = {}
    for r in timed:
        durations_by_unit[r.max_duration_unit] = durations_by_unit.get(r.max_duration_unit, 0) + 1
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "annual_volume": sum(int(r.annual_volume or 0) for r in rows),
        "by_institution": sorted(
            by_institution.values(),
            key=lambda e: (-e["total"], turkish.sort_key(e["name"])),
        ),
        "max_duration_units": durations_by_unit,
        "without_max_duration": len(rows) - len(timed),
        "most_used": [
            brief(r)
            for r in sorted(
                (r for r in rows if r.annual_volume), key=lambda r: (-r.annual_volume, r.code)
            )[:TOP]
        ],
        "slowest": [
            brief(r) for r in sorted(timed, key=lambda r: (-minutes[r.code], r.code))[:TOP]
        ],
    }
