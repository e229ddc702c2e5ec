"""Services (HEYS) and documents (DBYS): representations, change-request data and queries."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry import durations
from schemas.common import DetsisNumber

SERVICE_KINDS = ("core", "support")
# How a citizen can apply; the API uses the codes, pages print the Turkish labels.
CHANNELS: dict[str, str] = {
    "in_person": "Yüz yüze",
    "e_devlet": "e-Devlet",
    "kep": "KEP",
    "post": "Posta",
    "phone": "Telefon",
    "web": "Kurum internet sitesi",
    "mobile": "Mobil uygulama",
}
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,23}$"


class DurationField(fields.Field):
    """A duration given as text ("6 iş günü") or as ``{value, unit}``; loads to a Duration."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> durations.Duration:
        try:
            if isinstance(value, str):
                return durations.parse(value)
            if isinstance(value, dict) and isinstance(value.get("unit"), str):
                number = value.get("value")
                if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                    raise ValueError("Süre tam sayı olmalı / value must be an integer.")
                return durations.from_parts(number, value["unit"])
        except ValueError as error:
            raise ma.ValidationError(str(error)) from error
        raise ma.ValidationError(
            "Süre metin ('30 gün') veya {value, unit} olmalı / a duration is text or "
            "{value, unit}; units: " + ", ".join(durations.UNITS)
        )

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class ServiceInputSchema(ma.Schema):
    """A service as a change request carries it, in the names of its GET form."""

    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(3, 500))
    description = fields.String(allow_none=True, validate=validate.Length(max=20_000))
    applicants = fields.String(allow_none=True, validate=validate.Length(max=4000))
    organization = DetsisNumber(required=True)
    kind = fields.String(load_default="core", validate=validate.OneOf(SERVICE_KINDS))
    legal_basis = fields.List(
        fields.Integer(validate=validate.Range(1)), validate=validate.Length(0, 100)
    )
    required_documents = fields.List(
        fields.String(validate=validate.Regexp(CODE_PATTERN)), validate=validate.Length(0, 100)
    )
    issued_documents = fields.List(
        fields.String(validate=validate.Regexp(CODE_PATTERN)), validate=validate.Length(0, 100)
    )
    max_duration = DurationField(allow_none=True)
    average_duration = DurationField(allow_none=True)
    channels = fields.List(fields.String(validate=validate.OneOf(list(CHANNELS))))
    annual_volume = fields.Integer(allow_none=True, validate=validate.Range(0, 2_000_000_000))

    @ma.validates_schema
    def check_lists(self, data: dict[str, Any], **_kwargs: Any) -> None:
        for name in ("legal_basis", "required_documents", "issued_documents", "channels"):
            values = data.get(name) or []
            if len(set(values)) != len(values):
                raise ma.ValidationError("Tekrarlanan kayıt / duplicate entry.", name)


class ServiceUpdateSchema(ServiceInputSchema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(3, 500))
    organization = DetsisNumber()
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))


class DurationSchema(ma.Schema):
    value = fields.Integer(allow_none=True)
    unit = fields.String(validate=validate.OneOf(list(durations.UNITS)))
    text = fields.String()


class ServiceSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    applicants = fields.String(allow_none=True)
    organization = fields.String(metadata={"description": "DETSİS number of the providing unit"})
    institution = fields.String(metadata={"description": "DETSİS number of its institution"})
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))
    legal_basis = fields.List(fields.Integer(), metadata={"description": "Legislation ids"})
    required_documents = fields.List(fields.String(), metadata={"description": "Document codes"})
    issued_documents = fields.List(fields.String(), metadata={"description": "Document codes"})
    max_duration = fields.Nested(DurationSchema, allow_none=True)
    average_duration = fields.Nested(DurationSchema, allow_none=True)
    channels = fields.List(fields.String())
    annual_volume = fields.Integer(allow_none=True)
    status = fields.String()
    version = fields.Integer()


class ServiceQuerySchema(ma.Schema):
    organization = DetsisNumber(
        metadata={"description": "Services of this unit and of the units under it"}
    )
    q = fields.String(validate=validate.Length(1, 200))
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))


class DocumentInputSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(2, 300))
    aliases = fields.List(
        fields.String(validate=validate.Length(2, 300)), validate=validate.Length(0, 100)
    )
    issuer = DetsisNumber(allow_none=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    sample_url = fields.Url(allow_none=True, schemes={"https", "http"})


class DocumentUpdateSchema(DocumentInputSchema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 300))


class DocumentSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    aliases = fields.List(fields.String())
    issuer = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    sample_url = fields.String(allow_none=True)
    issued_by_services = fields.List(fields.String())
    required_by_services = fields.List(fields.String())
    status = fields.String()
    version = fields.Integer()


class DocumentQuerySchema(ma.Schema):
    q = fields.String(validate=validate.Length(1, 200))
