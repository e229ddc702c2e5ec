"""Writing and reading services (HEYS).

Codes are assigned when a create is applied and never change: a service is
``{DETSİS of its unit}-{sequence}``, a document ``BLG-{sequence}``. Every write appends an audit
entry (entity ``service`` or ``document``, id the code), which feeds the change feed and keeps the
legal graph current. What the API shows of a service is a ``ServiceView``; the audit trail keeps
the same keys and values as a plain JSON object (``service_record``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.catalogue import codes, document_names, unmatched_names
from registry.catalogue.models import (
    Document,
    DocumentRole,
    RecordStatus,
    Service,
    ServiceDocument,
    ServiceLegalBasis,
)
from registry.kernel import durations, text, turkish
from registry.kernel.clock import today
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.legislation.models import Legislation
from registry.organizations import tree
from schemas.catalogue.services import DOCUMENT_CODE_PATTERN

SERVICE_FIELDS = ("name", "description", "applicants", "kind", "channels", "annual_volume")


class DurationView(TypedDict):
    """A duration as the API shows it: number and unit for computing, text for reading."""

    value: int | None
    unit: str
    text: str


class FeeView(TypedDict):
    amount: str  # Turkish lira with two decimals, exact
    note: str | None


class DocumentChannels(TypedDict):
    """A required document asked for only on some of the service's channels."""

    document: str
    channels: list[str]


class ServiceView(TypedDict):
    """A service as the API shows it, with units as DETSİS numbers and documents as codes."""

    code: str
    name: str
    description: str | None
    applicants: str | None
    organization: str  # the providing unit
    institution: str | None
    kind: str
    legal_basis: list[int]  # legislation ids
    required_documents: list[str]
    issued_documents: list[str]
    document_channels: list[DocumentChannels]
    max_duration: DurationView | None  # the legal maximum
    norm_duration: DurationView | None  # the institution's own norm
    average_duration: DurationView | None
    channels: list[str]
    annual_volume: int | None
    fee: FeeView | None
    status: str
    version: int


def duration_view(duration: durations.Duration) -> DurationView:
    return {"value": duration.value, "unit": duration.unit, "text": duration.text}


# -- services: reading --


def get_service(session: Session, code: str) -> Service:
    service = session.scalar(select(Service).where(Service.code == code))
    if service is None:
        raise NotFound(f"{code} kodlu hizmet yok / no such service.")
    return service


@dataclass
class ServiceFilter:
    organization_ids: list[int] | Select[tuple[int]] | None = None  # ids, or a query of them
    q: str | None = None
    kind: str | None = None
    include_closed: bool = False


def list_services(filters: ServiceFilter) -> Select[Service]:
    stmt = select(Service)
    if not filters.include_closed:
        stmt = stmt.where(Service.status == RecordStatus.ACTIVE)
    if filters.organization_ids is not None:
        stmt = stmt.where(Service.organization_id.in_(filters.organization_ids))
    if filters.kind:
        stmt = stmt.where(Service.kind == filters.kind)
    if filters.q:
        for word in turkish.fold(filters.q).split():
            stmt = stmt.where(Service.search_text.contains(word, autoescape=True))
    return stmt.order_by(Service.sort_key, Service.code)


