"""The search index follower as a process: ``python -m registry.search.follower_process``.

``registry serve`` starts it beside gunicorn (see ``follower``); nothing imports this module.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from registry.app import create_app
from registry.http.observability import configure_logging
from registry.search.follower import follow


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The search index follower of one node.")
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    app = create_app()
    configure_logging(app.config["LOG_FORMAT"])
    follow(app, args.interval, parent=args.parent)


if __name__ == "__main__":
    main()
