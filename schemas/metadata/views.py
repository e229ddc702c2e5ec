"""What the metadata layer's API answers: records, query arguments and the reports."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from registry.metadata.models import Lifecycle
from registry.metadata.once_only import Verdict
from schemas.common import DetsisNumber, Schema


class ElementQuerySchema(ma.Schema):
    q = fields.String(validate=validate.Length(1, 200), metadata={"description": "Name, synonym"})
    owner = DetsisNumber(metadata={"description": "Elements this institution keeps"})


class ElementUseSchema(Schema):
    service = fields.String()
    direction = fields.String(metadata={"description": "input or output"})


class DataElementSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    definition = fields.String()
    data_type = fields.String()
    format = fields.String(allow_none=True)
    code_list = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    owner = fields.String(metadata={"description": "DETSİS number of the keeping institution"})
    legal_basis = fields.Integer(allow_none=True, metadata={"description": "Legislation id"})
    provision = fields.String(allow_none=True)
    personal_data = fields.String(metadata={"description": "KVKK: none, ordinary, special"})
    synonyms = fields.List(fields.String())
    status = fields.String()
    version = fields.Integer()
    documents = fields.List(fields.String(), metadata={"description": "Documents holding it"})
    services = fields.List(fields.Nested(ElementUseSchema))


class DocumentElementsViewSchema(Schema):
    document = fields.String()
    elements = fields.List(fields.Nested(DataElementSchema))


class ServiceElementsViewSchema(Schema):
    service = fields.String()
    inputs = fields.List(fields.Nested(DataElementSchema))
    outputs = fields.List(fields.Nested(DataElementSchema))


class IntegrationQuerySchema(ma.Schema):
    organization = DetsisNumber(metadata={"description": "Its institution's, in and out"})
    status = fields.String(validate=validate.OneOf([s.value for s in Lifecycle]))


class PartySchema(Schema):
    detsis_no = fields.String()
    name = fields.String()


class IntegrationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    provider = fields.String()
    consumer = fields.String()
    elements = fields.List(fields.Integer(), metadata={"description": "Data element ids"})
    legal_basis = fields.Integer(allow_none=True)
    provision = fields.String(allow_none=True)
    protocol_no = fields.String(allow_none=True)
    protocol_date = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    channel = fields.String(metadata={"description": "web_service, file_transfer, e_devlet"})
    address = fields.String(allow_none=True)
    api_description = fields.String(allow_none=True, metadata={"description": "WSDL/OpenAPI"})
    status = fields.String(metadata={"description": "planned, in_use, retired"})
    version = fields.Integer()
    other = fields.Nested(PartySchema, metadata={"description": "In a landscape: the other side"})


class ApplicationQuerySchema(ma.Schema):
    organization = DetsisNumber(metadata={"description": "Its institution's applications"})


class DeliveryViewSchema(Schema):
    service = fields.String()
    channel = fields.String(metadata={"description": "e_devlet, portal, mobile"})


class IntegrationUseViewSchema(Schema):
    integration = fields.Integer()
    role = fields.String(metadata={"description": "offers or uses"})


class ApplicationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    owner = fields.String()
    url = fields.String(allow_none=True)
    hosting = fields.String()
    status = fields.String()
    services = fields.List(fields.Nested(DeliveryViewSchema))
    integrations = fields.List(fields.Nested(IntegrationUseViewSchema))
    version = fields.Integer()


class LandscapeQuerySchema(ma.Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "svg")))


class LandscapeSchema(Schema):
    institution = fields.Nested(PartySchema)
    applications = fields.List(fields.Nested(ApplicationSchema))
    integrations_in = fields.List(fields.Nested(IntegrationSchema))
    integrations_out = fields.List(fields.Nested(IntegrationSchema))


class DataOnceOnlyQuerySchema(ma.Schema):
    organization = DetsisNumber(metadata={"description": "Rows of this unit's institution"})
    verdict = fields.String(validate=validate.OneOf([v.value for v in Verdict]))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


class DataOnceOnlyRowSchema(Schema):
    document = fields.String()
    document_name = fields.String()
    organization = fields.String(metadata={"description": "The asking institution"})
    organization_name = fields.String()
    services = fields.List(fields.String(), metadata={"description": "Its services asking"})
    annual_volume = fields.Integer(metadata={"description": "Their yearly applications"})
    verdict = fields.String(
        metadata={"description": "stop_asking, extend_protocol, integration_needed, undescribed"}
    )
    advice = fields.String(metadata={"description": "The verdict in Turkish / English"})
    elements = fields.List(fields.Integer(), metadata={"description": "What the document holds"})
    through = fields.List(fields.Integer(), metadata={"description": "Integrations bringing them"})
    extend = fields.List(fields.Integer(), metadata={"description": "Integrations to extend"})
    missing = fields.List(fields.Integer(), metadata={"description": "Elements nobody shares"})


class PerformanceQuerySchema(ma.Schema):
    organization = DetsisNumber(required=True, metadata={"description": "A unit; its institution"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class PerformanceRowSchema(Schema):
    service = fields.String()
    name = fields.String()
    annual_volume = fields.Integer()
    electronic = fields.Boolean(metadata={"description": "Offered on an electronic channel"})
    duration_ratio = fields.Float(
        allow_none=True, metadata={"description": "Average duration over the legal maximum"}
    )
    complaints = fields.Integer()
    satisfaction = fields.Float(allow_none=True, metadata={"description": "Percent satisfied"})


class PerformanceSchema(Schema):
    institution = fields.Nested(PartySchema)
    services = fields.Integer()
    annual_volume = fields.Integer()
    electronic_share = fields.Float(allow_none=True, metadata={"description": "Of services"})
    electronic_volume_share = fields.Float(allow_none=True, metadata={"description": "Of volume"})
    duration = fields.Dict(metadata={"description": "compared, median_ratio, worst, over_standard"})
    complaints = fields.Dict(metadata={"description": "total, per_10000, outcomes by status"})
    satisfaction = fields.Dict(metadata={"description": "responses, rate"})
    rows = fields.List(fields.Nested(PerformanceRowSchema))
