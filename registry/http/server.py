"""Run the app under gunicorn from ``registry serve`` (no separate config file to ship).

Slow clients must not take the node down. A client that sends its headers and then trickles its
body one byte a second holds whatever reads that body; with gunicorn's sync workers that is a
whole worker, and eight such sockets stalled every request (``/healthz`` included) for over a
minute. So:

* the worker class is always ``gthread``: the main loop of each worker waits for a request's
  first bytes without a thread, and a request only takes a thread of the pool once it arrives;
* every request body is read by ``BodyDeadline`` before the app sees it, each read bounded by
  ``BODY_READ_TIMEOUT`` and the whole body by ``BODY_DEADLINE``: a trickling client gets a 408
  after that and its thread is free again;
* the threads (``registry serve --threads``, 16 by default) outnumber what a handful of slow
  sockets can hold.

The proxy in front buffers request bodies (docs/deployment.md), so in production a slow client
is the proxy's to wait for; these bounds hold when it does not.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from registry.http.observability import configure_logging
from registry.http.warm import warm

BODY_READ_TIMEOUT = 5.0  # seconds one read of the body may wait for bytes
BODY_DEADLINE = 15.0  # seconds the whole body may take: 2 MB at a slow mobile's 150 kB/s
_CHUNK = 64 * 1024

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class BodyDeadline:
    """WSGI middleware: the request body is read in full, within a deadline, before the app
    runs; the app reads it from memory. A body larger than ``max_bytes`` is left to the app
    (Flask answers 413 from the Content-Length without reading it)."""

    def __init__(self, app: WsgiApp, max_bytes: int, deadline: float = BODY_DEADLINE) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.deadline = deadline

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length is None or length == 0 or length > self.max_bytes) and not chunked:
            return self.app(environ, start_response)
        body = self._read(environ, length)
        if body is None:
            return _timed_out(start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = True
        return self.app(environ, start_response)

    def _read(self, environ: Environ, length: int | None) -> bytes | None:
        """The body, or None when the client did not send it in time."""
        stream = environ["wsgi.input"]
        sock: socket.socket | None = environ.get("gunicorn.socket")
        ends_at = time.monotonic() + self.deadline
        wanted = length if length is not None else self.max_bytes + 1
        parts: list[bytes] = []
        received = 0
        if sock is not None:
            sock.settimeout(BODY_READ_TIMEOUT)
        complete = False
        try:
            while received < wanted:
                if time.monotonic() > ends_at:
                    return None
                chunk = stream.read(min(_CHUNK, wanted - received))
                if not chunk:
                    break
                parts.append(chunk)
                received += len(chunk)
            complete = True
        except OSError:  # TimeoutError included: no byte within BODY_READ_TIMEOUT
            return None
        finally:
            if sock is not None:
                sock.settimeout(None)
                if not complete:
                    _stop_reading(sock)
        return b"".join(parts)


def _stop_reading(sock: socket.socket) -> None:
    """Read nothing more from a client that ran out of time: gunicorn drains a socket before
    closing it, in the worker's main loop, for up to two seconds; a client that keeps silent
    (or keeps trickling) would hold every other connection of the worker that long."""
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:  # already gone
        pass


def _content_length(environ: Environ) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _timed_out(start_response: StartResponse) -> list[bytes]:
    body = json.dumps(
        {
            "type": "https://kaysis.example/problems/request-timeout",
            "title": "Request Timeout",
            "status": 408,
            "detail": (
                "İstek gövdesi zamanında gelmedi / the request body did not arrive in time."
            ),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    start_response(
        "408 Request Timeout",
        [
            ("Content-Type", "application/problem+json"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]


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
        app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]  # the documented way
            app.wsgi_app, int(app.config["MAX_CONTENT_LENGTH"])
        )
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
            "threads": max(threads, 2),
            "worker_class": "gthread",  # waiting for a slow request holds no thread (see above)
            "accesslog": None,  # the app writes one JSON line per request, with its id
            "timeout": 30,
            "graceful_timeout": 20,
            "keepalive": 5,
            # Headers: gunicorn's own bounds on their number and size.
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
        },
        app_factory,
    ).run()
