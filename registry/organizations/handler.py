"""Change requests for organization units: create, update, close, move."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import changes, tree
from registry.workflow.handling import Applied, load_data
from schemas.common import DETSIS_PATTERN
from schemas.organizations import UnitInputSchema, UnitUpdateSchema


class MoveSchema(ma.Schema):
    parent = ma.fields.String(required=True, validate=ma.validate.Regexp(DETSIS_PATTERN))


class CloseSchema(ma.Schema):
    successors = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(DETSIS_PATTERN)), load_default=list
    )


SCHEMAS: dict[str, type[ma.Schema]] = {
    "create": UnitInputSchema,
    "update": UnitUpdateSchema,
    "move": MoveSchema,
    "close": CloseSchema,
}


def _load(action: str, data: dict[str, Any]) -> dict[str, Any]:
    return load_data(SCHEMAS[action], data)


class OrganizationHandler:
    entity = "organization"
    actions = frozenset({"create", "update", "close", "move"})
    two_step = False

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        loaded = _load(action, data)
        if action == "update" and "parent" in loaded:
            raise InvalidInput(
                "Üst birim değişikliği 'move' ile istenir / use action 'move'.",
                errors={"data.parent": ["a new parent is a 'move' request"]},
            )
        if action == "update" and not loaded:
            raise InvalidInput(
                "Değişiklik yok / the request changes nothing.",
                errors={"data": ["name at least one field to change"]},
            )
        if action == "close" and not (reason and reason.strip()):
            raise InvalidInput(
                "Kapatma gerekçesi zorunludur / closing needs a reason.",
                errors={"reason": ["required to close a unit"]},
            )
        if target is not None:
            tree.current_version(session, target, today())
        for number in [loaded.get("parent")] if action in ("create", "move") else []:
            if number:
                _must_exist(session, number, "data.parent")
        for number in loaded.get("successors", []) if action == "close" else []:
            _must_exist(session, number, "data.successors")

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        parent = data.get("parent")
        if action == "create":
            return [tree.organization_id(session, parent) if parent else None]
        assert target is not None
        scopes: list[int | None] = [tree.organization_id(session, target)]
        if action == "move":
            scopes.append(tree.organization_id(session, parent) if parent else None)
        return scopes

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        _, version = tree.current_version(session, target, today())
        return version.version, changes.version_record(session, version)

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
        loaded = _load(action, data)
        if action == "create":
            organization = changes.create_unit(
                session, loaded, valid_from=effective_from, reason=reason, provenance=provenance
            )
            return Applied("organization", organization.detsis_no)
        assert target is not None
        if action == "update" or action == "move":
            changes.update_unit(
                session,
                target,
                loaded,
                valid_from=effective_from,
                reason=reason,
                provenance=provenance,
            )
        elif action == "close":
            changes.close_unit(
                session,
                target,
                valid_from=effective_from,
                reason=reason or "",
                successors=loaded["successors"],
                provenance=provenance,
            )
        return Applied("organization", target)


def _must_exist(session: Session, number: str, field: str) -> None:
    try:
        tree.organization_id(session, number)
    except (NotFound, InvalidInput) as error:
        raise InvalidInput(
            f"{number} numaralı birim yok / no such unit.", errors={field: [f"no unit {number}"]}
        ) from error
