"""Service standards tables: the published table in JSON, XML, CSV, XLSX or a printable page,
every version of it, and what changed between two versions."""

from __future__ import annotations

from typing import Any, cast

from flask import current_app, request
from flask.views import MethodView
from werkzeug.wrappers import Response

from registry.http.api import Blueprint
from registry.kernel.clock import aware
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from registry.kernel.xml import to_xml
from registry.standards import formats, publication
from registry.standards.models import ServiceStandardTable
from registry.standards.table_pages import render_table_page
from schemas.standards.tables import (
    ChangesQuerySchema,
    ServiceStandardsSchema,
    StandardsChangesSchema,
    StandardsQuerySchema,
    StandardsVersionsSchema,
)

blp = Blueprint(
    "standards",
    __name__,
    url_prefix="/api/v1/organizations",
    description="HSYS: hizmet standartları tabloları, sürümleri ve sürümler arası farklar",
)

MIMETYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "csv": "text/csv",
    "xlsx": formats.XLSX_MIMETYPE,
    "html": "text/html",
}
TABLE_SCHEMA = ServiceStandardsSchema()


def table_view(published: ServiceStandardTable) -> dict[str, Any]:
    content = published.content
    return {
        "organization": content["organization"]["detsis_no"],
        "organization_name": content["organization"]["name"],
        "institution": content["institution"],
        "version": published.version,
        "published_at": aware(published.published_at),
        "rows": content["rows"],
        "notice": content["notice"],
        "first_contact": content["first_contact"],
        "second_contact": content["second_contact"],
    }


def _chosen_format(args: dict[str, Any]) -> str:
    if args.get("format"):
        return str(args["format"])
    offered = ["application/json", "application/xml", "text/xml", *list(MIMETYPES.values())[2:]]
    best = request.accept_mimetypes.best_match(offered, default="application/json")
    return "xml" if best == "text/xml" else next(k for k, v in MIMETYPES.items() if v == best)


@blp.route("/<string:detsis_no>/service-standards")
class ServiceStandards(MethodView):
    @blp.arguments(StandardsQuerySchema, location="query")
    @blp.response(200, ServiceStandardsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Response:
        """The unit's published service standards table

        The table as it was last published (or `version`), with its publication date. `format`
        (or `Accept`) gives JSON, XML, CSV, XLSX or the printable A4-landscape page.
        """
        published = publication.published(get_session(), detsis_no, args.get("version"))
        chosen = _chosen_format(args)
        response: Response
        if chosen == "xml":
            body = to_xml("HizmetStandartlariTablosu", TABLE_SCHEMA.dump(table_view(published)))
            response = current_app.response_class(body, mimetype="application/xml")
        elif chosen == "json":
            response = cast(
                Response, current_app.json.response(TABLE_SCHEMA.dump(table_view(published)))
            )
        else:
            response = _file(published, chosen)
        response.last_modified = published.published_at
        return response


def _file(published: ServiceStandardTable, chosen: str) -> Response:
    number = published.content["organization"]["detsis_no"]
    if chosen == "html":
        body: bytes | str = render_table_page(get_session(), published)
    elif chosen == "csv":
        body = formats.to_csv(published.content, published.published_at, published.version)
    else:
        body = formats.to_xlsx(published.content, published.published_at, published.version)
    response = current_app.response_class(body, mimetype=MIMETYPES[chosen])
    if chosen != "html":
        name = f"hizmet-standartlari-{number}-v{published.version}.{chosen}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = 60
    response.set_etag(f"{published.digest[:32]}-{published.version}-{chosen}")
    return response.make_conditional(request)


@blp.route("/<string:detsis_no>/service-standards/versions")
class ServiceStandardsVersions(MethodView):
    @blp.response(200, StandardsVersionsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, detsis_no: str) -> dict[str, Any]:
        """Every published version of the unit's table, newest first"""
        return {
            "organization": detsis_no,
            "versions": publication.versions(get_session(), detsis_no),
        }


@blp.route("/<string:detsis_no>/service-standards/changes")
class ServiceStandardsChanges(MethodView):
    @blp.arguments(ChangesQuerySchema, location="query")
    @blp.response(200, StandardsChangesSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> dict[str, Any]:
        """What changed between two published versions (by default, the last two)

        Rows added and removed, rows changed field by field (by service code), and changed
        places of application.
        """
        session = get_session()
        newer = publication.published(session, detsis_no, args.get("to_version"))
        older_version = args.get("from_version") or newer.version - 1
        if older_version < 1 or older_version >= newer.version:
            raise InvalidInput(
                "Karşılaştırma için daha eski bir sürüm gerekir / `from` must be an older "
                "version than `to`.",
                errors={"from": [f"must be between 1 and {newer.version - 1}"]},
            )
        older = publication.published(session, detsis_no, older_version)
        return {
            "organization": detsis_no,
            "from_version": older.version,
            "to_version": newer.version,
            **publication.compare(older.content, newer.content),
        }
