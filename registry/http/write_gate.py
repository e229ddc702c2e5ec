"""The API's writes: who is calling is settled first, then what the body is, then its contents.

Before any validation, a write under ``/api/`` (POST, PUT, PATCH, DELETE) that is not a public
write (``ratelimit.public_write``: filing a complaint, rating a service) needs a valid bearer
token: without one the answer is 401 and nothing of the body or the query is judged, so an
anonymous caller learns nothing about a route's fields. Then a body that is not JSON is 415: the
API reads JSON only, and a form or plain text would otherwise come back as a list of "missing"
fields. A write without a body (``…/approve``) passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from registry.accounts.auth import require_user
from registry.http.ratelimit import is_public_write
from registry.kernel.db import write_session

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PATHS = ("/api/",)


def check_write() -> None:
    """401 for an anonymous non-public API write, then 415 for a body that is not JSON."""
    if request.method not in WRITE_METHODS or not request.path.startswith(API_PATHS):
        return
    handler = _handler()
    if handler is None:  # no such route: the router answers 404/405
        return
    if not is_public_write(handler):
        write_session()  # the write's transaction first, as every write view opens it
        require_user()
    if _has_body() and not _is_json(request.mimetype):
        raise UnsupportedMediaType(
            "İstek gövdesi JSON olmalı (Content-Type: application/json) / the request body must "
            "be JSON (Content-Type: application/json)."
        )


def _handler() -> Callable[..., Any] | None:
    """The function that answers this request: the view, or a MethodView's method."""
    if request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method: Callable[..., Any] | None = getattr(view_class, request.method.lower(), None)
        return method
    return view


def _has_body() -> bool:
    if request.content_length:
        return True
    return request.headers.get("Transfer-Encoding", "").lower() == "chunked"


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")