def service_views(session: Session, services: Sequence[Service]) -> list[ServiceView]:
    """Services as the API shows them, with numbers and codes resolved in a few batched queries."""
    if not services:
        return []
    org_ids = {s.organization_id for s in services}
    found = tree.versions_at(session, org_ids, today())
    paths = tree.lineages(session, found, today())
    numbers = tree.numbers_of(session, org_ids)
    ids = [s.id for s in services]
    bases: dict[int, list[int]] = {i: [] for i in ids}
    for service_id, act_id in session.execute(
        select(ServiceLegalBasis.service_id, ServiceLegalBasis.legislation_id)
        .where(ServiceLegalBasis.service_id.in_(ids))
        .order_by(ServiceLegalBasis.service_id, ServiceLegalBasis.position)
    ):
        bases[service_id].append(act_id)
    docs: dict[tuple[int, str], list[str]] = {}
    restricted: dict[int, list[DocumentChannels]] = {}
    for service_id, role, code, channels in session.execute(
        select(
            ServiceDocument.service_id,
            ServiceDocument.role,
            Document.code,
            ServiceDocument.channels,
        )
        .join(Document, Document.id == ServiceDocument.document_id)
        .where(ServiceDocument.service_id.in_(ids))
        .order_by(ServiceDocument.service_id, ServiceDocument.position)
    ):
        docs.setdefault((service_id, role), []).append(code)
        if channels:
            restricted.setdefault(service_id, []).append(
                {"document": code, "channels": list(channels)}
            )
    views: list[ServiceView] = []
    for service in services:
        path = paths.get(service.organization_id)
        views.append(
            {
                "code": service.code,
                "name": service.name,
                "description": service.description,
                "applicants": service.applicants,
                "organization": numbers[service.organization_id],
                "institution": tree.institution_of(path).detsis_no if path else None,
                "kind": service.kind,
                "legal_basis": bases[service.id],
                "required_documents": docs.get((service.id, DocumentRole.REQUIRED), []),
                "issued_documents": docs.get((service.id, DocumentRole.ISSUED), []),
                "document_channels": restricted.get(service.id, []),
                "max_duration": _duration(service.max_duration_value, service.max_duration_unit),
                "norm_duration": _duration(service.norm_duration_value, service.norm_duration_unit),
                "average_duration": _duration(
                    service.average_duration_value, service.average_duration_unit
                ),
                "channels": list(service.channels or []),
                "annual_volume": service.annual_volume,
                "fee": None
                if service.fee_amount is None
                else {"amount": f"{service.fee_amount:.2f}", "note": service.fee_note},
                "status": service.status,
                "version": service.version,
            }
        )
    return views


def service_view(session: Session, service: Service) -> ServiceView:
    return service_views(session, [service])[0]


def service_record(session: Session, service: Service) -> dict[str, Any]:
    """What the audit trail and the change feed keep of a service: its view, as a JSON object."""
    return dict(service_view(session, service))


# -- services: writing --


def create_service(
    session: Session, data: dict[str, Any], *, provenance: Provenance = NO_PROVENANCE
) -> Service:
    org_id = tree.unit_id_for(session, data["organization"], "data.organization")
    check_service_name(session, None, data)
    service = Service(organization_id=org_id, version=1, status=RecordStatus.ACTIVE)
    _set_service_fields(session, service, data)
    number = data["organization"]

    def next_code() -> str:
        used = session.scalar(
            select(func.count()).select_from(Service).where(Service.organization_id == org_id)
        )
        return f"{number}-{(used or 0) + 1:03d}"

    codes.insert_with_code(session, service, next_code)
    _set_service_links(session, service, data)
    session.flush()
    audit.record_change(
        session,
        "service",
        service.code,
        "create",
        None,
        service_record(session, service),
        provenance,
    )
    return service


def update_service(
    session: Session, code: str, data: dict[str, Any], *, provenance: Provenance = NO_PROVENANCE
) -> Service:
    service = get_service(session, code)
    if service.status != RecordStatus.ACTIVE:
        raise Conflict(f"{code} kodlu hizmet kapatılmış / the service is closed.")
    check_service_name(session, service, data)
    before = service_record(session, service)
    if "organization" in data:
        service.organization_id = tree.unit_id_for(
            session, data["organization"], "data.organization"
        )
    _set_service_fields(session, service, data)
    _set_service_links(session, service, data)
    service.version += 1
    session.flush()
    audit.record_change(
        session, "service", code, "update", before, service_record(session, service), provenance
    )
    return service


def close_service(
    session: Session, code: str, *, provenance: Provenance = NO_PROVENANCE
) -> Service:
    service = get_service(session, code)
    if service.status != RecordStatus.ACTIVE:
        raise Conflict(f"{code} kodlu hizmet zaten kapatılmış / the service is already closed.")
    before = service_record(session, service)
    service.status = RecordStatus.CLOSED
    service.version += 1
    session.flush()
    audit.record_change(
        session, "service", code, "close", before, service_record(session, service), provenance
    )
    return service


