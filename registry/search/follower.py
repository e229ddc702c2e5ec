"""The single writer that keeps the search index current by following the change feed.

``registry serve`` starts it as one separate process beside gunicorn's workers (the workers only
read the index); ``registry index-follow`` runs it alone, e.g. on a node that has its own index
directory and shares the PostgreSQL of a cluster. A node without an index builds one first.

It is started as a plain subprocess (``python -m registry.search.follower_process``), not a
``multiprocessing`` child: gunicorn forks its workers after it, each would inherit it as its own
child, and multiprocessing's exit handler in a worker that ends (a reload, a restart) would
terminate the node's follower. It stops by itself when the server that started it is gone.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from registry.ebys import projection as ebys_projection
from registry.kernel.db import get_db
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


def follow(
    app: Flask, interval: float, stop_after: int | None = None, parent: int | None = None
) -> None:
    """Poll the change feed every ``interval`` seconds (``stop_after`` steps, for tests; until
    process ``parent`` is gone, when one is given).

    Neither an unreachable database nor an index that cannot be written stops the follower: it
    logs why and tries again next time. Meanwhile the registry takes writes as usual, searches
    answer from the index as it was, and /readyz reports search as degraded once the index has
    fallen behind (``INDEX_STALE_AFTER``).
    """
    done = 0
    while stop_after is None or done < stop_after:
        if parent is not None and os.getppid() != parent:
            logger.info("search follower: the server is gone; stopping")
            return
        try:
            changed = step(app)
            if changed:
                logger.info("search index: %d records updated", changed)
        except SQLAlchemyError as error:
            logger.warning("search follower: database unavailable (%s)", type(error).__name__)
        except index.UNREADABLE_INDEX as error:
            logger.error("search follower: cannot write the index (%s)", error)
        try:  # the EBYS facts projection follows the same feed (registry/ebys/projection.py)
            done_facts = ebys_projection.catch_up(get_db(app).engine)
            if done_facts in ("updated", "rebuilt"):
                logger.info("EBYS facts projection %s", done_facts)
        except SQLAlchemyError as error:
            logger.warning("EBYS facts: database unavailable (%s)", type(error).__name__)
        done += 1
        if stop_after is None or done < stop_after:
            time.sleep(interval)


def start_process(interval: float = 2.0) -> subprocess.Popen[bytes]:
    """The follower as a process of its own, stopping when this one is gone."""
    command = [sys.executable, "-m", "registry.search.follower_process"]
    command += ["--interval", str(interval)]
    return subprocess.Popen([*command, "--parent", str(os.getpid())])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)
