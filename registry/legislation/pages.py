"""The public legislation pages: finding an act (name, number, type, dates) and reading one: its
identity, what it rests on and what rests on it, what amended or repealed it, which services cite
it, and where its official text is.

The official text is linked, not copied: the Resmî Gazete issue from the publication date (and
the mükerrer number), and the act's page on mevzuat.gov.tr where its type and a plain number
name it there. Lists of links (lower acts, citing services) are capped with their totals shown;
the API pages them in full.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue.models import RecordStatus, Service, ServiceLegalBasis
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import NotFound
from registry.legislation import reading
from registry.legislation.models import Legislation, LegislationLink, LinkKind
from registry.organizations import tree
from registry.search import matching
from registry.web.formats import date_argument, page_count, page_number
from registry.web.site import blp
from schemas.vocabularies import LEGISLATION_TYPES

PER_PAGE = 20
MAX_ID = 2**31 - 1  # the largest id the column holds: a longer number is no act, not a 500
LINKS_SHOWN = 50
GAZETTE = "https://www.resmigazete.gov.tr/eskiler"
MEVZUAT = "https://www.mevzuat.gov.tr/mevzuat"
# Types mevzuat.gov.tr lists by number (its MevzuatTur codes are the registry's type codes).
NUMBERED_ON_MEVZUAT = frozenset({1, 4, 19, 20, 22})
FIFTH_SERIES = date(1961, 1, 1)  # Düstur's 5th series (MevzuatTertip=5): acts since 1961
STATUS_LABELS = {"in_force": "Yürürlükte", "repealed": "Yürürlükten kaldırıldı"}


def gazette_url(act: Legislation) -> str | None:
    """The Resmî Gazete issue's page for the publication date (``…M1`` for a mükerrer issue)."""
    if act.gazette_date is None:
        return None
    day = act.gazette_date
    repeat = f"M{act.gazette_repeat}" if act.gazette_repeat else ""
    return f"{GAZETTE}/{day:%Y}/{day:%m}/{day:%Y%m%d}{repeat}.htm"


def mevzuat_url(act: Legislation) -> str | None:
    """The act's page on mevzuat.gov.tr, where its type and number name it there."""
    published = act.gazette_date or act.adopted_on
    if (
        act.type_code not in NUMBERED_ON_MEVZUAT
        or not (act.number or "").isdigit()
        or published is None
        or published < FIFTH_SERIES
    ):
        return None
    return f"{MEVZUAT}?MevzuatNo={act.number}&MevzuatTur={act.type_code}&MevzuatTertip=5"


@blp.get("/legislation")
def legislation_list() -> str:
    """Acts by name (Turkish letters optional), number, type, status and publication dates;
    with a name, the closest names first; without, the newest first."""
    session = get_session()
    q = (request.args.get("q") or "").strip()[:200]
    number = (request.args.get("number") or "").strip()[:40]
    raw_type = (request.args.get("type") or "").strip()
    status = (request.args.get("status") or "").strip()
    since, until = date_argument("from"), date_argument("to")
    if raw_type and not (raw_type.isdigit() and int(raw_type) in LEGISLATION_TYPES):
        abort(400, description="Bilinmeyen mevzuat türü; listeden bir tür seçin.")
    if status and status not in STATUS_LABELS:
        abort(400, description="Durum “yürürlükte” ya da “yürürlükten kaldırıldı” olmalıdır.")
    stmt = select(Legislation)
    if q:
        stmt = stmt.where(*matching.matches(Legislation.search_text, q))
    if number:
        stmt = stmt.where(Legislation.number == number)
    if raw_type:
        stmt = stmt.where(Legislation.type_code == int(raw_type))
    if status:
        stmt = stmt.where(Legislation.status == status)
    published = func.coalesce(Legislation.gazette_date, Legislation.adopted_on)
    if since:
        stmt = stmt.where(published >= since)
    if until:
        stmt = stmt.where(published <= until)
    page = page_number()
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordering = (
        [matching.rank(Legislation.search_text, q), Legislation.sort_key]
        if q
        else [published.desc(), Legislation.sort_key]
    )
    acts = session.scalars(
        stmt.order_by(*ordering, Legislation.id).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    return render_template(
        "legislation_list.html",
        acts=acts,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        form={"q": q, "number": number, "type": raw_type, "status": status},
        since=since,
        until=until,
        types=LEGISLATION_TYPES,
        status_labels=STATUS_LABELS,
        searched=bool(request.args),
    )


@blp.get("/legislation/<string:act_id>")
def legislation_page(act_id: str) -> str:
    """One act: identity, its place in the legal graph, the services citing it, its texts."""
    session = get_session()
    if not (act_id.isascii() and act_id.isdigit() and 0 < int(act_id) <= MAX_ID):
        abort(404, description=f"{act_id[:20]} numaralı mevzuat kaydı bulunamadı.")
    try:
        act = reading.get_act(session, act_id)
    except NotFound:
        abort(404, description=f"{act_id[:20]} numaralı mevzuat kaydı bulunamadı.")
    view = reading.representation(session, act)
    derived_ids, derived_total = _derived(session, act.id)
    wanted = {
        *view["basis"],
        *(a["id"] for a in view["amendments"]),
        *(a["id"] for a in view["amends"]),
        *view["repeals"],
        *derived_ids,
        *([act.repealed_by_id] if act.repealed_by_id else []),
    }
    acts = {a.id: a for a in session.scalars(select(Legislation).where(Legislation.id.in_(wanted)))}
    services, service_total = _citing_services(session, act.id)
    issuer = None
    if act.issuer_id:
        found = tree.versions_at(session, [act.issuer_id], today()).get(act.issuer_id)
        numbers = tree.numbers_of(session, [act.issuer_id])
        issuer = (numbers[act.issuer_id], found[1].name if found else numbers[act.issuer_id])
    latest = view["texts"][-1] if view["texts"] else None
    return render_template(
        "legislation.html",
        act=act,
        view=view,
        acts=acts,
        derived=[acts[i] for i in derived_ids if i in acts],
        derived_total=derived_total,
        services=services,
        service_total=service_total,
        issuer=issuer,
        gazette_url=gazette_url(act),
        mevzuat_url=mevzuat_url(act),
        latest_text=latest,
        status_labels=STATUS_LABELS,
        types=LEGISLATION_TYPES,
    )


def _derived(session: Session, act_id: int) -> tuple[list[int], int]:
    """The first lower acts (those resting on this one) and how many there are."""
    stmt = select(LegislationLink.source_id).where(
        LegislationLink.target_id == act_id, LegislationLink.kind == LinkKind.BASIS
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ids = list(session.scalars(stmt.order_by(LegislationLink.source_id).limit(LINKS_SHOWN)))
    return ids, total


def _citing_services(session: Session, act_id: int) -> tuple[list[Any], int]:
    stmt = (
        select(Service.code, Service.name, ServiceLegalBasis.provision)
        .join(ServiceLegalBasis, ServiceLegalBasis.service_id == Service.id)
        .where(ServiceLegalBasis.legislation_id == act_id, Service.status == RecordStatus.ACTIVE)
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Service.sort_key, Service.code).limit(LINKS_SHOWN)).all()
    return list(rows), total
