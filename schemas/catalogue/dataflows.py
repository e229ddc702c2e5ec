"""Data flows between institutions and the once-only report."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import DetsisNumber, Schema


class DataflowQuerySchema(ma.Schema):
    organization = DetsisNumber(
        metadata={"description": "Only the flows of this unit's institution, in and out"}
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(("json", "graphml", "svg")),
        metadata={"description": "json, graphml (GraphML for Gephi, yEd, networkx) or svg"},
    )


class FlowNodeSchema(Schema):
    detsis_no = fields.String()
    name = fields.String()


class FlowEdgeSchema(Schema):
    from_ = fields.String(data_key="from", attribute="from", metadata={"description": "Issuer"})
    to = fields.String(metadata={"description": "The institution whose services ask for them"})
    documents = fields.List(fields.String(), metadata={"description": "Document codes"})
    services = fields.List(fields.String(), metadata={"description": "Services asking for them"})


class DataflowSchema(Schema):
    nodes = fields.List(fields.Nested(FlowNodeSchema))
    edges = fields.List(fields.Nested(FlowEdgeSchema))


class OnceOnlyQuerySchema(ma.Schema):
    organization = DetsisNumber(
        metadata={"description": "Services of this unit and of the units under it"}
    )
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))
    level = fields.String(
        load_default="document",
        validate=validate.OneOf(("document", "data")),
        metadata={
            "description": "document: documents an institution issues (this report); data: "
            "whether each document's data elements are shared (redirects, 307, to "
            "/api/v1/reports/once-only-data)"
        },
    )


class OnceOnlyRowSchema(Schema):
    service = fields.String(metadata={"description": "Service code"})
    service_name = fields.String()
    organization = fields.String(metadata={"description": "The service's institution"})
    document = fields.String(metadata={"description": "Document code"})
    document_name = fields.String()
    issuer = fields.String(metadata={"description": "DETSİS of the issuing institution"})
    issuer_name = fields.String()
    issuer_unit = fields.String(metadata={"description": "DETSİS of the issuing unit"})
    issuer_unit_name = fields.String()
    annual_volume = fields.Integer(
        allow_none=True, metadata={"description": "Yearly applications: papers it would save"}
    )
    same_institution = fields.Boolean(
        metadata={"description": "The institution asks citizens for its own document"}
    )
