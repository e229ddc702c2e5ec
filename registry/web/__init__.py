"""Public pages, server-rendered in Turkish; they work without JavaScript."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

from registry.clock import today
from registry.db import get_session
from registry.errors import InvalidInput
from registry.services import organization_tree as tree

blp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)

PAGE_SIZE = 50


@blp.get("/")
def home() -> str:
    q = (request.args.get("q") or "").strip()[:200]
    units: list[tree.UnitView] = []
    total = 0
    if q:
        try:
            units, total = tree.list_units(
                get_session(), tree.UnitFilter(q=q), today(), 0, PAGE_SIZE
            )
        except InvalidInput:
            units, total = [], 0
    return render_template("home.html", q=q, units=units, total=total)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
