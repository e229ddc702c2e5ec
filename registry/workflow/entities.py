"""Every kind of record the workflow handles, by its ``entity`` name.

Each context owns its handler (``registry.organizations.handler``…); this is the one place that
lists them, so adding a kind of record is one line here.
"""

from __future__ import annotations

from registry.catalogue.handlers import DocumentHandler, ServiceHandler
from registry.ebys import handlers as ebys_handlers
from registry.legislation.handler import LegislationHandler
from registry.organizations.handler import OrganizationHandler
from registry.workflow.handling import EntityHandler

_ALL: list[EntityHandler] = [
    OrganizationHandler(),
    LegislationHandler(),
    ServiceHandler(),
    DocumentHandler(),
    *ebys_handlers.handlers(),
]
HANDLERS: dict[str, EntityHandler] = {handler.entity: handler for handler in _ALL}


def handler_for(entity: str) -> EntityHandler | None:
    return HANDLERS.get(entity)


def known_entities() -> list[str]:
    return sorted(HANDLERS)
