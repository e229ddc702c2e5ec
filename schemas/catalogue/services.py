"""Services (HEYS) and documents (DBYS): representations, change-request data and queries."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import durations, turkish
from schemas.common import MAX_ID, DetsisNumber, IsoDate, Schema

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
DOCUMENT_CODE_PATTERN = r"^BLG-[0-9]{6}$"
MAX_WRITTEN_DURATION = 100  # the length of services.max_duration_written


class DurationField(fields.Field):
    """A duration given as text ("6 iş günü") or as ``{value, unit}``; loads to a Duration."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> durations.Duration:
        try:
            if isinstance(value, str):
                if len(value) > MAX_WRITTEN_DURATION:
                    raise ValueError(
                        f"Süre metni en çok {MAX_WRITTEN_DURATION} karakter / a duration is at "
                        f"most {MAX_WRITTEN_DURATION} characters."
                    )
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


def _fee_in_range(value: Any) -> None:
    if not 0 <= value <= 10_000_000:
        raise ma.ValidationError("0 ile 10.000.000 TL arasında olmalı / must be 0 to 10,000,000.")


class FeeSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    amount = fields.Decimal(
        required=True,
        places=2,
        as_string=True,
        validate=_fee_in_range,  # a function: apispec would write Range's bounds as strings
        metadata={
            "description": "Turkish lira; 0.00 for a free service. Written as a string with two "
            "decimals (exact); a JSON number is accepted too.",
            "type": "string",
            "pattern": r"^\d{1,8}(\.\d{1,2})?$",
            "example": "675.50",
        },
    )
    note = fields.String(allow_none=True, validate=validate.Length(max=300))


class DocumentChannelsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    document = fields.String(required=True, validate=validate.Regexp(DOCUMENT_CODE_PATTERN))
    channels = fields.List(
        fields.String(validate=validate.OneOf(list(CHANNELS))),
        required=True,
        validate=validate.Length(1, len(CHANNELS)),
    )


DOCUMENT_ENTRY = fields.String(
    validate=validate.Length(2, 300),
    metadata={
        "description": "A document code (BLG-000123) or a name in free text: resolved to the "
        "standard name, or queued for the reviewers when nothing matches well"
    },
)


class ServiceInputSchema(Schema):
    """A service as a change request carries it, in the names of its GET form."""

    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(3, 500))
    description = fields.String(allow_none=True, validate=validate.Length(max=20_000))
    applicants = fields.String(allow_none=True, validate=validate.Length(max=4000))
    organization = DetsisNumber(required=True)
    kind = fields.String(load_default="core", validate=validate.OneOf(SERVICE_KINDS))
    legal_basis = fields.List(
        fields.Integer(validate=validate.Range(1, MAX_ID)), validate=validate.Length(0, 100)
    )
    required_documents = fields.List(DOCUMENT_ENTRY, validate=validate.Length(0, 100))
    issued_documents = fields.List(DOCUMENT_ENTRY, validate=validate.Length(0, 100))
    document_channels = fields.List(
        fields.Nested(DocumentChannelsSchema),
        validate=validate.Length(0, 100),
        metadata={"description": "Required documents asked only on some channels"},
    )
    max_duration = DurationField(
        allow_none=True, metadata={"description": "The legal maximum (longest completion time)"}
    )
    norm_duration = DurationField(
        allow_none=True, metadata={"description": "The institution's own service norm"}
    )
    average_duration = DurationField(allow_none=True)
    channels = fields.List(fields.String(validate=validate.OneOf(list(CHANNELS))))
    annual_volume = fields.Integer(allow_none=True, validate=validate.Range(0, 2_000_000_000))
    fee = fields.Nested(FeeSchema, allow_none=True)

    @ma.validates_schema
    def check_lists(self, data: dict[str, Any], **_kwargs: Any) -> None:
        for name in ("legal_basis", "required_documents", "issued_documents", "channels"):
            values = data.get(name) or []
            if len({turkish.fold(str(v)) for v in values}) != len(values):
                raise ma.ValidationError("Tekrarlanan kayıt / duplicate entry.", name)
        restricted = [entry["document"] for entry in data.get("document_channels") or []]
        if len(set(restricted)) != len(restricted):
            raise ma.ValidationError("Tekrarlanan kayıt / duplicate entry.", "document_channels")

    @ma.validates_schema
    def check_norm(self, data: dict[str, Any], **_kwargs: Any) -> None:
        norm, legal = data.get("norm_duration"), data.get("max_duration")
        if norm is not None and legal is not None and norm.minutes() > legal.minutes():
            raise ma.ValidationError(
                f"Hizmet normu ({norm.text}) yasal azami süreyi ({legal.text}) aşamaz / the "
                "service norm cannot exceed the legal maximum.",
                "norm_duration",
            )


class ServiceUpdateSchema(ServiceInputSchema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(3, 500))
    organization = DetsisNumber()
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))


class DurationSchema(Schema):
    value = fields.Integer(allow_none=True)
    unit = fields.String(validate=validate.OneOf(list(durations.UNITS)))
    text = fields.String()


