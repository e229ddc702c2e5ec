"""Change requests for a unit's places of application (the service-standard contacts printed
under its table): a record owned by the unit, declared with ``workflow.handling.owned``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.organizations import tree
from registry.standards import contacts
from registry.workflow.handling import Proposal, owned
from schemas.standards.contacts import ServiceStandardInputSchema, ServiceStandardUpdateSchema


def _one_contacts_record_per_unit(session: Session, proposal: Proposal) -> None:
    if proposal.action == "create":
        contacts.refuse_second_contacts(session, proposal.data)


def _places_exist(session: Session, proposal: Proposal) -> None:
    for name in ("first_contact", "second_contact"):
        place = (proposal.data.get(name) or {}).get("organization")
        if place:
            tree.unit_id_for(session, place, f"data.{name}.organization")


SERVICE_STANDARD = owned(
    entity=contacts.ENTITY,
    owner_field="organization",
    schemas=(ServiceStandardInputSchema, ServiceStandardUpdateSchema),
    get=contacts.get_contacts,
    owner_id=lambda c: c.organization_id,
    record=contacts.contacts_record,
    save=contacts.save_contacts,
    close=contacts.close_contacts,
    identify=lambda session, c: contacts.contacts_record(session, c)["organization"],
    checks=(_one_contacts_record_per_unit, _places_exist),
)
