"""KAYSİS-style registry: the application factory.

Nothing happens at import time; ``create_app`` wires configuration, database, API, pages and CLI.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from registry import api, cli, db, errors, health, observability, security_headers, web
    from registry.api import representations
    from registry.config import load_config
    from registry.services.standards import publication  # noqa: F401  # tables follow commits

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Turkish letters, not \u escapes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if not app.debug:
        logging.basicConfig(level=logging.INFO)

    api.install_converters(app)
    observability.init_app(app)
    db.init_app(app)
    errors.register_error_handlers(app)
    errors.register_database_error_handlers(app)
    app.extensions["registry.api"] = api.init_app(app)
    representations.init_app(app)
    security_headers.init_app(app)
    health.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
