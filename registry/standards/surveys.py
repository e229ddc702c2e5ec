"""The satisfaction survey (KMA): citizens rate a service 1–5; rates overall, per institution, per
unit and per service.

The satisfaction rate is the share of responses scoring 4 ("memnunum") or 5 ("çok memnunum"),
in percent with one decimal, None when there is no response. A response is counted for the unit
providing the service when it was rated, so an institution's rate covers its whole subtree.
Responses are anonymous: no contact, no address, nothing but the score and an optional comment,
which is stored for the institution and never published.

The rates as of today are read from a rollup kept in each process (``_Rollup``, one per
database): today's tree (each unit's parent, and which units are institutions) and the responses
counted per unit and service, each unit's subtree summed up front. A unit's rate is then a
dictionary lookup, not a walk of the subtree and a count of its responses (0.9 s for the largest
institution at 200,000 units). It follows the tree through the audit trail (re-reading only the
units changed: a change approved through the workflow shows in the next answer) and the day;
new responses are caught up by id on each read (an indexed range of the new ones), and
everything is recounted at least every
``RECOUNT_SECONDS``: PostgreSQL may commit a response after one with a higher id was counted,
so such a response may show up to that late. Other days, and a unit not open today, are counted
from the tables as before.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.audit import projections
from registry.catalogue.models import RecordStatus, Service
from registry.kernel import clock
from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion
from registry.standards.complaints import unit_refs
from registry.standards.models import SurveyRatingClaim, SurveyResponse

SCORES = (1, 2, 3, 4, 5)
SATISFIED_SCORES = (4, 5)
GROUPINGS = ("institution", "organization", "service")
_CHUNK = 500
RECOUNT_SECONDS = 60.0  # a full recount at least this often (see the module's docstring)


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


def submit(
    session: Session,
    *,
    service: str,
    score: int,
    comment: str | None,
    client: str | None = None,
    today: date | None = None,
) -> SurveyResponse:
    """Record one rating of an active service; the caller commits.

    ``client`` (``rating_clients``' keyed hash) allows one rating per client, service and day: a
    second is a 409 and writes nothing. Claims of past days are dropped as new ones come.
    """
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
    if client is not None:
        _claim(session, found.id, client, today or clock.today())
    response = SurveyResponse(
        service_id=found.id,
        organization_id=found.organization_id,
        score=score,
        comment=(comment or "").strip() or None,
    )
    session.add(response)
    session.flush()
    return response


def _claim(session: Session, service_id: int, client: str, day: date) -> None:
    """This client's one rating of the service today, or a 409 when it was made already."""
    session.execute(
        delete(SurveyRatingClaim).where(
            SurveyRatingClaim.service_id == service_id, SurveyRatingClaim.rated_on < day
        )
    )
    try:
        with session.begin_nested():  # a refused claim must not spoil the request's transaction
            session.add(SurveyRatingClaim(service_id=service_id, rated_on=day, client_key=client))
    except IntegrityError as error:
        raise Conflict(
            "Bu hizmeti bugün zaten değerlendirdiniz; yarın yeniden değerlendirebilirsiniz / "
            "this service was already rated from this client today.",
            errors={"service": ["already rated today by this client"]},
        ) from error


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
    if service_id is None and (at is None or at == _today()):
        rollup = _ROLLUPS.of(session).current(session)
        with rollup.lock:
            if organization_id is None:
                return Satisfaction.of(_by_score(rollup.total))
            if organization_id in rollup.parent:
                return Satisfaction.of(_by_score(rollup.subtree.get(organization_id, _NONE)))
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
    rows = _rows(session, organization_id, service_id, day)
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
            key_of = _institutions(session, org_ids, day)
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


def _rows(
    session: Session, organization_id: int | None, service_id: int | None, day: date
) -> list[tuple[int, int, int, int]]:
    """``(organization_id, service_id, score, responses)`` for a breakdown: from the rollup as
    of today (a service's from its indexed responses), else counted from the tables."""
    if day != _today():
        return list(_counts(session, organization_id, service_id, day))
    rollup = _ROLLUPS.of(session).current(session)
    if organization_id is not None and organization_id not in rollup.parent:
        return list(_counts(session, organization_id, service_id, day))
    if service_id is not None:
        rows = list(_counts(session, None, service_id, day))
    else:
        with rollup.lock:
            rows = [
                (org, service, score, count)
                for (org, service), counts in rollup.cells.items()
                for score, count in zip(SCORES, counts, strict=True)
                if count
            ]
    if organization_id is None:
        return rows
    with rollup.lock:
        return [row for row in rows if rollup.within(row[0], organization_id)]


def _institutions(session: Session, org_ids: Collection[int], day: date) -> dict[int, int]:
    """Each unit's institution on ``day`` (a unit not open then stands for itself)."""
    if day == _today():
        rollup = _ROLLUPS.of(session).current(session)
        with rollup.lock:
            return {org: rollup.institution_of(org) for org in org_ids}
    institutions = tree.institutions_of(session, org_ids, day)
    return {org: institutions[org].organization_id for org in org_ids}


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


_NONE = (0,) * len(SCORES)


def _by_score(counts: Iterable[int]) -> dict[int, int]:
    return dict(zip(SCORES, counts, strict=True))


class _Rollup(projections.Projection):
    """Today's tree and every response counted per unit and service, each unit's subtree summed:
    see the module's docstring. Read and changed under ``lock``."""

    ENTITIES = ("organization",)
    SCRATCH_KEY = "survey_rollup"

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.RLock()
        self.day: date | None = None  # None: the tree must be read again
        self.parent: dict[int, int | None] = {}  # units open on ``day``
        self.institutions: set[int] = set()  # those of them with a category
        self.cells: dict[tuple[int, int], list[int]] = {}  # (unit, service) → counts by score
        self.subtree: dict[int, list[int]] = {}  # unit → counts of its subtree, by score
        self.total = [0] * len(SCORES)
        self.last_id = 0  # the highest response id counted
        self.counted_at = -math.inf  # time.monotonic() of the last full recount
        self.sums_stale = False  # the tree changed since ``subtree`` was summed

    def load_all(self, session: Session) -> None:
        with self.lock:
            self.day = None

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        """Re-read only the changed units' places in today's tree (a child points to its
        parent's id, so a move changes the moved unit's row alone), then sum again."""
        numbers = sorted(changed.get("organization", ()))
        if not numbers:
            return
        with self.lock:
            if self.day is None:
                return
            ids = [
                unit
                for start in range(0, len(numbers), _CHUNK)
                for unit in session.scalars(
                    select(Organization.id).where(
                        Organization.detsis_no.in_(numbers[start : start + _CHUNK])
                    )
                )
            ]
            for unit in ids:
                self.parent.pop(unit, None)
                self.institutions.discard(unit)
            self._read_places(session, self.day, ids)
            self.sums_stale = True

    def current(self, session: Session) -> _Rollup:
        """Synced with the audit trail, today's tree, and the responses committed so far."""
        synced = self.sync(session)
        with synced.lock:
            today = _today()
            if time.monotonic() - synced.counted_at >= RECOUNT_SECONDS:
                if synced.day != today:
                    synced._read_tree(session, today)
                synced._recount(session)
            elif synced.day != today:
                synced._read_tree(session, today)
                synced._sum_subtrees()
            else:
                if synced.sums_stale:
                    synced._sum_subtrees()
                synced._catch_up(session)
        return synced

    def within(self, unit: int, ancestor: int) -> bool:
        """Whether ``unit`` is ``ancestor`` or under it today."""
        cursor: int | None = unit
        for _ in range(tree.MAX_DEPTH + 1):
            if cursor is None or cursor not in self.parent:
                return False
            if cursor == ancestor:
                return True
            cursor = self.parent[cursor]
        return False

    def institution_of(self, unit: int) -> int:
        """The nearest unit at or above ``unit`` with a category, else its root; a unit not
        open today stands for itself (as ``tree.institutions_of``)."""
        cursor: int | None = unit
        last = unit
        for _ in range(tree.MAX_DEPTH + 1):
            if cursor is None or cursor not in self.parent:
                break
            if cursor in self.institutions:
                return cursor
            last, cursor = cursor, self.parent[cursor]
        return last

    def _read_tree(self, session: Session, day: date) -> None:
        self.parent, self.institutions, self.day = {}, set(), day
        self._read_places(session, day, None)

    def _read_places(self, session: Session, day: date, units: list[int] | None) -> None:
        """Where ``units`` (None: every unit) stand on ``day``: their parent and category."""
        stmt = select(
            OrganizationVersion.organization_id,
            OrganizationVersion.parent_id,
            OrganizationVersion.category,
        ).where(tree.in_force(day))
        parts = (
            [None]
            if units is None
            else [units[i : i + _CHUNK] for i in range(0, len(units), _CHUNK)]
        )
        for part in parts:
            where = (
                stmt if part is None else stmt.where(OrganizationVersion.organization_id.in_(part))
            )
            for unit, above, category in session.execute(where):
                self.parent[unit] = above
                if category:
                    self.institutions.add(unit)

    def _recount(self, session: Session) -> None:
        self.cells, self.last_id = {}, 0
        self._add(session.execute(_COUNTS))
        self.counted_at = time.monotonic()
        self._sum_subtrees()

    def _catch_up(self, session: Session) -> None:
        # The new rows themselves, summed here: grouped in SQL, SQLite would walk the whole
        # organization index for its order instead of the id range.
        new: dict[tuple[int, int, int], list[int]] = {}
        for response_id, unit, service, score in session.execute(_NEW, {"after": self.last_id}):
            seen = new.setdefault((unit, service, score), [0, 0])
            seen[0], seen[1] = seen[0] + 1, max(seen[1], response_id)
        added = [(*key, count, last) for key, (count, last) in new.items()]
        for unit, _service, score, count, _last in self._add(added):
            self.total[score - 1] += count
            for above in self._path_up(unit):
                self.subtree.setdefault(above, [0] * len(SCORES))[score - 1] += count

    def _add(self, rows: Iterable[Any]) -> list[Any]:
        added = list(rows)
        for unit, service, score, count, last in added:
            self.cells.setdefault((unit, service), [0] * len(SCORES))[score - 1] += count
            self.last_id = max(self.last_id, last)
        return added

    def _sum_subtrees(self) -> None:
        subtree: dict[int, list[int]] = {}
        total = [0] * len(SCORES)
        for (unit, _service), counts in self.cells.items():
            path = self._path_up(unit)
            for index, count in enumerate(counts):
                total[index] += count
                for above in path:
                    subtree.setdefault(above, [0] * len(SCORES))[index] += count
        self.subtree, self.total, self.sums_stale = subtree, total, False

    def _path_up(self, unit: int) -> list[int]:
        path: list[int] = []
        cursor: int | None = unit
        while cursor is not None and cursor in self.parent and len(path) <= tree.MAX_DEPTH:
            path.append(cursor)
            cursor = self.parent[cursor]
        return path


_COUNTS = select(
    SurveyResponse.organization_id,
    SurveyResponse.service_id,
    SurveyResponse.score,
    func.count(),
    func.max(SurveyResponse.id),
).group_by(SurveyResponse.organization_id, SurveyResponse.service_id, SurveyResponse.score)
_NEW = (
    select(
        SurveyResponse.id,
        SurveyResponse.organization_id,
        SurveyResponse.service_id,
        SurveyResponse.score,
    )
    .where(SurveyResponse.id > bindparam("after"))
    .order_by(SurveyResponse.id)
)
_ROLLUPS = projections.PerDatabase(_Rollup)
