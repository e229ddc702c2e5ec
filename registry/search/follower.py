"""The single writer that keeps the search index current by following the change feed.

``registry serve`` starts it as one separate process beside gunicorn's workers (the workers only
read the index); ``registry index-follow`` runs it alone, e.g. on a node that has its own index
directory and shares the PostgreSQL of a cluster. A node without an index builds one first.
"""

from __future__ import annotations

import logging
import multiprocessing
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from registry.db import get_db
from registry.search import index

logger = logging.getLogger(__name__)


def step(app: Flask) -> int:
    """Build the index if there is none or it is unreadable, else apply the changes since it was
    last updated. A failure to write (a full disk, an unwritable directory) is raised."""
    index_dir = app.config["INDEX_DIR"]
    with get_db(app).sessionmaker() as session:
        if index.current_path(index_dir) is None:
            return index.rebuild(session, index_dir).documents
        try:
            index.check_readable(index_dir)
        except index.UNREADABLE_INDEX as error:
            logger.warning("search index unreadable (%s): rebuilding", type(error).__name__)
            return index.rebuild(session, index_dir).documents
        return index.catch_up(session, index_dir)


def follow(app: Flask, interval: float, stop_after: int | None = None) -> None:
    """Poll the change feed every ``interval`` seconds (``stop_after`` steps, for tests).

    Neither an unreachable database nor an index that cannot be written stops the follower: it
    logs why and tries again next time. Meanwhile the registry takes writes as usual, searches
    answer from the index as it was, and /readyz reports search as degraded once the index has
    fallen behind (``INDEX_STALE_AFTER``).
    """
    done = 0
    while stop_after is None or done < stop_after:
        try:
            changed = step(app)
            if changed:
                logger.info("search index: %d records updated", changed)
        except SQLAlchemyError as error:
            logger.warning("search follower: database unavailable (%s)", type(error).__name__)
        except index.UNREADABLE_INDEX as error:
            logger.error("search follower: cannot write the index (%s)", error)
        done += 1
        if stop_after is None or done < stop_after:
            time.sleep(interval)


def _run(interval: float) -> None:
    from registry import create_app

    follow(create_app(), interval)


def start_process(interval: float = 2.0) -> multiprocessing.process.BaseProcess:
    """The follower as a daemon process (it ends with the server that started it)."""
    process = multiprocessing.get_context("spawn").Process(
        target=_run, args=(interval,), name="registry-index-follower", daemon=True
    )
    process.start()
    return process
