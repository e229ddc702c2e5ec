"""The JSON API under /api/v1: one ``Api`` object, one blueprint per resource.

This module owns the flask-smorest base classes so that error handling, pagination defaults and the
documented error shape stay consistent across resources.
"""

from __future__ import annotations

import http
import re
from collections.abc import Iterable
from typing import Any

import swagger_ui_bundle
from flask import Flask, Response, current_app, json, send_from_directory
from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from registry.kernel.errors import PROBLEM_MIMETYPE, render_http_exception
from schemas.common import MAX_ID, ProblemSchema

API_PREFIX = "/api/v1"


class BoundedInteger(IntegerConverter):
    """``<int:…>`` in a path: ids are 32-bit integers in PostgreSQL, so a larger number names
    nothing (404) instead of overflowing the database."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any route is added: the converters every ``<int:…>`` path uses."""
    app.url_map.converters["int"] = BoundedInteger


class Blueprint(_Blueprint):
    """Lists default to 50 items, at most 500, as the contract says."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}


class Api(_Api):
    """flask-smorest ``Api`` whose errors, and their documentation, are RFC 9457 problems."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return render_http_exception(error)

    def _register_responses(self) -> None:
        # Same as flask-smorest's, but documented as application/problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _openapi_json(self) -> Response:
        # As flask-smorest serves it, with the docstrings' reST turned into clean text.
        return current_app.response_class(
            json.dumps(clean_text(self.spec.to_dict()), indent=2, sort_keys=False),
            mimetype="application/json",
        )


# The views' docstrings are written for Python readers (``at``, :class:`X`); an OpenAPI
# description is CommonMark and a summary is plain text.
_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)
_ROLE = re.compile(r":(?:class|func|meth|attr|mod|ref|data|obj|exc|py:\w+):`~?([^`]+)`")
_TEXT_KEYS = {"summary": r"\1", "description": r"`\1`"}


def clean_text(document: Any) -> Any:
    """The OpenAPI document with its summaries and descriptions free of reST markup."""
    if isinstance(document, list):
        return [clean_text(item) for item in document]
    if not isinstance(document, dict):
        return document
    cleaned: dict[str, Any] = {}
    for key, value in document.items():
        if key in _TEXT_KEYS and isinstance(value, str):
            value = _LITERAL.sub(_TEXT_KEYS[key], _ROLE.sub(r"\1", value))
        cleaned[key] = clean_text(value)
    return cleaned


def init_app(app: Flask, blueprints: Iterable[_Blueprint]) -> Api:
    """Create the app's ``Api`` (one per app, so several apps can live in one process) serving
    the contexts' ``blueprints``."""
    api = Api()
    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Devlet teşkilatı, mevzuat, hizmet envanteri ve EBYS sorgu servisleri. "
                    "Published data is readable without a token; writes go through change requests."
                ),
            },
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "registry users create"}
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    _serve_swagger_ui_assets(app)
    return api


def _serve_swagger_ui_assets(app: Flask) -> None:
    """Serve Swagger UI from the installed package so /api/v1/docs works without the internet."""
    folder = swagger_ui_bundle.swagger_ui_path

    def swagger_ui_asset(filename: str) -> Response:
        return send_from_directory(folder, filename, max_age=86400)

    app.add_url_rule(
        f"{API_PREFIX}/swagger-ui/<path:filename>", "swagger_ui_asset", swagger_ui_asset
    )
