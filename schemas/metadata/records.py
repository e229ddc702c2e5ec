"""Change-request data of the metadata layer: data elements, what documents and services are
made of, integrations and e-government applications.

Each kind has an update schema (every field optional: an update names what it changes) and a
create schema that also requires the fields a new record cannot do without; the messages say
which field, in Turkish and English.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.metadata.models import (
    DataType,
    DeliveryChannel,
    Hosting,
    IntegrationRole,
    Lifecycle,
    PersonalData,
    TechnicalChannel,
)
from schemas.common import MAX_ID, DetsisNumber, IsoDate, Schema

REQUIRED = "Zorunlu alan / required field."
ELEMENT_IDS = fields.List(
    fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
    validate=validate.Length(1, 200),
    metadata={"description": "Data element ids"},
)


def _one_of(kind: Iterable[str]) -> validate.OneOf:
    choices = list(kind)
    return validate.OneOf(
        choices, error=f"Şunlardan biri olmalı: {', '.join(choices)} / must be one of them."
    )


def _require(data: dict[str, Any], names: Iterable[str]) -> None:
    missing = {name: [REQUIRED] for name in names if data.get(name) in (None, "", [])}
    if missing:
        raise ma.ValidationError(missing)


def _text(longest: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(1, longest), **kwargs)


def _url(**kwargs: Any) -> fields.Url:
    return fields.Url(
        schemes={"https", "http"},
        allow_none=True,
        error_messages={"invalid": "Geçersiz adres / not a valid URL."},
        **kwargs,
    )


class DataElementUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = _text(200, metadata={"description": "e.g. 'T.C. Kimlik Numarası'"})
    definition = _text(2000)
    data_type = fields.String(validate=_one_of(t.value for t in DataType))
    format = _text(200, allow_none=True, metadata={"description": "e.g. '11 rakam'"})
    code_list = _text(300, allow_none=True, metadata={"description": "Name or URL of the list"})
    unit = _text(50, allow_none=True, metadata={"description": "Unit of measure: 'TL', 'm²'"})
    owner = DetsisNumber(metadata={"description": "The institution that keeps the data"})
    legal_basis = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "Legislation id of the act the data is kept under"},
    )
    provision = _text(200, allow_none=True)
    personal_data = fields.String(
        validate=_one_of(p.value for p in PersonalData),
        metadata={"description": "KVKK class: none, ordinary or special (art. 6)"},
    )
    synonyms = fields.List(_text(200), validate=validate.Length(0, 50))


class DataElementInputSchema(DataElementUpdateSchema):
    @ma.validates_schema
    def complete(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _require(data, ("name", "definition", "data_type", "owner", "personal_data"))


class DocumentElementsSchema(Schema):
    """What a document is made of (target: the document's code)."""

    class Meta:
        unknown = ma.RAISE

    elements = ELEMENT_IDS


class ServiceElementsSchema(Schema):
    """What a service takes and produces directly (target: the service's code)."""

    class Meta:
        unknown = ma.RAISE

    inputs = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        validate=validate.Length(0, 200),
    )
    outputs = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        validate=validate.Length(0, 200),
    )


class IntegrationUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = _text(300, metadata={"description": "The data-sharing topic"})
    provider = DetsisNumber(metadata={"description": "The institution sharing the data"})
    consumer = DetsisNumber(metadata={"description": "The institution receiving it"})
    elements = ELEMENT_IDS
    legal_basis = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, MAX_ID))
    provision = _text(200, allow_none=True)
    protocol_no = _text(100, allow_none=True)
    protocol_date = IsoDate(allow_none=True)
    channel = fields.String(validate=_one_of(c.value for c in TechnicalChannel))
    address = _url(metadata={"description": "The web service's endpoint"})
    api_description = _url(metadata={"description": "WSDL or OpenAPI document"})
    status = fields.String(validate=_one_of(s.value for s in Lifecycle))


class IntegrationInputSchema(IntegrationUpdateSchema):
    @ma.validates_schema
    def complete(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _require(data, ("name", "provider", "consumer", "elements", "channel", "status"))


class DeliverySchema(Schema):
    class Meta:
        unknown = ma.RAISE

    service = fields.String(required=True, validate=validate.Length(1, 24))
    channel = fields.String(required=True, validate=_one_of(c.value for c in DeliveryChannel))


class IntegrationUseSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    integration = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    role = fields.String(required=True, validate=_one_of(r.value for r in IntegrationRole))


class ApplicationUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = _text(300)
    owner = DetsisNumber(metadata={"description": "The unit that runs the application"})
    url = _url()
    hosting = fields.String(validate=_one_of(h.value for h in Hosting))
    status = fields.String(validate=_one_of(s.value for s in Lifecycle))
    services = fields.List(fields.Nested(DeliverySchema), validate=validate.Length(0, 500))
    integrations = fields.List(
        fields.Nested(IntegrationUseSchema), validate=validate.Length(0, 500)
    )


class ApplicationInputSchema(ApplicationUpdateSchema):
    @ma.validates_schema
    def complete(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _require(data, ("name", "owner", "hosting", "status"))