def add_service_document(
    session: Session,
    service_id: int,
    document_id: int,
    role: str,
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> None:
    """Give a service one more document (a queued name resolved by a reviewer)."""
    service = session.get(Service, service_id)
    if service is None or service.status != RecordStatus.ACTIVE:
        return  # closed since the name was queued: nothing to link
    if any(d.document_id == document_id and d.role == role for d in service.documents):
        return
    before = service_record(session, service)
    position = max((d.position for d in service.documents if d.role == role), default=0) + 1
    service.documents.append(ServiceDocument(document_id=document_id, role=role, position=position))
    service.version += 1
    session.flush()
    audit.record_change(
        session,
        "service",
        service.code,
        "update",
        before,
        service_record(session, service),
        provenance,
    )


def check_service_name(session: Session, service: Service | None, data: dict[str, Any]) -> None:
    """One unit offers no two active services of the same name (``text.name_key``): a citizen
    could not tell them apart. Checked on submission and again on approval (409)."""
    if "name" not in data and "organization" not in data:
        return
    name = data.get("name") or (service.name if service is not None else None)
    if not name:
        return
    if data.get("organization"):
        org_id = tree.unit_id_for(session, data["organization"], "data.organization")
    elif service is not None:
        org_id = service.organization_id
    else:
        return
    key = text.name_key(name)
    others = session.execute(
        select(Service.code, Service.name).where(
            Service.organization_id == org_id,
            Service.status == RecordStatus.ACTIVE,
            Service.id != (service.id if service is not None else 0),
        )
    )
    for code, other in others:
        if text.name_key(other) == key:
            raise Conflict(
                f"Birimin aynı adlı bir hizmeti var ({code}) / the unit already offers an active "
                f"service of that name ({code}).",
                errors={"data.name": [f"same name as service {code}"]},
                extra={"existing": {"code": code, "name": other}},
            )


def check_service_references(session: Session, data: dict[str, Any]) -> None:
    """Refuse unknown or repealed acts and unknown documents or units, before any write."""
    if data.get("organization"):
        tree.unit_id_for(session, data["organization"], "data.organization")
    acts = data.get("legal_basis") or []
    if acts:
        found = dict(
            (act_id, status)
            for act_id, status in session.execute(
                select(Legislation.id, Legislation.status).where(Legislation.id.in_(acts))
            )
        )
        for act_id in acts:
            if act_id not in found:
                raise InvalidInput(
                    f"{act_id} numaralı mevzuat kaydı yok / no act with id {act_id}.",
                    errors={"data.legal_basis": [f"unknown act {act_id}"]},
                )
            if found[act_id] != "in_force":
                raise InvalidInput(
                    f"{act_id} numaralı mevzuat yürürlükte değil / the act is repealed.",
                    errors={"data.legal_basis": [f"act {act_id} is repealed"]},
                )
    for name in ("required_documents", "issued_documents"):
        codes = [entry for entry in data.get(name) or [] if is_document_code(entry)]
        known = set(session.scalars(select(Document.code).where(Document.code.in_(codes))))
        for code in codes:
            if code not in known:
                raise InvalidInput(
                    f"{code} kodlu belge yok / no document {code}.",
                    errors={f"data.{name}": [f"unknown document {code}"]},
                )
    if "channels" in data:
        for entry in data.get("document_channels") or []:
            outside = sorted(set(entry["channels"]) - set(data["channels"]))
            if outside:
                raise _channels_not_offered(entry["document"], outside)


def is_document_code(entry: str) -> bool:
    return re.fullmatch(DOCUMENT_CODE_PATTERN, entry) is not None


def _set_service_fields(session: Session, service: Service, data: dict[str, Any]) -> None:
    for name in SERVICE_FIELDS:
        if name in data:
            setattr(service, name, data[name])
    if "fee" in data:
        fee = data["fee"]
        service.fee_amount = fee["amount"] if fee else None
        service.fee_note = fee.get("note") if fee else None
    for name in ("max_duration", "norm_duration", "average_duration"):
        if name in data:
            value: durations.Duration | None = data[name]
            setattr(service, f"{name}_value", value.value if value else None)
            setattr(service, f"{name}_unit", value.unit if value else None)
    if "max_duration" in data:  # as published ("8-15 dk"); a {value, unit} has no written form
        service.max_duration_written = getattr(data["max_duration"], "written", None) or None
    if service.channels is None:
        service.channels = []
    service.search_text = turkish.fold(" ".join(filter(None, (service.name, service.description))))
    service.sort_key = turkish.sort_key(service.name)[:600]


def _set_service_links(session: Session, service: Service, data: dict[str, Any]) -> None:
    check_service_references(session, {k: data[k] for k in data if k != "organization"})
    if "legal_basis" in data:
        service.legal_basis.clear()
        session.flush()
        for position, act_id in enumerate(data["legal_basis"], start=1):
            service.legal_basis.append(ServiceLegalBasis(legislation_id=act_id, position=position))
    kept = {  # restrictions stay on documents a new list keeps, unless new ones are given
        link.document.code: link.channels
        for link in service.documents
        if link.role == DocumentRole.REQUIRED and link.channels
    }
    for name, role in (
        ("required_documents", DocumentRole.REQUIRED),
        ("issued_documents", DocumentRole.ISSUED),
    ):
        if name not in data:
            continue
        for old in [d for d in service.documents if d.role == role.value]:
            service.documents.remove(old)
        session.flush()
        document_ids, unmatched = _documents_named(session, data[name])
        for position, document_id in enumerate(document_ids, start=1):
            service.documents.append(
                ServiceDocument(document_id=document_id, role=role.value, position=position)
            )
        for unmatched_name in unmatched:
            unmatched_names.enqueue(session, unmatched_name, service.id, role.value)
    if "document_channels" in data or "required_documents" in data:
        given = data.get("document_channels")
        restrictions = (
            given
            if given is not None
            else [{"document": code, "channels": channels} for code, channels in kept.items()]
        )
        _restrict_channels(session, service, restrictions, strict=given is not None)


def _documents_named(session: Session, entries: list[str]) -> tuple[list[int], list[str]]:
    """Document ids for codes and for names that resolve; the names that do not, for the queue."""
    codes = [entry for entry in entries if is_document_code(entry)]
    ids = dict(
        (code, doc_id)
        for code, doc_id in session.execute(
            select(Document.code, Document.id).where(Document.code.in_(codes))
        )
    )
    found: list[int] = []
    unmatched: list[str] = []
    for entry in entries:
        if is_document_code(entry):
            document_id: int | None = ids[entry]
        else:
            match = document_names.accepted(session, entry)
            document_id = ids.get(match.code) if match else None
            if match and document_id is None:
                document_id = session.scalar(select(Document.id).where(Document.code == match.code))
        if document_id is None:
            unmatched.append(entry.strip())
        elif document_id not in found:  # two names for one document: asked for once
            found.append(document_id)
    return found, unmatched


def _restrict_channels(
    session: Session, service: Service, restrictions: list[dict[str, Any]], *, strict: bool
) -> None:
    """Mark required documents asked only on some channels; the rest are asked on every one.

    Restrictions given in the request must name required documents and the service's channels
    (``strict``); those kept from before are dropped where they no longer apply.
    """
    session.flush()
    required = {link.document.code: link for link in service.documents if link.role == "required"}
    for link in required.values():
        link.channels = None
    offered = set(service.channels or [])
    for entry in restrictions:
        found = required.get(entry["document"])
        if not strict and (found is None or not set(entry["channels"]) <= offered):
            continue
        if found is None:
            raise InvalidInput(
                f"{entry['document']} hizmetin istediği belgeler arasında değil / not a required "
                "document of the service.",
                errors={"data.document_channels": [f"{entry['document']} is not required"]},
            )
        outside = sorted(set(entry["channels"]) - offered)
        if outside:
            raise _channels_not_offered(entry["document"], outside)
        found.channels = sorted(entry["channels"])


def _channels_not_offered(code: str, outside: list[str]) -> InvalidInput:
    return InvalidInput(
        f"{code} belgesi için verilen kanal hizmette yok: {', '.join(outside)} / the service is "
        "not offered on that channel.",
        errors={"data.document_channels": [f"channels {outside} are not of the service"]},
    )


def _duration(value: int | None, unit: str | None) -> DurationView | None:
    if unit is None:
        return None
    return duration_view(durations.from_parts(value, unit))
