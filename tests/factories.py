"""Small builders for test data, going through the same services as the real write path."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from registry.services import organization_changes as changes
from schemas.organizations import UnitInputSchema


def make_unit(
    session: Session,
    name: str,
    *,
    parent: str | None = None,
    valid_from: date = date(2020, 1, 1),
    detsis_no: str | None = None,
    **fields: Any,
) -> str:
    """Create a unit and return its DETSİS number."""
    data = UnitInputSchema().load(
        {"name": name, "parent": parent, "level": fields.pop("level", "central"), **fields}
    )
    organization = changes.create_unit(session, data, valid_from=valid_from, detsis_no=detsis_no)
    return organization.detsis_no