class ServiceSchema(Schema):
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
    document_channels = fields.List(
        fields.Nested(DocumentChannelsSchema),
        metadata={"description": "Required documents asked only on these channels"},
    )
    max_duration = fields.Nested(
        DurationSchema, allow_none=True, metadata={"description": "The legal maximum"}
    )
    norm_duration = fields.Nested(
        DurationSchema, allow_none=True, metadata={"description": "The institution's norm"}
    )
    average_duration = fields.Nested(DurationSchema, allow_none=True)
    channels = fields.List(fields.String())
    annual_volume = fields.Integer(allow_none=True)
    fee = fields.Nested(FeeSchema, allow_none=True)
    status = fields.String()
    version = fields.Integer()


class ServiceQuerySchema(ma.Schema):
    organization = DetsisNumber(
        metadata={"description": "Services of this unit and of the units under it"}
    )
    q = fields.String(validate=validate.Length(1, 200))
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))


SAMPLE_MAX_BYTES = 1024 * 1024  # base64 makes it 1.4 MB: within the 2 MB request limit
SAMPLE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


class SampleSchema(Schema):
    """A sample file in base64; its first bytes must be of the type it claims."""

    class Meta:
        unknown = ma.RAISE

    filename = fields.String(
        required=True,
        validate=[
            validate.Length(1, 200),
            validate.Regexp(r"^[^/\\\x00-\x1f]+$", error="a file name, without a path"),
        ],
    )
    content_type = fields.String(required=True, validate=validate.OneOf(list(SAMPLE_SIGNATURES)))
    content = fields.String(required=True, metadata={"description": "The file, base64"})

    @ma.post_load
    def decode(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        try:
            content = base64.b64decode(data["content"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise ma.ValidationError("Geçerli base64 değil / not base64.", "content") from error
        if not content or len(content) > SAMPLE_MAX_BYTES:
            raise ma.ValidationError(
                f"Örnek dosya en çok {SAMPLE_MAX_BYTES // 1024} KB olabilir / the sample must be "
                f"1–{SAMPLE_MAX_BYTES} bytes.",
                "content",
            )
        if not content.startswith(SAMPLE_SIGNATURES[data["content_type"]]):
            raise ma.ValidationError(
                f"Dosya {data['content_type']} değil / the file is not of its stated type.",
                "content",
            )
        return {**data, "content": content}


class DocumentInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(2, 300))
    aliases = fields.List(
        fields.String(validate=validate.Length(2, 300)), validate=validate.Length(0, 100)
    )
    issuer = DetsisNumber(allow_none=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    sample_url = fields.Url(allow_none=True, schemes={"https", "http"})
    sample = fields.Nested(
        SampleSchema,
        allow_none=True,
        metadata={"description": "A PDF, PNG or JPEG of the document, at most 1 MB; null removes"},
    )


class DocumentUpdateSchema(DocumentInputSchema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 300))


class SampleInfoSchema(Schema):
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class DocumentSchema(Schema):
    code = fields.String()
    name = fields.String()
    aliases = fields.List(fields.String())
    issuer = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    sample_url = fields.String(allow_none=True)
    sample = fields.Nested(
        SampleInfoSchema,
        allow_none=True,
        metadata={"description": "The stored sample; its bytes at …/documents/{code}/sample"},
    )
    kind = fields.String(
        metadata={"description": "issued (an institution or service issues it) or required"}
    )
    issued_by_services = fields.List(fields.String())
    required_by_services = fields.List(fields.String())
    status = fields.String()
    version = fields.Integer()


class DocumentQuerySchema(ma.Schema):
    q = fields.String(validate=validate.Length(1, 200))


class InstitutionServiceCountSchema(Schema):
    institution = fields.String()
    name = fields.String()
    core = fields.Integer()
    support = fields.Integer()
    total = fields.Integer()
    annual_volume = fields.Integer(metadata={"description": "Sum of the services' yearly volume"})


class ServiceBriefSchema(Schema):
    code = fields.String()
    name = fields.String()
    organization = fields.String()
    annual_volume = fields.Integer(allow_none=True)
    max_duration = fields.Nested(DurationSchema, allow_none=True)


class ServiceStatsSchema(Schema):
    total = fields.Integer()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    annual_volume = fields.Integer()
    by_institution = fields.List(fields.Nested(InstitutionServiceCountSchema))
    max_duration_units = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "How many services state their maximum in each unit"},
    )
    without_max_duration = fields.Integer()
    most_used = fields.List(fields.Nested(ServiceBriefSchema), metadata={"description": "Top 10"})
    slowest = fields.List(
        fields.Nested(ServiceBriefSchema), metadata={"description": "Top 10 by legal maximum"}
    )


class DueDateQuerySchema(ma.Schema):
    start = IsoDate(
        data_key="from",
        metadata={"description": "Application date (default: today)"},
    )


class DueDateSchema(Schema):
    service = fields.String()
    start = fields.Date(data_key="from")
    max_duration = fields.Nested(DurationSchema, allow_none=True)
    due = fields.Date(allow_none=True, metadata={"description": "Last day of the legal maximum"})
    norm_duration = fields.Nested(DurationSchema, allow_none=True)
    norm_due = fields.Date(allow_none=True, metadata={"description": "Last day of the norm"})
    holidays = fields.List(
        fields.Dict(),
        metadata={"description": "Public holidays between the application and the due date"},
    )
