"""Run the app under gunicorn from ``registry serve`` (no separate config file to ship)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from registry.http.observability import configure_logging
from registry.http.warm import warm


class RegistryServer(BaseApplication):  # gunicorn ships no type hints: BaseApplication is Any
    def __init__(self, options: dict[str, Any], app_factory: Callable[[], Flask]) -> None:
        self.options = options
        self.app_factory = app_factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """Each worker builds its own app (its own connection pool) after the fork."""
        app = self.app_factory()
        configure_logging(app.config["LOG_FORMAT"])
        warm(app)  # each worker loads the legal graph and search caches at start
        return app


def run_gunicorn(
    app_factory: Callable[[], Flask],
    host: str,
    port: int,
    workers: int,
    threads: int,
    on_exit: Callable[[], None] | None = None,
) -> None:
    """Serve until stopped; ``on_exit`` runs once, in the server process (not in the workers
    forked from it), when it shuts down."""
    hooks = {"on_exit": lambda _arbiter: on_exit()} if on_exit is not None else {}
    RegistryServer(
        {
            **hooks,
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": None,  # the app writes one JSON line per request, with its id
            "timeout": 30,
            "graceful_timeout": 20,
        },
        app_factory,
    ).run()
