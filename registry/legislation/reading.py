"""Reading acts of legislation: lookups, dates of existence, and the views the API shows.

Each view is a TypedDict, so a reader sees its fields; being a dict, it is also what the audit
trail stores (``record``) and what the API schemas dump by key. Writing is ``records``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import Select, extract, or_, select
from sqlalchemy.orm import Session

from registry.kernel import turkish
from registry.kernel.errors import NotFound
from registry.legislation.models import Legislation, LegislationLink, LegislationStatus, LinkKind
from registry.organizations import tree
from schemas.vocabularies import LEGISLATION_TYPES


class LegislationTypeView(TypedDict):
    code: int
    name: str


class GazetteView(TypedDict):
    """Where the act was published in the Resmî Gazete."""

    date: date | None
    issue: int | None
    repeat: int | None


class ActSummary(TypedDict):
    """An act without its links and texts: what lists show."""

    id: int
    type: LegislationTypeView
    number: str | None
    title: str
    adopted_on: date | None
    gazette: GazetteView
    issuer: str | None  # DETSİS number
    in_force_from: date
    status: str
    repealed_on: date | None
    repealed_by: int | None
    version: int


class RelatedAct(ActSummary):
    """An act reached by walking the basis links, with its distance from the act asked about."""

    depth: int


class AmendmentView(TypedDict):
    id: int  # the amending act (in ``amendments``) or the act amended (in ``amends``)
    on: date | None
    provision: str | None


class TextView(TypedDict):
    kind: str
    as_of: date
    body: str


class ProvisionView(TypedDict):
    label: str
    heading: str | None
    text: str


class ActView(ActSummary):
    """An act with its links, texts and provisions: the API's detail and the audit record."""

    basis: list[int]
    amended_by: list[int]
    amendments: list[AmendmentView]
    amends: list[AmendmentView]
    repeals: list[int]
    texts: list[TextView]
    provisions: list[ProvisionView]


def get_act(session: Session, act_id: int | str) -> Legislation:
    try:
        number = int(act_id)
    except (TypeError, ValueError):
        number = 0
    act = session.get(Legislation, number) if number > 0 else None
    if act is None:
        raise NotFound(f"{act_id} numaralı mevzuat kaydı yok / no such act.")
    return act


def known_from(act: Legislation) -> date:
    """The first day the act existed in law: published, or adopted, or in force."""
    candidates = [d for d in (act.gazette_date, act.adopted_on, act.in_force_from) if d]
    return min(candidates)


def status_at(act: Legislation, at: date | None) -> tuple[str, date | None]:
    if act.repealed_on is not None and (at is None or act.repealed_on <= at):
        return LegislationStatus.REPEALED, act.repealed_on
    return LegislationStatus.IN_FORCE, None


def known_by(session: Session, act_ids: Sequence[int], at: date) -> set[int]:
    """The acts among ``act_ids`` that existed on ``at`` (published, adopted or in force)."""
    found: set[int] = set()
    for start in range(0, len(act_ids), 2000):
        rows = session.execute(
            select(
                Legislation.id,
                Legislation.gazette_date,
                Legislation.adopted_on,
                Legislation.in_force_from,
            ).where(Legislation.id.in_(act_ids[start : start + 2000]))
        )
        for act_id, *dates in rows:
            if min(d for d in dates if d) <= at:
                found.add(act_id)
    return found


def require_known(act: Legislation, at: date | None) -> None:
    if at is not None and at < known_from(act):
        raise NotFound(
            f"{act.id} numaralı mevzuat {at.isoformat()} tarihinde henüz yoktu "
            "/ the act did not exist on that date."
        )


def summary(session: Session, act: Legislation, at: date | None = None) -> ActSummary:
    issuers = issuer_numbers(session, [act])
    return _summary(act, issuers, at)


def _summary(act: Legislation, issuers: dict[int, str], at: date | None) -> ActSummary:
    status, repealed_on = status_at(act, at)
    return {
        "id": act.id,
        "type": {"code": act.type_code, "name": LEGISLATION_TYPES[act.type_code]},
        "number": act.number,
        "title": act.title,
        "adopted_on": act.adopted_on,
        "gazette": {
            "date": act.gazette_date,
            "issue": act.gazette_issue,
            "repeat": act.gazette_repeat,
        },
        "issuer": issuers.get(act.issuer_id) if act.issuer_id else None,
        "in_force_from": act.in_force_from,
        "status": status,
        "repealed_on": repealed_on,
        "repealed_by": act.repealed_by_id if repealed_on else None,
        "version": act.version,
    }


