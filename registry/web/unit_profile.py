"""A unit's profile (künye): who it is, where it sits, how to reach it, who heads it, what it does,
how it changed, and how it stood on any date (``?at=``).

A closed unit answers 410 with the units that took over its work; the same unit on a date it was
open answers its profile as it stood then. The head of the unit and its e-tebligat address are
dated records of their own (``registry.ebys.managers``, ``registry.ebys.identifiers``), read for
the same date. The registry keeps no founding-act field: a unit's founding act is the act its
creation record cites ("6458 sayılı Kanun ile kuruldu"), linked when the registry holds it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import abort, make_response, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue import dataflows
from registry.catalogue.models import Document
from registry.catalogue.nearest_services import services_under
from registry.ebys import identifiers, managers
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import NotFound
from registry.kernel.reference import province_name
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Event, OrganizationVersion, Status
from registry.standards import publication
from registry.standards.surveys import satisfaction
from registry.web.directory import sub_unit_counts
from registry.web.formats import date_argument
from registry.web.site import blp
from schemas.common import DETSIS_PATTERN

SUB_UNITS_SHOWN = 25  # the rest on the unit's tree page, paged
SERVICES_SHOWN = 50
FLOWS_SHOWN = 30  # the busiest; the rest are in /api/v1/dataflows?organization=
DOCUMENTS_PER_FLOW = 20
HISTORY_SHOWN = 30
EVENT_LABELS = {
    Event.CREATED: "Kuruldu",
    Event.UPDATED: "Bilgileri güncellendi",
    Event.RENAMED: "Adı değişti",
    Event.MOVED: "Bağlı olduğu birim değişti",
    Event.MERGED: "Başka bir birimle birleşti",
    Event.SPLIT: "Bölündü",
    Event.CLOSED: "Kapatıldı",
    Event.REOPENED: "Yeniden açıldı",
}
FIELD_LABELS = {
    "name": "ad",
    "short_name": "kısa ad",
    "english_name": "İngilizce ad",
    "category": "kategori",
    "unit_type": "birim türü",
    "level": "teşkilat düzeyi",
    "province": "il",
    "district": "ilçe",
    "address": "adres",
    "phone": "telefon",
    "fax": "faks",
    "email": "e-posta",
    "web": "internet sitesi",
    "kep_addresses": "KEP adresi",
    "certificate": "şifreleme sertifikası",
    "corresponds_externally": "yazışma yetkisi",
    "letterhead": "antet",
    "info_person": "bilgi için kişisi",
    "parent": "bağlı olduğu birim",
    "status": "durum",
}
RELATIONS = {
    "Bağlı Kuruluş": "Bağlı olduğu kurum",
    "İlgili Kuruluş": "İlgili olduğu kurum",
    "İlişkili Kuruluş": "İlişkili olduğu kurum",
}
ACT_CITED = re.compile(r"(\d{1,5})\s+sayılı", re.IGNORECASE)


@blp.get("/organizations/<string:detsis_no>")
def organization_page(detsis_no: str) -> ResponseReturnValue:
    """The profile as of today or ``?at=``; 410 with the successors for a closed unit."""
    session = get_session()
    asked = date_argument("at")
    at = asked or today()
    if not DETSIS_PATTERN.match(detsis_no):
        abort(404, description="DETSİS numarası 8 haneli olmalıdır.")
    try:
        unit = tree.get_unit(session, detsis_no, at)
    except NotFound:
        if asked is None:
            abort(404, description=f"{detsis_no} numaralı birim bulunamadı.")
        abort(
            404,
            description=f"{detsis_no} numaralı birim {at.strftime('%d.%m.%Y')} tarihinde "
            "kayıtlı değildi.",
        )
    history = tree.history(session, detsis_no)
    if unit.version.status == Status.CLOSED:
        return make_response(_closed_page(session, unit, history), 410)
    return render_template("organization.html", **_profile(session, unit, history, at, asked))


def _profile(
    session: Session, unit: tree.UnitView, history: tree.History, at: date, asked: date | None
) -> dict[str, Any]:
    version = unit.version
    org_id = unit.path[-1].organization_id
    children, child_total = tree.children(session, unit.detsis_no, at, 0, SUB_UNITS_SHOWN)
    services = services_under(session, org_id, at, SERVICES_SHOWN + 1)
    institution = tree.institution_of(unit.path)
    head = managers.holders_on(session, [org_id], at).get(org_id)
    try:
        uets = identifiers.identifiers_of(session, unit.detsis_no, at).uets
    except NotFound:
        uets = None
    return {
        "unit": unit,
        "version": version,
        "at": at,
        "asked": asked,
        "province": province_name(version.province_code),
        "relation": _relation(unit),
        "institution": institution,
        "head": head,
        "appointments": managers.APPOINTMENT_NAMES,
        "uets": uets,
        "founding_act": _founding_act(session, history),
        "children": children,
        "child_total": child_total,
        "grandchildren": sub_unit_counts(
            session, [child.path[-1].organization_id for child in children], at
        ),
        "services": services[:SERVICES_SHOWN],
        "more_services": len(services) > SERVICES_SHOWN,
        "owner": publication.tables_listing(session, [org_id], today()).get(org_id),
        **_flows(session, institution),
        "satisfaction": satisfaction(session, organization_id=org_id),
        "timeline": _timeline(history),
        "last_change": max(entry.version.valid_from for entry in history.entries),
        "event_labels": EVENT_LABELS,
    }


def _relation(unit: tree.UnitView) -> tuple[str, tree.PathEntry] | None:
    """An attached, related or associated body (bağlı/ilgili/ilişkili kuruluş) and the
    institution it is attached or related to."""
    category = unit.version.category
    if category not in RELATIONS or len(unit.path) < 2:
        return None
    return RELATIONS[category], tree.institution_of(unit.path[:-1])


def _founding_act(session: Session, history: tree.History) -> Legislation | None:
    """The act the creation record cites by number, when the registry holds one such act."""
    first = history.entries[0].version if history.entries else None
    if first is None or first.event != Event.CREATED or not first.reason:
        return None
    cited = ACT_CITED.search(first.reason)
    if cited is None:
        return None
    acts = session.scalars(
        select(Legislation).where(Legislation.number == cited.group(1)).limit(2)
    ).all()
    return acts[0] if len(acts) == 1 else None


def _flows(session: Session, institution: tree.PathEntry) -> dict[str, Any]:
    graph, total = dataflows.busiest_flows(session, institution.organization_id, FLOWS_SHOWN)
    codes = {code for _, _, data in graph.edges(data=True) for code in data["documents"]}
    names = _document_names(session, codes)
    flows = [
        {
            "from": graph.nodes[u]["name"],
            "to": graph.nodes[v]["name"],
            "documents": [
                (code, names.get(code, code)) for code in data["documents"][:DOCUMENTS_PER_FLOW]
            ],
            "more_documents": max(0, len(data["documents"]) - DOCUMENTS_PER_FLOW),
        }
        for u, v, data in graph.edges(data=True)
    ]
    return {"flows": flows, "more_flows": total > len(flows)}


def _document_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(
        session.execute(select(Document.code, Document.name).where(Document.code.in_(codes))).all()
    )


def _timeline(history: tree.History) -> list[dict[str, Any]]:
    """The latest changes first; a change undone the same day (a zero-length version) is shown
    but offers no date to look at."""
    entries = []
    for entry in reversed(history.entries[-HISTORY_SHOWN:]):
        version: OrganizationVersion = entry.version
        entries.append(
            {
                "version": version,
                "changed": [FIELD_LABELS.get(name, name) for name in entry.changes],
                "name_before": entry.changes.get("name", [None])[0],
                "viewable": version.valid_to is None or version.valid_to > version.valid_from,
            }
        )
    return entries


def _closed_page(session: Session, unit: tree.UnitView, history: tree.History) -> str:
    """Gone, and where its work went: the successors as they stand today."""
    closed_on = unit.version.valid_from
    ids = tree.organization_ids(session, unit.successors) if unit.successors else {}
    found = tree.versions_at(session, ids.values(), today())
    successors = [
        {"detsis_no": number, "name": found[org_id][1].name if org_id in found else number}
        for number, org_id in ids.items()
    ]
    before = closed_on - timedelta(days=1)
    open_before = any(
        entry.version.status == Status.ACTIVE and entry.version.valid_from <= before
        for entry in history.entries
    )
    return render_template(
        "organization_closed.html",
        unit=unit,
        closed_on=closed_on,
        successors=successors,
        before=before if open_before else None,
        timeline=_timeline(history),
        event_labels=EVENT_LABELS,
    )
