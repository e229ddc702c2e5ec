"""The satisfaction survey (KMA): citizens rate a service 1–5; rates overall, per institution, per
unit and per service.

The satisfaction rate is the share of responses scoring 4 ("memnunum") or 5 ("çok memnunum"),
in percent with one decimal, None when there is no response. A response is counted for the unit
providing the service when it was rated, so an institution's rate covers its whole subtree.
Responses are anonymous: no contact, no address, nothing but the score and an optional comment,
which is stored for the institution and never published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue.models import RecordStatus, Service
from registry.kernel import clock
from registry.kernel.errors import InvalidInput
from registry.organizations import tree
from registry.standards.complaints import unit_refs
from registry.standards.models import SurveyResponse

SCORES = (1, 2, 3, 4, 5)
SATISFIED_SCORES = (4, 5)
GROUPINGS = ("institution", "organization", "service")
_CHUNK = 500


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    satisfied: int  # responses scoring 4 or 5
    rate: float | None  # percent satisfied, one decimal; None without responses
    average: float | None  # mean score, two decimals
    distribution: dict[int, int]  # score → responses, every score present

    @classmethod
    def of(cls, distribution: dict[int, int]) -> Satisfaction:
        counts = {score: distribution.get(score, 0) for score in SCORES}
        responses = sum(counts.values())
        satisfied = sum(counts[score] for score in SATISFIED_SCORES)
        if not responses:
            return cls(0, 0, None, None, counts)
        total = sum(score * count for score, count in counts.items())
        return cls(
            responses,
            satisfied,
            _rounded(Decimal(100 * satisfied) / responses, "0.1"),
            _rounded(Decimal(total) / responses, "0.01"),
            counts,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "satisfied": self.satisfied,
            "rate": self.rate,
            "average": self.average,
            "distribution": {str(score): count for score, count in self.distribution.items()},
        }


@dataclass(frozen=True)
class Group:
    """One line of a breakdown: an institution, a unit or a service, and its rates."""

    kind: str  # institution | organization | service
    key: str  # DETSİS number or service code
    name: str
    satisfaction: Satisfaction

    def as_dict(self) -> dict[str, Any]:
        ref = (
            {"code": self.key, "name": self.name}
            if self.kind == "service"
            else {"detsis_no": self.key, "name": self.name}
        )
        return {self.kind: ref, **self.satisfaction.as_dict()}


def _rounded(value: Decimal, places: str) -> float:
    # Half up, as people round percentages (float round() would give 62.4 for 62.45).
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def submit(session: Session, *, service: str, score: int, comment: str | None) -> SurveyResponse:
    """Record one rating of an active service; the caller commits."""
    found = session.scalar(select(Service).where(Service.code == service))
    if found is None or found.status != RecordStatus.ACTIVE:
        raise InvalidInput(
            f"{service} kodlu yürürlükte bir hizmet yok / no such active service.",
            errors={"service": [f"no active service {service}"]},
        )
    if isinstance(score, bool) or score not in SCORES:
        raise InvalidInput(
            "Puan 1 ile 5 arasında olmalı / the score is 1 to 5.", errors={"score": ["1 to 5"]}
        )
    response = SurveyResponse(
        service_id=found.id,
        organization_id=found.organization_id,
        score=score,
        comment=(comment or "").strip() or None,
    )
    session.add(response)
    session.flush()
    return response


def satisfaction(
    session: Session,
    *,
    organization_id: int | None = None,
    service_id: int | None = None,
    at: date | None = None,
) -> Satisfaction:
    """Rates of the responses for a unit's subtree (as the tree stands on ``at``, default
    today), for a service, for both, or for everything."""
    totals: dict[int, int] = defaultdict(int)
    for _org, _service, score, count in _counts(session, organization_id, service_id, at):
        totals[score] += count
    return Satisfaction.of(totals)


def satisfaction_for_services(
    session: Session, service_ids: Collection[int]
) -> dict[int, Satisfaction]:
    """Each service's rates in one query per 500 services (for pages listing many services)."""
    totals: dict[int, dict[int, int]] = {service_id: {} for service_id in service_ids}
    ids = sorted(totals)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(SurveyResponse.service_id, SurveyResponse.score, func.count())
            .where(SurveyResponse.service_id.in_(ids[start : start + _CHUNK]))
            .group_by(SurveyResponse.service_id, SurveyResponse.score)
        )
        for service_id, score, count in rows:
            totals[service_id][score] = count
    return {service_id: Satisfaction.of(counts) for service_id, counts in totals.items()}


def breakdown(
    session: Session,
    group_by: str,
    *,
    organization_id: int | None = None,
    service_id: int | None = None,
    at: date | None = None,
) -> list[Group]:
    """Rates per institution, per providing unit or per service; most responses first."""
    if group_by not in GROUPINGS:
        raise InvalidInput(
            "Geçersiz gruplama / unknown grouping.",
            errors={"group_by": [f"one of: {', '.join(GROUPINGS)}"]},
        )
    day = at or _today()
    rows = list(_counts(session, organization_id, service_id, day))
    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, tuple[str, str]] = {}
    if group_by == "service":
        for _org, service, score, count in rows:
            totals[service][score] += count
        for service_id_, code, name in session.execute(
            select(Service.id, Service.code, Service.name).where(Service.id.in_(list(totals)))
        ):
            names[service_id_] = (code, name)
    else:
        org_ids = {org for org, _service, _score, _count in rows}
        if group_by == "institution":
            institutions = tree.institutions_of(session, org_ids, day)
            key_of = {org: institutions[org].organization_id for org in org_ids}
        else:
            key_of = {org: org for org in org_ids}
        for org, _service, score, count in rows:
            totals[key_of[org]][score] += count
        for org_id, ref in unit_refs(session, list(totals), day).items():
            names[org_id] = (ref["detsis_no"], ref["name"])
    groups = [
        Group(group_by, *names[key], Satisfaction.of(dict(counts)))
        for key, counts in totals.items()
    ]
    groups.sort(key=lambda g: (-g.satisfaction.responses, g.name, g.key))
    return groups


def _counts(
    session: Session, organization_id: int | None, service_id: int | None, at: date | None
) -> Iterable[tuple[int, int, int, int]]:
    """``(organization_id, service_id, score, responses)`` for the filter, summed in SQL."""
    stmt = select(
        SurveyResponse.organization_id,
        SurveyResponse.service_id,
        SurveyResponse.score,
        func.count(),
    ).group_by(SurveyResponse.organization_id, SurveyResponse.service_id, SurveyResponse.score)
    if service_id is not None:
        stmt = stmt.where(SurveyResponse.service_id == service_id)
    if organization_id is None:
        yield from session.execute(stmt)
        return
    units = tree.subtree_ids(session, organization_id, at or _today())
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        yield from session.execute(stmt.where(SurveyResponse.organization_id.in_(chunk)))


def _today() -> date:
    return clock.today()
