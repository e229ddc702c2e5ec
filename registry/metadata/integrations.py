"""Writing and reading data-sharing integrations.

An integration carries data elements from a provider institution to a consumer one, under a
legal basis or a protocol, over a channel. It touches two institutions, so both agree: the
consumer's coordinator files it (the institution that stops asking citizens for the paper),
the provider's institution approver agrees, then a reviewer decides (``handlers``). Retiring one
is an update of its status: the record stays readable.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.metadata.elements import active_elements, record_id
from registry.metadata.models import (
    Integration,
    IntegrationElement,
    Lifecycle,
    TechnicalChannel,
)
from registry.organizations import tree
from registry.workflow.handling import Proposal

ENTITY = "integration"
FIELDS: tuple[str, ...] = (
    "name",
    "provision",
    "protocol_no",
    "protocol_date",
    "channel",
    "address",
)
FIELDS += ("api_description", "status")


def get_integration(session: Session, target: str | int) -> Integration:
    found = session.get(Integration, record_id(target, "entegrasyon"))
    if found is None:
        raise NotFound(f"Entegrasyon {target} yok / no such integration.")
    return found


def integration_record(session: Session, found: Integration) -> dict[str, Any]:
    numbers = tree.numbers_of(session, [found.provider_id, found.consumer_id])
    protocol_date: date | None = found.protocol_date
    return {
        "id": found.id,
        "name": found.name,
        "provider": numbers[found.provider_id],
        "consumer": numbers[found.consumer_id],
        "elements": [link.element_id for link in found.elements],
        "legal_basis": found.legislation_id,
        "provision": found.provision,
        "protocol_no": found.protocol_no,
        "protocol_date": protocol_date.isoformat() if protocol_date else None,
        "channel": str(found.channel),
        "address": found.address,
        "api_description": found.api_description,
        "status": str(found.status),
        "version": found.version,
    }


def of_institution(session: Session, institution: int, units: Collection[int]) -> set[int]:
    """Those of ``units`` whose institution today is ``institution``: a related agency under a
    ministry is an institution of its own, with its own integrations."""
    found = tree.institutions_of(session, set(units), today())
    return {unit for unit, entry in found.items() if entry.organization_id == institution}


def list_integrations(
    session: Session, institution: int | None, status: str | None
) -> list[Integration]:
    """By id; only those of an institution (its units as provider or consumer) if given."""
    stmt = select(Integration).order_by(Integration.id)
    if status:
        stmt = stmt.where(Integration.status == status)
    if institution is None:
        return list(session.scalars(stmt))
    units = tree.subtree_ids(session, institution, today())
    found = list(
        session.scalars(
            stmt.where(or_(Integration.provider_id.in_(units), Integration.consumer_id.in_(units)))
        )
    )
    mine = of_institution(
        session, institution, {i.provider_id for i in found} | {i.consumer_id for i in found}
    )
    return [i for i in found if i.provider_id in mine or i.consumer_id in mine]


def integration_fits(session: Session, proposal: Proposal) -> None:
    """Two different institutions, active elements, an address for a web service, and a legal
    basis or a signed protocol before data flows (KVKK art. 8: sharing personal data needs one)."""
    current = get_integration(session, proposal.target) if proposal.target else None
    merged = integration_record(session, current) if current else {}
    merged.update(proposal.data)
    ends = {}
    for side in ("provider", "consumer"):
        unit = tree.unit_id_for(session, merged[side], f"data.{side}", open_only=False)
        path = tree.path_at(session, unit, today())
        ends[side] = tree.institution_of(path).organization_id if path else unit
    if ends["provider"] == ends["consumer"]:
        raise InvalidInput(
            "Sağlayıcı ve alıcı aynı kurum olamaz / the provider and the consumer are one "
            "institution.",
            errors={"data.consumer": ["same institution as the provider"]},
        )
    if "elements" in proposal.data:
        active_elements(session, proposal.data["elements"], "data.elements")
    if merged.get("channel") == TechnicalChannel.WEB_SERVICE and not merged.get("address"):
        raise InvalidInput(
            "Web servisinin adresi zorunludur / a web service needs its address.",
            errors={"data.address": ["required for a web service"]},
        )
    if merged.get("status") == Lifecycle.IN_USE and not (
        merged.get("legal_basis") or merged.get("protocol_no")
    ):
        raise InvalidInput(
            "Kullanımdaki entegrasyonun hukuki dayanağı ya da protokolü olmalı / an integration "
            "in use needs a legal basis or a protocol.",
            errors={"data.legal_basis": ["a legal basis or a protocol_no is required in use"]},
        )


def save_integration(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Integration:
    found = get_integration(session, target) if target is not None else Integration(version=0)
    before = integration_record(session, found) if target is not None else None
    for side in ("provider", "consumer"):
        if side in data:
            setattr(found, f"{side}_id", tree.unit_id_for(session, data[side], f"data.{side}"))
    if "legal_basis" in data:
        found.legislation_id = data["legal_basis"]
    for name in FIELDS:
        if name in data:
            setattr(found, name, data[name])
    if "elements" in data:
        found.elements.clear()
        session.flush()
        for position, element_id in enumerate(data["elements"], start=1):
            found.elements.append(IntegrationElement(element_id=element_id, position=position))
    found.version += 1
    session.add(found)
    session.flush()
    session.refresh(found)
    action = "create" if before is None else "update"
    after = integration_record(session, found)
    audit.record_change(session, ENTITY, str(found.id), action, before, after, provenance)
    return found
