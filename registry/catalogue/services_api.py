"""HEYS and DBYS: services and standard document names (writes are change requests)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import current_app, request
from flask.views import MethodView

from registry.audit import cached_reads, projections
from registry.catalogue import deadlines, document_samples, service_stats
from registry.catalogue import documents as document_records
from registry.catalogue import services as records
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.organizations import tree
from registry.workflow.record_history import record_history
from schemas.catalogue.services import (
    DocumentQuerySchema,
    DocumentSchema,
    DueDateQuerySchema,
    DueDateSchema,
    ServiceQuerySchema,
    ServiceSchema,
    ServiceStatsSchema,
)
from schemas.workflow import RecordHistorySchema

# One scan of every active service: computed once per change of a service or of the tree (the
# institutions it counts by) and per day, not per request (docs/benchmarks.md, issue 20).
_STATS: projections.PerDatabase[cached_reads.CachedRead[service_stats.ServiceStats]] = (
    cached_reads.per_database("organization", "service")
)

blp = Blueprint(
    "services",
    __name__,
    url_prefix="/api/v1",
    description="Hizmet envanteri (HEYS) ve standart belge adları (DBYS)",
)


@blp.route("/services")
class Services(MethodView):
    @blp.arguments(ServiceQuerySchema, location="query")
    @blp.response(200, ServiceSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Active services, by unit (with the units under it), kind, or words of the name"""
        session = get_session()
        organization = args.get("organization")
        filters = records.ServiceFilter(
            organization_ids=(
                tree.subtree_select(tree.organization_id(session, organization), today())
                if organization
                else None
            ),
            q=args.get("q"),
            kind=args.get("kind"),
        )
        services = page_of(session, records.list_services(filters), pagination_parameters)
        return records.service_views(session, services)


@blp.route("/services/stats")
class ServiceStats(MethodView):
    @blp.response(200, ServiceStatsSchema)
    def get(self) -> Any:
        """Counts per institution and kind, yearly volumes, the most used and slowest services"""
        session = get_session()
        return _STATS.of(session).answer(session, service_stats.stats)


@blp.route("/services/<string:code>")
class ServiceDetail(MethodView):
    @blp.response(200, ServiceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """One service"""
        session = get_session()
        return records.service_view(session, records.get_service(session, code))


@blp.route("/services/<string:code>/due-date")
class ServiceDueDate(MethodView):
    @blp.arguments(DueDateQuerySchema, location="query")
    @blp.response(200, DueDateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], code: str) -> Any:
        """The day the service's legal maximum (and its norm) run out for an application

        Working days skip weekends and Turkey's public and religious holidays; a period in days
        ending on a holiday runs to the next working day.
        """
        session = get_session()
        service = records.get_service(session, code)
        return deadlines.due_dates(service, args.get("start") or today())


@blp.route("/services/<string:code>/history")
class ServiceHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """Every applied change of the service: what and when; who, for authorized callers"""
        service = records.get_service(get_session(), code)
        return record_history("service", service.code, service.organization_id)


@blp.route("/documents")
class Documents(MethodView):
    @blp.arguments(DocumentQuerySchema, location="query")
    @blp.response(200, DocumentSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Standard document names, by words of the name"""
        session = get_session()
        documents = page_of(
            session, document_records.list_documents(args.get("q")), pagination_parameters
        )
        return document_records.document_views(session, documents)


@blp.route("/documents/<string:code>")
class DocumentDetail(MethodView):
    @blp.response(200, DocumentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """One document, with the services that issue it and those that ask for it"""
        session = get_session()
        return document_records.document_view(session, document_records.get_document(session, code))


@blp.route("/documents/<string:code>/sample")
class DocumentSampleFile(MethodView):
    @blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """The document's sample file (PDF, PNG or JPEG), with its own content type"""
        session = get_session()
        sample = document_samples.get(session, document_records.get_document(session, code))
        response = current_app.response_class(sample.content, mimetype=sample.content_type)
        response.headers["Content-Disposition"] = (
            f"inline; filename*=UTF-8''{quote(sample.filename)}"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response.set_etag(sample.sha256)
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response.make_conditional(request)


@blp.route("/documents/<string:code>/history")
class DocumentHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> Any:
        """Every applied change of the document name: what and when; who, for authorized callers"""
        document = document_records.get_document(get_session(), code)
        return record_history("document", document.code, document.issuer_id)
