"""What a worker loads at its start, so that no caller's request waits for it."""

from __future__ import annotations

from flask import Flask

from registry.search import service as search_service
from registry.services import legal_graph


def warm(app: Flask) -> None:
    """The legal graph, and the search index's field lengths; each logs and skips what is not
    there yet (a database not migrated, an index not built): the first request loads it then."""
    legal_graph.warm(app)
    search_service.warm(app)
