"""The metadata layer over HTTP: data elements, integrations, applications, their histories,
the data-level once-only report (JSON, CSV, XLSX) and an institution's IT landscape (JSON, SVG).

Reads only: every record is written through change requests (entities ``data_element``,
``document_elements``, ``service_elements``, ``integration``, ``application``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue import documents as document_records
from registry.catalogue import services as service_records
from registry.catalogue.dataflows_api import page_links
from registry.http.api import Blueprint
from registry.http.pages import offset_of
from registry.http.ratelimit import expensive_read
from registry.kernel import tabular
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.metadata import (
    applications,
    elements,
    integrations,
    landscape_picture,
    once_only,
    performance,
    report_files,
)
from registry.metadata.models import DataElement
from registry.organizations import tree
from registry.workflow.record_history import record_history
from schemas.metadata.views import (
    ApplicationQuerySchema,
    ApplicationSchema,
    DataElementSchema,
    DataOnceOnlyQuerySchema,
    DataOnceOnlyRowSchema,
    DocumentElementsViewSchema,
    ElementQuerySchema,
    IntegrationQuerySchema,
    IntegrationSchema,
    LandscapeQuerySchema,
    LandscapeSchema,
    PerformanceQuerySchema,
    PerformanceSchema,
    ServiceElementsViewSchema,
)
from schemas.workflow import RecordHistorySchema

blp = Blueprint(
    "metadata",
    __name__,
    url_prefix="/api/v1",
    description="Veri öğeleri, veri paylaşım entegrasyonları, e-devlet uygulamaları (üstveri)",
)
REPORT_PAGE, REPORT_MAX_PAGE = 500, 5000


def institution_id(number: str | None) -> int | None:
    """The institution of the unit a query names (404 for an unknown number)."""
    if not number:
        return None
    session = get_session()
    unit = tree.organization_id(session, number)
    return tree.institutions_of(session, [unit], today())[unit].organization_id


def _views(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    found = {e.id: e for e in session.scalars(select(DataElement).where(DataElement.id.in_(ids)))}
    return [elements.element_view(session, found[i]) for i in ids if i in found]


@blp.route("/data-elements")
class DataElements(MethodView):
    @blp.arguments(ElementQuerySchema, location="query")
    @blp.response(200, DataElementSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Active data elements by name; by name or synonym (Turkish-aware) and keeper"""
        session = get_session()
        owner = tree.organization_id(session, args["owner"]) if args.get("owner") else None
        found = elements.list_elements(session, args.get("q"), owner)
        return [elements.element_view(session, e) for e in found]


@blp.route("/data-elements/<int:element_id>")
class DataElementOne(MethodView):
    @blp.response(200, DataElementSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, element_id: int) -> Any:
        """A data element, with the documents holding it and the services using it"""
        session = get_session()
        return elements.element_view(session, elements.get_element(session, element_id))


@blp.route("/data-elements/<int:element_id>/history")
class DataElementHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, element_id: int) -> Any:
        """Every applied change of a data element"""
        element = elements.get_element(get_session(), element_id)
        return record_history(elements.ELEMENT, str(element_id), element.owner_id)


@blp.route("/documents/<string:code>/data-elements")
class DocumentElements(MethodView):
    @blp.response(200, DocumentElementsViewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """The data elements a document holds"""
        session = get_session()
        document = document_records.get_document(session, code)
        record = elements.document_elements_record(session, document)
        return {"document": code, "elements": _views(session, record["elements"])}


@blp.route("/services/<string:code>/data-elements")
class ServiceElements(MethodView):
    @blp.response(200, ServiceElementsViewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """The data elements a service takes and produces directly"""
        session = get_session()
        record = elements.service_elements_record(
            session, service_records.get_service(session, code)
        )
        return {
            "service": code,
            "inputs": _views(session, record["inputs"]),
            "outputs": _views(session, record["outputs"]),
        }


@blp.route("/integrations")
class Integrations(MethodView):
    @blp.arguments(IntegrationQuerySchema, location="query")
    @blp.response(200, IntegrationSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Data-sharing integrations; one institution's, in and out"""
        session = get_session()
        within = institution_id(args.get("organization"))
        found = integrations.list_integrations(session, within, args.get("status"))
        return [integrations.integration_record(session, i) for i in found]


@blp.route("/integrations/<int:integration_id>")
class IntegrationOne(MethodView):
    @blp.response(200, IntegrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: int) -> Any:
        """A data-sharing integration"""
        session = get_session()
        found = integrations.get_integration(session, integration_id)
        return integrations.integration_record(session, found)


@blp.route("/integrations/<int:integration_id>/history")
class IntegrationHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: int) -> Any:
        """Every applied change of an integration"""
        found = integrations.get_integration(get_session(), integration_id)
        return record_history(integrations.ENTITY, str(integration_id), found.consumer_id)


@blp.route("/applications")
class Applications(MethodView):
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """E-government applications; one institution's (its units' too)"""
        session = get_session()
        found = applications.list_applications(session, institution_id(args.get("organization")))
        return [applications.application_record(session, a) for a in found]


@blp.route("/applications/<int:application_id>")
class ApplicationOne(MethodView):
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, application_id: int) -> Any:
        """An e-government application: the services it delivers, the integrations it uses"""
        session = get_session()
        found = applications.get_application(session, application_id)
        return applications.application_record(session, found)


@blp.route("/applications/<int:application_id>/history")
class ApplicationHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, application_id: int) -> Any:
        """Every applied change of an application"""
        found = applications.get_application(get_session(), application_id)
        return record_history(applications.ENTITY, str(application_id), found.owner_id)


