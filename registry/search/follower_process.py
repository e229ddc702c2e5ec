"""The search index follower as a process: ``python -m registry.search.follower_process``.

``registry serve`` starts it beside gunicorn (see ``follower``); nothing imports this module.
It is the node's one long-running process, so it also signs the periodic checkpoints of the
audit trail (docs/security.md, Tamper evidence) when a signing key is configured.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from registry.app import create_app
from registry.audit import checkpoints
from registry.http.observability import configure_logging
from registry.kernel.db import get_db
from registry.search.follower import follow

log = logging.getLogger(__name__)


def checkpoint_periodically(app: Flask, every: float, stop: threading.Event) -> None:
    """Every ``every`` seconds, sign a checkpoint if either chain moved since the last one.

    Several nodes may each do it: a second checkpoint of the same heads is harmless.
    """
    key = checkpoints.signing_key(app.config)
    if key is None:
        return
    directory = Path(app.config["CHECKPOINT_DIR"])
    while not stop.wait(every):
        try:
            with get_db(app).transaction() as session:
                if checkpoints.heads_moved(session):
                    taken = checkpoints.take(session, key, directory)
                    log.info(
                        "checkpoint signed",
                        extra={"fields": {"audit": taken.audit_seq, "ledger": taken.ledger_seq}},
                    )
        except (SQLAlchemyError, OSError):
            log.exception("checkpoint failed; retried at the next interval")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The search index follower of one node.")
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    app = create_app()
    configure_logging(app.config["LOG_FORMAT"])
    stop = threading.Event()
    threading.Thread(
        target=checkpoint_periodically,
        args=(app, app.config["CHECKPOINT_EVERY"] * 60, stop),
        name="checkpoints",
        daemon=True,
    ).start()
    try:
        follow(app, args.interval, parent=args.parent)
    finally:
        stop.set()


if __name__ == "__main__":
    main()
