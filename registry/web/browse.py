"""Finding things: the home page, search results and a service's page (a unit's page is
``registry.web.unit_profile``; the directory ``registry.web.directory``)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from registry.catalogue import services as service_records
from registry.catalogue.models import Document, Service
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput, NotFound
from registry.kernel.reference import provinces
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion
from registry.search import service as search
from registry.standards import publication
from registry.standards.surveys import satisfaction
from registry.web.site import blp
from schemas.catalogue.services import CHANNELS
from schemas.common import DETSIS_PATTERN
from schemas.vocabularies import CATEGORIES

RESULTS_PER_PAGE = 20
TYPE_LABELS = {
    "service": "Hizmet",
    "organization": "Kurum / birim",
    "legislation": "Mevzuat",
    "document": "Belge",
}


@blp.get("/")
def home() -> ResponseReturnValue:
    """A search box and the institutions at the top of the tree, by category."""
    if request.args.get("q"):  # the first home page searched in place; keep its links working
        return redirect(url_for("web.search_page", q=request.args["q"]), 301)
    session = get_session()
    roots = session.execute(
        select(OrganizationVersion.name, OrganizationVersion.category, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(OrganizationVersion.parent_id.is_(None), tree.in_force(today()))
        .order_by(OrganizationVersion.sort_key)
    ).all()
    groups: dict[str, list[Any]] = {}
    for row in roots:
        groups.setdefault(row.category or "Diğer", []).append(row)
    order = {name: position for position, name in enumerate(CATEGORIES)}
    ordered = sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    return render_template("home.html", groups=ordered)


@blp.get("/search")
def search_page() -> str:
    """Results for services, units, legislation and documents, filtered by institution/province."""
    q = (request.args.get("q") or "").strip()[:200]
    filters = {
        name: value
        for name in ("type", "organization", "province")
        if (value := (request.args.get(name) or "").strip())
    }
    page = _page_number()
    if not q:
        return render_template("search.html", q="", answer=None, filters=filters)
    session = get_session()
    try:
        answer = search.search(session, q, filters, page, RESULTS_PER_PAGE, True)
    except InvalidInput as error:
        return render_template("search.html", q=q, answer=None, filters=filters, error=error)
    hits = answer.result.hits
    institutions = _names(session, set(answer.result.facets.get("organization", {})))
    tables = _tables_of_hits(session, hits)
    return render_template(
        "search.html",
        q=q,
        answer=answer,
        hits=[{**_linked(hit), "table": tables.get((hit.type, hit.id))} for hit in hits],
        filters=filters,
        page=page,
        pages=max(1, -(-answer.result.total // RESULTS_PER_PAGE)),
        type_labels=TYPE_LABELS,
        institution_names=institutions,
        province_names=provinces(),
    )


@blp.get("/services/<string:code>")
def service_page(code: str) -> str:
    """A service: what it needs and gives, how long it may take, its table and its rating."""
    session = get_session()
    try:
        service = service_records.get_service(session, code)
    except NotFound:
        abort(404, description=f"{code} kodlu hizmet bulunamadı.")
    view = service_records.service_record(session, service)
    unit = _unit_or_404(session, view["organization"])
    owner = _table_owner(session, unit)
    documents = _document_names(session, view["required_documents"] + view["issued_documents"])
    acts = {
        act.id: act
        for act in session.scalars(
            select(Legislation).where(Legislation.id.in_(view["legal_basis"] or [0]))
        )
    }
    return render_template(
        "service.html",
        service=service,
        view=view,
        unit=unit,
        owner=owner,
        documents=documents,
        acts=[acts[i] for i in view["legal_basis"] if i in acts],
        channels=[CHANNELS.get(c, c) for c in view["channels"]],
        satisfaction=satisfaction(session, service_id=service.id),
        thanks=request.args.get("tesekkurler") == "1",
    )


def _unit_or_404(session: Any, detsis_no: str) -> tree.UnitView:
    if not DETSIS_PATTERN.match(detsis_no):
        abort(404, description="DETSİS numarası 8 haneli olmalıdır.")
    try:
        return tree.get_unit(session, detsis_no, today())
    except NotFound:
        abort(404, description=f"{detsis_no} numaralı birim bulunamadı.")


def _table_owner(session: Any, unit: tree.UnitView) -> tree.PathEntry | None:
    """The unit whose published table lists this unit's services: itself or one above it."""
    org_id = unit.path[-1].organization_id
    return publication.tables_listing(session, [org_id], today()).get(org_id)


def _document_names(session: Any, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(
        session.execute(select(Document.code, Document.name).where(Document.code.in_(codes))).all()
    )


def _names(session: Any, numbers: set[str]) -> dict[str, str]:
    ids = tree.organization_ids(session, numbers)
    found = tree.versions_at(session, ids.values(), today())
    names = {number: version.name for _, (number, version) in found.items()}
    return dict(sorted(names.items(), key=lambda item: turkish.sort_key(item[1])))


def _tables_of_hits(session: Any, hits: list[Any]) -> dict[tuple[str, str], tree.PathEntry]:
    """The published table listing each unit or service among the hits."""
    services = dict(
        session.execute(
            select(Service.code, Service.organization_id).where(
                Service.code.in_([h.id for h in hits if h.type == "service"] or [""])
            )
        ).all()
    )
    units = tree.organization_ids(session, {h.id for h in hits if h.type == "organization"})
    unit_of = {("service", code): org_id for code, org_id in services.items()}
    unit_of.update({("organization", number): org_id for number, org_id in units.items()})
    listing = publication.tables_listing(session, set(unit_of.values()), today())
    return {key: listing[org_id] for key, org_id in unit_of.items() if org_id in listing}


def _linked(hit: Any) -> dict[str, Any]:
    links = {
        "service": url_for("web.service_page", code=hit.id),
        "organization": url_for("web.organization_page", detsis_no=hit.id),
        "legislation": url_for("web.legislation_page", act_id=hit.id),
        "document": url_for("web.document_page", code=hit.id),
    }
    return {"hit": hit, "url": links.get(hit.type, "#")}


def _page_number() -> int:
    try:
        return min(max(int(request.args.get("page", "1")), 1), 500)
    except ValueError:
        return 1
