"""Change requests for services (two-step approval) and standard document names."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.catalogue import documents as document_records
from registry.catalogue import services as records
from registry.kernel.errors import InvalidInput
from registry.workflow import review_tasks
from registry.workflow.handling import (
    Applied,
    load_data,
    named_unit,
    require_change,
    require_reason,
)
from schemas.services import (
    DocumentInputSchema,
    DocumentUpdateSchema,
    ServiceInputSchema,
    ServiceUpdateSchema,
)

SERVICE_SCHEMAS: dict[str, type[Schema]] = {
    "create": ServiceInputSchema,
    "update": ServiceUpdateSchema,
    "close": Schema,
}
DOCUMENT_SCHEMAS: dict[str, type[Schema]] = {
    "create": DocumentInputSchema,
    "update": DocumentUpdateSchema,
    "close": Schema,
}


class ServiceHandler:
    """A service is its providing unit's record; its institution approves before the reviewers."""

    entity = "service"
    actions = frozenset(SERVICE_SCHEMAS)
    two_step = True

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        loaded = load_data(SERVICE_SCHEMAS[action], data)
        require_change(action, loaded)
        require_reason(action, reason)
        if target is not None:
            service = records.get_service(session, target)
            if service.status != "active":
                raise InvalidInput(
                    "Hizmet kapatılmış / the service is closed.",
                    errors={"target": ["closed service"]},
                )
        records.check_service_references(session, loaded)

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        scopes: list[int | None] = []
        if target is not None:
            scopes.append(records.get_service(session, target).organization_id)
        if data.get("organization"):
            scopes.append(named_unit(session, data, "organization"))
        return scopes

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        service = records.get_service(session, target)
        return service.version, records.service_record(session, service)

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        loaded = load_data(SERVICE_SCHEMAS[action], data)
        if action == "create":
            service = records.create_service(session, loaded, provenance=provenance)
        elif action == "update":
            assert target is not None
            service = records.update_service(session, target, loaded, provenance=provenance)
            review_tasks.resolve_for_service(session, service, provenance.approved_by)
        else:
            assert target is not None
            service = records.close_service(session, target, provenance=provenance)
            review_tasks.resolve_for_service(session, service, provenance.approved_by)
        return Applied("service", service.code)


class DocumentHandler:
    """A document name is its issuer's record; names issued by no institution are the group's."""

    entity = "document"
    actions = frozenset(DOCUMENT_SCHEMAS)
    two_step = False

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        loaded = load_data(DOCUMENT_SCHEMAS[action], data)
        require_change(action, loaded)
        require_reason(action, reason)
        document = document_records.get_document(session, target) if target is not None else None
        if action != "close":
            document_records.check_document_names(session, document, loaded)

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        scopes: list[int | None] = []
        if target is not None:
            scopes.append(document_records.get_document(session, target).issuer_id)
        if action == "create" or "issuer" in data:
            scopes.append(named_unit(session, data, "issuer"))
        return scopes

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        document = document_records.get_document(session, target)
        return document.version, document_records.document_record(session, document)

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        loaded = load_data(DOCUMENT_SCHEMAS[action], data)
        if action == "create":
            document = document_records.create_document(session, loaded, provenance=provenance)
        elif action == "update":
            assert target is not None
            document = document_records.update_document(
                session, target, loaded, provenance=provenance
            )
        else:
            assert target is not None
            document = document_records.close_document(session, target, provenance=provenance)
        return Applied("document", document.code)
