"""Request ids, JSON logs and Prometheus metrics: what an operator watches.

- Every request gets an id: the ``X-Request-Id`` the proxy sent (if it looks like one), else a
  new one. It is echoed in the response and written in every log line of the request, so one
  letter that failed can be followed from the load balancer to the database error.
- Logs are JSON lines (``REGISTRY_LOG_FORMAT=text`` for people at a terminal). The access line
  carries method, route, status and duration; never query strings or bodies, which may hold a
  citizen's words.
- An error's log line carries the request id, method, path and the exception's type and stack
  (file, line, function), never its message: a database error's message quotes the statement's
  parameters, which may be a complaint's text or a citizen's contact (``Redacted``).
- ``/metrics`` gives request counts and latency histograms per route and status class in
  Prometheus' text format. They are per process: each gunicorn worker counts its own requests
  and the answer names its ``pid``, so sum over the label (docs/deployment.md).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import traceback
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
access_log = logging.getLogger("registry.access")


class Redacted(logging.Filter):
    """Replaces a record's exception by its type and where it was raised: exception messages
    carry values (SQL parameters, a failed text), and logs must never hold a citizen's words.

    Attached to the app's logger (Flask logs unhandled errors there, with the traceback) and to
    the process's log handler, so every record with an exception is redacted before any handler
    formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error = record.exc_info[1]
        fields: dict[str, Any] = dict(getattr(record, "fields", {}))
        fields["exception"] = _type_name(error)
        fields["stack"] = _stack(error)
        causes: list[str] = []
        cause = error.__cause__ or error.__context__
        while cause is not None and len(causes) < 5:
            causes.append(_type_name(cause))
            cause = cause.__cause__ or cause.__context__
        if causes:
            fields["caused_by"] = causes
        if has_request_context():
            fields.setdefault("method", request.method)
            fields.setdefault("path", request.path)
            if "request_id" in g:
                fields["request_id"] = g.request_id
        record.fields = fields
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.msg = f"{record.getMessage()} ({fields['exception']})"
        record.args = ()
        return True


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _stack(error: BaseException) -> list[str]:
    """Where the error was raised, innermost last: file, line and function, no values."""
    frames = traceback.extract_tb(error.__traceback__)[-12:]
    return [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[1] is not None:  # a handler without ``Redacted``
            entry.setdefault("exception", _type_name(record.exc_info[1]))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(Redacted())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


class Metrics:
    """Counters and latency histograms per (method, route, status class), thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._sum: dict[tuple[str, str], float] = defaultdict(float)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self._count[(method, route, f"{status // 100}xx")] += 1
            key = (method, route)
            buckets = self._buckets.setdefault(key, [0] * (len(BUCKETS) + 1))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            buckets[-1] += 1
            self._sum[key] += seconds

    def render(self) -> str:
        pid = os.getpid()
        lines = [
            "# HELP registry_requests_total Requests answered, by route and status class.",
            "# TYPE registry_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), count in sorted(self._count.items()):
                labels = f'method="{method}",route="{route}",status="{status}",pid="{pid}"'
                lines.append(f"registry_requests_total{{{labels}}} {count}")
            lines += [
                "# HELP registry_request_seconds Time to answer, by route.",
                "# TYPE registry_request_seconds histogram",
            ]
            for (method, route), buckets in sorted(self._buckets.items()):
                labels = f'method="{method}",route="{route}",pid="{pid}"'
                for bound, count in zip((*map(str, BUCKETS), "+Inf"), buckets, strict=True):
                    lines.append(
                        f'registry_request_seconds_bucket{{{labels},le="{bound}"}} {count}'
                    )
                lines.append(
                    f"registry_request_seconds_sum{{{labels}}} {self._sum[(method, route)]:.6f}"
                )
                lines.append(f"registry_request_seconds_count{{{labels}}} {buckets[-1]}")
        return "\n".join(lines) + "\n"


def _start() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    if "request_id" not in g:
        return response
    seconds = time.perf_counter() - g.started
    response.headers["X-Request-Id"] = g.request_id
    route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
    if route != "/metrics":
        _metrics_of().observe(request.method, route, response.status_code, seconds)
    access_log.info(
        "%s %s %s",
        request.method,
        route,
        response.status_code,
        extra={
            "fields": {
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
            }
        },
    )
    return response


def _metrics_of() -> Metrics:
    metrics: Metrics = current_app.extensions["registry.metrics"]
    return metrics


def init_app(app: Flask) -> None:
    app.logger.addFilter(Redacted())  # unhandled errors are logged here, with their traceback
    app.extensions["registry.metrics"] = Metrics()
    app.before_request(_start)
    app.after_request(_finish)

    @app.get("/metrics")
    def metrics() -> Response:
        body = app.extensions["registry.metrics"].render()
        response = Response(body, content_type="text/plain; version=0.0.4; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
