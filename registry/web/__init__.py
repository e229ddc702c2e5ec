"""Public pages, server-rendered in Turkish; they work without JavaScript.

One blueprint; its views live in ``browse`` (home, search, units, services), ``standards_page``
(the printable table) and ``citizen`` (complaints and the survey).
"""

from __future__ import annotations

from flask import Blueprint, Flask

blp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)


def init_app(app: Flask) -> None:
    from registry.web import browse, citizen, standards_page  # noqa: F401  # attach the views

    app.register_blueprint(blp)
