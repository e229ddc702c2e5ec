"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from registry.kernel.db import get_db
from registry.search import service as search

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Any:
    """The process is alive; says nothing about its dependencies."""
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz() -> Any:
    """Ready to serve: the database answers (503 otherwise); the search index's state is shown."""
    checks: dict[str, str] = {}
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # any failure means "not ready"; the reason is reported, not raised
        checks["database"] = f"unavailable: {type(error).__name__}"
    if checks["database"] == "ok":
        with get_db().sessionmaker() as session:
            checks["search"] = search.status(current_app, session)
    # A degraded search still answers (from the database): reported, not a reason to stop traffic.
    ready = checks["database"] == "ok"
    response = jsonify(status="ready" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
