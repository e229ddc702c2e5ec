"""What a worker loads at its start, so that no caller's request waits for it."""

from __future__ import annotations

import logging

from flask import Flask

from registry.legislation import graph as legal_graph
from registry.search import service as search_service

logger = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """The legal graph, and the search index's field lengths; each logs and skips what is not
    there yet (a database not migrated, an index not built): the first request loads it then.

    Nothing here may stop a worker from starting: gunicorn shuts the whole node down when a
    worker fails to boot, and warming is only a head start.
    """
    for part in (legal_graph.warm, search_service.warm):
        try:
            part(app)
        except Exception:
            logger.exception("warming skipped (%s): the first request loads it", part.__module__)
