"""Every kind of record the workflow handles, by its ``entity`` name.

Each context declares its handler (``registry.organizations.handler``…); this is the one place that
lists them, so adding a kind of record is one line here.
"""

from __future__ import annotations

from registry.catalogue import handlers as catalogue
from registry.ebys import handlers as ebys
from registry.legislation import handler as legislation
from registry.metadata import handlers as metadata
from registry.organizations import handler as organizations
from registry.reference import handlers as reference
from registry.search import handler as search
from registry.standards import handler as standards
from registry.workflow.handling import EntityHandler, RecordHandler

_ALL: list[RecordHandler] = [
    organizations.HANDLER,
    legislation.HANDLER,
    catalogue.SERVICE,
    catalogue.DOCUMENT,
    catalogue.DOCUMENT_NAME,
    *ebys.HANDLERS,
    standards.SERVICE_STANDARD,
    *reference.HANDLERS,
    search.SYNONYMS,
    *metadata.HANDLERS,
]
HANDLERS: dict[str, EntityHandler] = {handler.entity: handler for handler in _ALL}


def handler_for(entity: str) -> EntityHandler | None:
    return HANDLERS.get(entity)


def known_entities() -> list[str]:
    return sorted(HANDLERS)