@blp.route("/organizations/<string:detsis_no>/it-landscape")
class Landscape(MethodView):
    @blp.arguments(LandscapeQuerySchema, location="query")
    @blp.response(200, LandscapeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """An institution's IT landscape: its applications, the integrations in and out

        ``format=svg`` draws it: partners it receives data from on the left, those it shares
        with on the right, its applications under it.
        """
        session = get_session()
        found = applications.landscape(session, institution_id(detsis_no) or 0)
        if args["format"] == "svg":
            picture = landscape_picture.draw(found)
            return current_app.response_class(picture, mimetype="image/svg+xml")
        return found


PERFORMANCE_COLUMNS = (
    ("service", "Hizmet kodu"),
    ("name", "Hizmet"),
    ("annual_volume", "Yıllık işlem sayısı"),
    ("electronic", "Elektronik kanal"),
    ("duration_ratio", "Ortalama süre / azami süre"),
    ("complaints", "Şikâyet"),
    ("satisfaction", "Memnuniyet (%)"),
)


@blp.route("/reports/performance")
class Performance(MethodView):
    @blp.arguments(PerformanceQuerySchema, location="query")
    @blp.response(200, PerformanceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """An institution's service delivery: electronic share, durations against the standards,
        complaints per 10,000 applications and their outcomes, satisfaction"""
        found = performance.report(get_session(), institution_id(args["organization"]) or 0)
        if args["format"] == "csv":
            body = tabular.to_csv(
                [label for _key, label in PERFORMANCE_COLUMNS],
                ([row[key] for key, _label in PERFORMANCE_COLUMNS] for row in found["rows"]),
            )
            response = current_app.response_class(body, mimetype="text/csv")
            response.headers["Content-Disposition"] = 'attachment; filename="performance.csv"'
            return response
        return found


@blp.route("/reports/once-only-data")
class DataOnceOnly(MethodView):
    @expensive_read
    @blp.arguments(DataOnceOnlyQuerySchema, location="query")
    @blp.response(200, DataOnceOnlyRowSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.paginate(page_size=REPORT_PAGE, max_page_size=REPORT_MAX_PAGE)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Once-only at the data level: for each document citizens bring, whether its data is
        already shared with the asking institution

        One row per document and asking institution, by the yearly volume of its services
        asking for it: `stop_asking` (every data element reaches it through an integration in
        use, or it keeps them), `extend_protocol` (some reach only another institution),
        `integration_needed`, or `undescribed` (the document's data elements are not recorded).
        Paginated (500 rows a page, at most 5,000); CSV and XLSX too.
        """
        return data_report(args, pagination_parameters)


def data_report(args: dict[str, Any], pagination_parameters: Any) -> Any:
    """The report's page in the asked format (also ``/reports/once-only?level=data``)."""
    session = get_session()
    page, total = once_only.report(
        session,
        institution_id(args.get("organization")),
        args.get("verdict"),
        offset_of(pagination_parameters),
        pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    headers = page_links(pagination_parameters, total)
    if args.get("format") in ("csv", "xlsx"):
        csv = args["format"] == "csv"
        body = report_files.to_csv(page) if csv else report_files.to_xlsx(page)
        response = current_app.response_class(
            body, mimetype="text/csv" if csv else report_files.XLSX_MIMETYPE
        )
        name = f"once-only-data.{args['format']}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response, 200, headers
    return page, 200, headers
