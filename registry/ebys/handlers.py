"""Change requests for signatories, distribution lists and service-standard contacts.

The three share one shape: a record owned by one unit (its scope), created, updated or closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.ebys import records
from registry.kernel.errors import InvalidInput
from registry.organizations import tree
from registry.workflow.handling import Applied, load_data, require_change, require_reason
from schemas.correspondence import (
    DistributionListInputSchema,
    DistributionListUpdateSchema,
    ServiceStandardInputSchema,
    ServiceStandardUpdateSchema,
    SignatoryInputSchema,
    SignatoryUpdateSchema,
)


@dataclass
class OwnedRecordHandler:
    entity: str
    owner_field: str  # the data field naming the owning unit
    create_schema: type[ma.Schema]
    update_schema: type[ma.Schema]
    get: Callable[[Session, str], Any]
    owner_id: Callable[[Any], int]
    record: Callable[[Session, Any], dict[str, Any]]
    save: Callable[..., Any]
    identify: Callable[[Session, Any], str]
    check_create: Callable[[Session, dict[str, Any]], Any] | None = None
    actions: frozenset[str] = frozenset({"create", "update", "close"})
    two_step: bool = False

    def _schema(self, action: str) -> type[ma.Schema]:
        if action == "create":
            return self.create_schema
        return self.update_schema if action == "update" else ma.Schema

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        loaded = load_data(self._schema(action), data)
        require_change(action, loaded)
        require_reason(action, reason)
        if target is not None and self.get(session, target).status != "active":
            raise InvalidInput(
                "Kayıt kapatılmış / the record is closed.", errors={"target": ["closed"]}
            )
        if loaded.get(self.owner_field):
            tree.unit_id_for(session, loaded[self.owner_field], f"data.{self.owner_field}")
        if action == "create" and self.check_create is not None:
            self.check_create(session, loaded)
        for name in ("first_contact", "second_contact"):
            place = (loaded.get(name) or {}).get("organization")
            if place:
                tree.unit_id_for(session, place, f"data.{name}.organization")
        for index, recipient in enumerate(loaded.get("recipients") or []):
            tree.unit_id_for(session, recipient["detsis_no"], f"data.recipients.{index}.detsis_no")

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        scopes: list[int | None] = []
        if target is not None:
            scopes.append(self.owner_id(self.get(session, target)))
        owner = data.get(self.owner_field)
        if isinstance(owner, str):
            scopes.append(tree.unit_id_for(session, owner, f"data.{self.owner_field}"))
        return scopes

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        found = self.get(session, target)
        return found.version, self.record(session, found)

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
        loaded = load_data(self._schema(action), data)
        if action == "close":
            assert target is not None
            return Applied(
                self.entity, records.close(session, self.entity, target, provenance=provenance)
            )
        saved = self.save(session, target, loaded, provenance=provenance)
        return Applied(self.entity, self.identify(session, saved))


def handlers() -> list[OwnedRecordHandler]:
    return [
        OwnedRecordHandler(
            entity="signatory",
            owner_field="organization",
            create_schema=SignatoryInputSchema,
            update_schema=SignatoryUpdateSchema,
            get=records.get_signatory,
            owner_id=lambda s: s.organization_id,
            record=records.signatory_record,
            save=records.save_signatory,
            identify=lambda _session, s: str(s.id),
        ),
        OwnedRecordHandler(
            entity="distribution_list",
            owner_field="owner",
            create_schema=DistributionListInputSchema,
            update_schema=DistributionListUpdateSchema,
            get=records.get_distribution_list,
            owner_id=lambda d: d.owner_id,
            record=records.distribution_list_record,
            save=records.save_distribution_list,
            identify=lambda _session, d: str(d.id),
        ),
        OwnedRecordHandler(
            entity="service_standard",
            owner_field="organization",
            create_schema=ServiceStandardInputSchema,
            update_schema=ServiceStandardUpdateSchema,
            get=records.get_contacts,
            owner_id=lambda c: c.organization_id,
            record=records.contacts_record,
            save=records.save_contacts,
            identify=lambda session, c: records.contacts_record(session, c)["organization"],
            check_create=records.refuse_second_contacts,
        ),
    ]
