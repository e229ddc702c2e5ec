"""Content negotiation (JSON or XML) and HTTP caching for published data."""

from __future__ import annotations

from typing import Any, cast

import marshmallow as ma
from flask import Flask, Response, current_app, g, request

from registry.kernel.xml import to_xml

XML_MIMETYPES = ("application/xml", "text/xml")
EBYS_PREFIX = "/api/v1/ebys/"
# EBYS systems ask on every letter: a minute from their cache, then a cheap 304 on the ETag; and
# if the registry cannot be reached, a day of the last good answer rather than no letter at all.
EBYS_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"


def wants_xml() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", *XML_MIMETYPES])
    return best in XML_MIMETYPES


def negotiated(data: Any, schema: ma.Schema, xml_root: str) -> Any:
    """Return data for flask-smorest to dump as JSON, or a ready XML response when asked for."""
    if not wants_xml():
        return data
    body = to_xml(xml_root, schema.dump(data))
    return current_app.response_class(body, mimetype="application/xml")


def negotiated_response(data: Any, schema: ma.Schema, xml_root: str) -> Response:
    """Always a response: ``data`` dumped as the client asked, JSON as flask-smorest writes it."""
    if wants_xml():
        return current_app.response_class(
            to_xml(xml_root, schema.dump(data)), mimetype="application/xml"
        )
    return cast(Response, current_app.json.response(schema.dump(data)))


COMPLAINTS_PREFIX = "/api/v1/complaints"


def add_caching(response: Response) -> Response:
    """Strong ETag on every successful public GET, 304 on a matching If-None-Match; ``Vary`` on
    every answer that depends on who asks, so that no cache hands one caller's answer to
    another."""
    if request.path.startswith("/api/"):
        _vary_by_caller(response)
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and request.path.startswith("/api/v1/")
        and not response.direct_passthrough
        and response.mimetype in ("application/json", "application/xml")
    ):
        response.vary.add("Accept")
        if "X-Access-Key" in request.headers:
            # A citizen's own complaint: personal data, for nobody's cache.
            response.headers["Cache-Control"] = "no-store"
        elif "Authorization" in request.headers:
            response.cache_control.private = True
        elif request.path.startswith(EBYS_PREFIX):
            response.headers["Cache-Control"] = EBYS_CACHE_CONTROL
        else:
            response.cache_control.public = True
            response.cache_control.max_age = 60
        response.add_etag()
        response.make_conditional(request)
    return response


def _vary_by_caller(response: Response) -> None:
    """A view that asked who is calling (``accounts.auth.current_user`` keeps the answer in
    ``g.current_user``, even when it is "nobody") answers differently with a token: staff fields,
    scoped lists. Its anonymous answer varies too: a shared cache may serve a stored public
    answer to a request that carries a token. A complaint is read with its access key."""
    if "current_user" in g or "Authorization" in request.headers:
        response.vary.add("Authorization")
    if request.path.startswith(COMPLAINTS_PREFIX):
        response.vary.add("Authorization")
        response.vary.add("X-Access-Key")


def init_app(app: Flask) -> None:
    app.after_request(add_caching)
