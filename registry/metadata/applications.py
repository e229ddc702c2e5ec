"""Writing and reading e-government applications, and an institution's IT landscape.

An application belongs to the unit that runs it (its owner, the scope of its requests); it
delivers services on channels (e-Devlet Kapısı, the institution's portal, mobile) and offers or
uses integrations. The landscape of an institution is its applications with the integrations
into and out of it: the picture the seeds ask for (``landscape``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.catalogue.models import Service
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.metadata.elements import record_id
from registry.metadata.integrations import integration_record, list_integrations, of_institution
from registry.metadata.models import (
    Application,
    ApplicationIntegration,
    ApplicationService,
    Integration,
)
from registry.organizations import tree
from registry.workflow.handling import Proposal

ENTITY = "application"
FIELDS = ("name", "url", "hosting", "status")


def get_application(session: Session, target: str | int) -> Application:
    found = session.get(Application, record_id(target, "uygulama"))
    if found is None:
        raise NotFound(f"Uygulama {target} yok / no such application.")
    return found


def application_record(session: Session, found: Application) -> dict[str, Any]:
    codes = dict(
        session.execute(
            select(Service.id, Service.code).where(
                Service.id.in_({link.service_id for link in found.services})
            )
        ).all()
    )
    return {
        "id": found.id,
        "name": found.name,
        "owner": tree.number_of(session, found.owner_id),
        "url": found.url,
        "hosting": str(found.hosting),
        "status": str(found.status),
        "services": [
            {"service": codes[link.service_id], "channel": str(link.channel)}
            for link in found.services
        ],
        "integrations": [
            {"integration": link.integration_id, "role": str(link.role)}
            for link in found.integrations
        ],
        "version": found.version,
    }


def list_applications(session: Session, institution: int | None) -> list[Application]:
    """By Turkish name; only an institution's (its units', not a related agency's) if given."""
    stmt = select(Application)
    if institution is not None:
        units = tree.subtree_ids(session, institution, today())
        stmt = stmt.where(Application.owner_id.in_(units))
    found = list(session.scalars(stmt))
    if institution is not None:
        mine = of_institution(session, institution, {a.owner_id for a in found})
        found = [a for a in found if a.owner_id in mine]
    return sorted(found, key=lambda a: (turkish.sort_key(a.name), a.id))


def application_fits(session: Session, proposal: Proposal) -> None:
    """The services and integrations it names exist; an application delivers a service on a
    channel once."""
    if proposal.action == "close":
        return
    deliveries = proposal.data.get("services") or []
    codes = {d["service"] for d in deliveries}
    known = set(session.scalars(select(Service.code).where(Service.code.in_(codes))))
    seen: set[tuple[str, str]] = set()
    for index, delivery in enumerate(deliveries):
        if delivery["service"] not in known:
            raise InvalidInput(
                f"{delivery['service']} kodlu hizmet yok / no such service.",
                errors={f"data.services.{index}.service": ["no such service"]},
            )
        pair = (delivery["service"], delivery["channel"])
        if pair in seen:
            raise InvalidInput(
                "Bir hizmet bir kanalda bir kez yazılır / a service is listed twice on a channel.",
                errors={f"data.services.{index}": ["listed twice"]},
            )
        seen.add(pair)
    for index, use in enumerate(proposal.data.get("integrations") or []):
        if session.get(Integration, use["integration"]) is None:
            raise InvalidInput(
                f"Entegrasyon {use['integration']} yok / no such integration.",
                errors={f"data.integrations.{index}.integration": ["no such integration"]},
            )


def save_application(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Application:
    found = get_application(session, target) if target is not None else Application(version=0)
    before = application_record(session, found) if target is not None else None
    if "owner" in data:
        found.owner_id = tree.unit_id_for(session, data["owner"], "data.owner")
    for name in FIELDS:
        if name in data:
            setattr(found, name, data[name])
    if "services" in data:
        ids = dict(
            session.execute(
                select(Service.code, Service.id).where(
                    Service.code.in_({d["service"] for d in data["services"]})
                )
            ).all()
        )
        found.services.clear()
        session.flush()
        for position, delivery in enumerate(data["services"], start=1):
            found.services.append(
                ApplicationService(
                    service_id=ids[delivery["service"]],
                    channel=delivery["channel"],
                    position=position,
                )
            )
    if "integrations" in data:
        found.integrations.clear()
        session.flush()
        unique = {(u["integration"], u["role"]): u for u in data["integrations"]}
        for position, use in enumerate(unique.values(), start=1):
            found.integrations.append(
                ApplicationIntegration(
                    integration_id=use["integration"], role=use["role"], position=position
                )
            )
    found.version += 1
    session.add(found)
    session.flush()
    session.refresh(found)
    action = "create" if before is None else "update"
    after = application_record(session, found)
    audit.record_change(session, ENTITY, str(found.id), action, before, after, provenance)
    return found


# -- the IT landscape of an institution --


def landscape(session: Session, institution_id: int) -> dict[str, Any]:
    """The institution's applications (its own and its units'), and the integrations into and
    out of it, with the other institution's number and name."""
    applications = list_applications(session, institution_id)
    integrations = list_integrations(session, institution_id, None)
    parties = {i.provider_id for i in integrations} | {i.consumer_id for i in integrations}
    names = tree.institutions_of(session, parties, today())
    inside = {unit for unit, entry in names.items() if entry.organization_id == institution_id}
    view_in: list[dict[str, Any]] = []
    view_out: list[dict[str, Any]] = []
    for found in integrations:
        record = integration_record(session, found)
        outgoing = found.provider_id in inside
        other = names[found.consumer_id if outgoing else found.provider_id]
        record["other"] = {"detsis_no": other.detsis_no, "name": other.name}
        (view_out if outgoing else view_in).append(record)
    institution = tree.institutions_of(session, [institution_id], today())[institution_id]
    return {
        "institution": {"detsis_no": institution.detsis_no, "name": institution.name},
        "applications": [application_record(session, a) for a in applications],
        "integrations_in": view_in,
        "integrations_out": view_out,
    }
