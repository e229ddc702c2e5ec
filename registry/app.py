"""The application factory: configuration, database, the contexts' APIs and pages, and the CLI.

Nothing happens at import time; each ``create_app`` builds an independent app (tests make many).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from registry import models  # noqa: F401  # every table on Base.metadata before mappers configure
from registry.audit import api as changes_api
from registry.backoffice import pages as backoffice
from registry.catalogue import dataflows_api, document_pages, documents_api, services_api
from registry.cli import commands
from registry.ebys import api as ebys_api
from registry.ebys import units_api as ebys_units_api
from registry.http import api, guard, health, observability, representations, security_headers
from registry.kaysis import blueprint as kaysis
from registry.kernel import db, errors
from registry.kernel.config import load_config
from registry.legislation import api as legislation_api
from registry.legislation import pages as legislation_pages
from registry.metadata import api as metadata_api
from registry.metadata import pages as metadata_pages
from registry.organizations import api as organizations_api
from registry.reference import api as reference_api
from registry.scim import api as scim
from registry.search import api as search_api
from registry.standards import citizen_pages, complaints_api, table_pages, tables_api
from registry.web import browse, directory, formatting, open_data_pages, site, unit_profile
from registry.workflow import batches_api, data_shapes, requests_api, review_tasks_api

# The API's resources, in the order the documentation lists them.
API_BLUEPRINTS = (
    organizations_api.blp,
    requests_api.blp,
    batches_api.blp,
    changes_api.blp,
    legislation_api.blp,
    services_api.blp,
    documents_api.blp,
    dataflows_api.blp,
    search_api.blp,
    review_tasks_api.blp,
    ebys_api.blp,
    complaints_api.blp,
    complaints_api.surveys_blp,
    tables_api.blp,
    reference_api.blp,
    reference_api.tables_blp,
    ebys_units_api.blp,
    metadata_api.blp,
)
# Modules whose views attach to the public site's blueprint when imported.
SITE_PAGES = (
    browse,
    directory,
    unit_profile,
    legislation_pages,
    document_pages,
    table_pages,
    citizen_pages,
    formatting,
    metadata_pages,
    open_data_pages,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Turkish letters, not \u escapes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if not app.debug:
        logging.basicConfig(level=logging.INFO)

    api.install_converters(app)
    observability.init_app(app)
    guard.init_app(app)  # control characters and deep JSON refused before any view
    db.init_app(app)
    errors.register_error_handlers(app)
    errors.register_database_error_handlers(app)
    app.extensions["registry.api"] = api.init_app(app, API_BLUEPRINTS)
    data_shapes.document_data_shapes(app.extensions["registry.api"])  # change requests' data
    representations.init_app(app)
    security_headers.init_app(app)
    health.init_app(app)
    app.register_blueprint(site.blp)
    app.register_blueprint(kaysis.blp)  # the KAYSİS SOAP service, outside the REST API
    app.register_blueprint(backoffice.blp)  # the back office, /manage (signed-in staff)
    app.register_blueprint(scim.blp)  # HR provisioning, SCIM 2.0 at /scim/v2 (hr accounts)
    commands.install(app)
    return app
