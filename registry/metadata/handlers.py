"""Change requests for the metadata layer: how the workflow validates, scopes and applies them.

* ``data_element``, ``application``: records owned by one unit (``owned``): its coordinators
  file them, its institution's reviewers decide.
* ``document_elements``: what a document holds, the issuer's to say (a document of no issuer is
  the working group's); ``service_elements``: what a service takes and produces, its unit's.
* ``integration``: two institutions. The consumer's coordinator files it; the provider's
  institution agrees too (``touches``), and, two-step like a moved service, the consumer's
  institution approver as well, before the reviewers.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.catalogue import documents as document_records
from registry.catalogue import services as service_records
from registry.metadata import applications, elements, integrations
from registry.organizations import tree
from registry.workflow.handling import (
    Change,
    Proposal,
    RecordHandler,
    changes_something,
    named_unit,
    owned,
)
from schemas.metadata.records import (
    ApplicationInputSchema,
    ApplicationUpdateSchema,
    DataElementInputSchema,
    DataElementUpdateSchema,
    DocumentElementsSchema,
    IntegrationInputSchema,
    IntegrationUpdateSchema,
    ServiceElementsSchema,
)

DATA_ELEMENT = owned(
    entity=elements.ELEMENT,
    owner_field="owner",
    schemas=(DataElementInputSchema, DataElementUpdateSchema),
    get=elements.get_element,
    owner_id=lambda e: e.owner_id,
    record=elements.element_record,
    save=elements.save_element,
    close=elements.close_element,
    identify=lambda _session, e: str(e.id),
    checks=(elements.legal_basis_exists, elements.element_fits),
)


# -- applications: the owning unit's; retiring one is an update of its status --


def _owner_exists(session: Session, proposal: Proposal) -> None:
    if proposal.data.get("owner"):
        tree.unit_id_for(session, proposal.data["owner"], "data.owner")


def _application_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The owner, and the new owner when the data names one."""
    found: list[int | None] = []
    if target is not None:
        found.append(applications.get_application(session, target).owner_id)
    if isinstance(data.get("owner"), str):
        found.append(named_unit(session, data, "owner"))
    return found


def _application_live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    found = applications.get_application(session, target)
    return found.version, applications.application_record(session, found)


def _save_application(session: Session, change: Change) -> str:
    found = applications.save_application(
        session, change.target, change.data, provenance=change.provenance
    )
    return str(found.id)


APPLICATION = RecordHandler(
    entity=applications.ENTITY,
    schemas={"create": ApplicationInputSchema, "update": ApplicationUpdateSchema},
    checks=(changes_something, _owner_exists, applications.application_fits),
    scopes=_application_scopes,
    live=_application_live,
    appliers={"create": _save_application, "update": _save_application},
)


# -- what a document holds --


def _document_elements_fit(session: Session, proposal: Proposal) -> None:
    assert proposal.target is not None
    document_records.get_document(session, proposal.target)
    elements.active_elements(session, proposal.data["elements"], "data.elements")


def _document_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    assert target is not None
    return [document_records.get_document(session, target).issuer_id]


def _save_document_elements(session: Session, change: Change) -> str:
    assert change.target is not None
    return elements.save_document_elements(
        session, change.target, change.data["elements"], provenance=change.provenance
    )


class _Required(DocumentElementsSchema):
    @ma.validates_schema
    def complete(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("elements"):
            raise ma.ValidationError({"elements": ["Zorunlu alan / required field."]})


DOCUMENT_ELEMENTS = RecordHandler(
    entity=elements.DOCUMENT_ELEMENTS,
    schemas={"update": _Required},
    checks=(_document_elements_fit,),
    scopes=_document_scopes,
    live=elements.document_elements_live,
    appliers={"update": _save_document_elements},
)


# -- what a service takes and produces --


def _service_elements_fit(session: Session, proposal: Proposal) -> None:
    assert proposal.target is not None
    service_records.get_service(session, proposal.target)
    changes_something(session, Proposal("update", proposal.target, proposal.data, None))
    for name in ("inputs", "outputs"):
        if name in proposal.data:
            elements.active_elements(session, proposal.data[name], f"data.{name}")


def _service_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    assert target is not None
    return [service_records.get_service(session, target).organization_id]


def _save_service_elements(session: Session, change: Change) -> str:
    assert change.target is not None
    return elements.save_service_elements(
        session, change.target, change.data, provenance=change.provenance
    )


SERVICE_ELEMENTS = RecordHandler(
    entity=elements.SERVICE_ELEMENTS,
    schemas={"update": ServiceElementsSchema},
    checks=(_service_elements_fit,),
    scopes=_service_scopes,
    live=elements.service_elements_live,
    appliers={"update": _save_service_elements},
)


# -- integrations: filed by the consumer, agreed by the provider --


def _sides(
    session: Session, target: str | None, data: dict[str, Any], side: str
) -> list[int | None]:
    """The side's unit now and, when the data names a new one, that one too."""
    found: list[int | None] = []
    if target is not None:
        found.append(getattr(integrations.get_integration(session, target), f"{side}_id"))
    if isinstance(data.get(side), str):
        found.append(named_unit(session, data, side))
    return found


def _integration_scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    return _sides(session, target, data, "consumer")


def _integration_touches(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    return _sides(session, target, data, "provider")


def _integration_live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    found = integrations.get_integration(session, target)
    return found.version, integrations.integration_record(session, found)


def _provider_exists(session: Session, proposal: Proposal) -> None:
    for side in ("provider", "consumer"):
        if proposal.data.get(side):
            tree.unit_id_for(session, proposal.data[side], f"data.{side}")


def _save_integration(session: Session, change: Change) -> str:
    found = integrations.save_integration(
        session, change.target, change.data, provenance=change.provenance
    )
    return str(found.id)


INTEGRATION = RecordHandler(
    entity=integrations.ENTITY,
    schemas={"create": IntegrationInputSchema, "update": IntegrationUpdateSchema},
    checks=(
        changes_something,
        _provider_exists,
        elements.legal_basis_exists,
        integrations.integration_fits,
    ),
    scopes=_integration_scopes,
    touches=_integration_touches,
    live=_integration_live,
    appliers={"create": _save_integration, "update": _save_integration},
    two_step=True,
)

HANDLERS = (DATA_ELEMENT, DOCUMENT_ELEMENTS, SERVICE_ELEMENTS, INTEGRATION, APPLICATION)