def summaries(
    session: Session, acts: Sequence[Legislation], at: date | None = None
) -> list[ActSummary]:
    issuers = issuer_numbers(session, acts)
    return [_summary(act, issuers, at) for act in acts]


def related(
    session: Session, acts: Sequence[Legislation], distances: dict[int, int], at: date | None
) -> list[RelatedAct]:
    """Summaries of acts reached by a walk, each with its distance (``distances``)."""
    return [
        {**view, "depth": distances[act.id]}
        for view, act in zip(summaries(session, acts, at), acts, strict=True)
    ]


def issuer_numbers(session: Session, acts: Iterable[Legislation]) -> dict[int, str]:
    return tree.numbers_of(session, {act.issuer_id for act in acts if act.issuer_id})


def representation(session: Session, act: Legislation, at: date | None = None) -> ActView:
    """The act as the API shows it (as of ``at`` when given: later links and texts left out)."""

    def in_time(on: date | None) -> bool:
        return at is None or on is None or on <= at

    outgoing = session.scalars(
        select(LegislationLink)
        .where(LegislationLink.source_id == act.id)
        .order_by(LegislationLink.id)
    ).all()
    incoming = session.scalars(
        select(LegislationLink)
        .where(
            LegislationLink.target_id == act.id,
            LegislationLink.kind == LinkKind.AMENDS,
        )
        .order_by(LegislationLink.on, LegislationLink.id)
    ).all()
    amendments: list[AmendmentView] = [
        {"id": link.source_id, "on": link.on, "provision": link.provision}
        for link in incoming
        if in_time(link.on)
    ]
    return {
        **summary(session, act, at),
        "basis": [link.target_id for link in outgoing if link.kind == LinkKind.BASIS],
        "amended_by": list(dict.fromkeys(a["id"] for a in amendments)),
        "amendments": amendments,
        "amends": [
            {"id": link.target_id, "on": link.on, "provision": link.provision}
            for link in outgoing
            if link.kind == LinkKind.AMENDS
        ],
        "repeals": [
            link.target_id
            for link in outgoing
            if link.kind == LinkKind.REPEALS and in_time(link.on)
        ],
        "texts": [
            {"kind": text.kind, "as_of": text.as_of, "body": text.body}
            for text in act.texts
            if in_time(text.as_of)
        ],
        "provisions": [
            {"label": p.label, "heading": p.heading, "text": p.text} for p in act.provisions
        ],
    }


def record(session: Session, act: Legislation) -> dict[str, Any]:
    """What the audit trail and the change feed keep of an act: its full current form.

    A plain JSON object, as the trail stores every kind of record: the keys of ``ActView``.
    """
    return dict(representation(session, act))


@dataclass
class ActFilter:
    type_code: int | None = None
    number: str | None = None
    status: str | None = None
    issuer_id: int | None = None
    q: str | None = None
    year: int | None = None


def list_acts(filters: ActFilter) -> Select[Legislation]:
    stmt = select(Legislation)
    if filters.type_code is not None:
        stmt = stmt.where(Legislation.type_code == filters.type_code)
    if filters.number:
        stmt = stmt.where(Legislation.number == filters.number.strip())
    if filters.status:
        stmt = stmt.where(Legislation.status == filters.status)
    if filters.issuer_id is not None:
        stmt = stmt.where(Legislation.issuer_id == filters.issuer_id)
    if filters.year is not None:
        stmt = stmt.where(
            or_(
                extract("year", Legislation.gazette_date) == filters.year,
                (Legislation.gazette_date.is_(None))
                & (extract("year", Legislation.adopted_on) == filters.year),
            )
        )
    if filters.q:
        for word in turkish.fold(filters.q).split():
            stmt = stmt.where(Legislation.search_text.contains(word, autoescape=True))
    return stmt.order_by(Legislation.type_code, Legislation.sort_key, Legislation.id)
