"""Service standards tables (HSYS): the published table, its versions and what changed."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import Schema, UtcDateTime

FORMATS = ("json", "xml", "csv", "xlsx", "html")


class StandardsQuerySchema(ma.Schema):
    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "Overrides the Accept header: json, xml, csv, xlsx or html."},
    )
    version = fields.Integer(
        validate=validate.Range(1, 1_000_000),
        metadata={"description": "A published version; the latest when absent."},
    )


class ChangesQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    from_version = fields.Integer(
        data_key="from",
        validate=validate.Range(1, 1_000_000),
        metadata={"description": "The older version; the one before `to` when absent."},
    )
    to_version = fields.Integer(
        data_key="to",
        validate=validate.Range(1, 1_000_000),
        metadata={"description": "The newer version; the latest when absent."},
    )


class PlaceOfApplicationSchema(Schema):
    """İlk / İkinci Müracaat Yeri: İsim, Unvan, Adres, Telefon, Faks, E-Posta."""

    name = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    fax = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class StandardsRowSchema(Schema):
    no = fields.Integer(metadata={"description": "SIRA NO"})
    service = fields.String(metadata={"description": "Service code"})
    name = fields.String(metadata={"description": "HİZMETİN ADI"})
    required_documents = fields.List(
        fields.String(), metadata={"description": "BAŞVURUDA İSTENEN BELGELER"}
    )
    awaiting_standard_name = fields.List(
        fields.String(),
        dump_default=list,
        metadata={
            "description": "Documents asked for under a name still waiting for a standard one, "
            "as written (listed in required_documents with the mark '(standart adı bekleniyor)')"
        },
    )
    max_duration = fields.String(
        allow_none=True,
        metadata={"description": "HİZMETİN TAMAMLANMA SÜRESİ (EN GEÇ SÜRE): '30 gün', 'anında'…"},
    )
    max_duration_written = fields.String(
        allow_none=True,
        dump_default=None,
        metadata={
            "description": "The duration as the institution published it ('8-15 dk', "
            "'30+15 Gün'), of which max_duration is the upper bound; null when given as a value"
        },
    )
    unit = fields.String(metadata={"description": "DETSİS number of the unit providing it"})


class ServiceStandardsSchema(Schema):
    organization = fields.String(metadata={"description": "DETSİS number of the publishing unit"})
    organization_name = fields.String()
    institution = fields.String(metadata={"description": "Name of the unit's institution"})
    version = fields.Integer()
    published_at = UtcDateTime()
    rows = fields.List(fields.Nested(StandardsRowSchema))
    notice = fields.String(metadata={"description": "The regulation's sentence under the table"})
    first_contact = fields.Nested(PlaceOfApplicationSchema, allow_none=True)
    second_contact = fields.Nested(PlaceOfApplicationSchema, allow_none=True)


class StandardsVersionSchema(Schema):
    version = fields.Integer()
    published_at = UtcDateTime()
    rows = fields.Integer(metadata={"description": "How many services the version lists"})
    request_id = fields.Integer(
        allow_none=True, metadata={"description": "The change request whose approval published it"}
    )


class StandardsVersionsSchema(Schema):
    organization = fields.String()
    versions = fields.List(fields.Nested(StandardsVersionSchema))


class FieldChangeSchema(Schema):
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class RowChangeSchema(Schema):
    service = fields.String()
    name = fields.String()
    changes = fields.Dict(keys=fields.String(), values=fields.Nested(FieldChangeSchema))


class StandardsChangesSchema(Schema):
    organization = fields.String()
    from_version = fields.Integer(data_key="from")
    to_version = fields.Integer(data_key="to")
    added = fields.List(fields.Nested(StandardsRowSchema))
    removed = fields.List(fields.Nested(StandardsRowSchema))
    changed = fields.List(fields.Nested(RowChangeSchema))
    contacts = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Nested(FieldChangeSchema)),
    )
    organization_name = fields.Nested(FieldChangeSchema, allow_none=True)
