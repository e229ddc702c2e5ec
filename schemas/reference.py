"""Reference data for EBYS: the Standard File Plan, places, categories and unit types (change
request data, answers and queries)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import turkish
from schemas.common import DetsisNumber, IsoDate, Schema

CODE_PATTERN = r"^\d{3}(\.\d{2}){0,3}$"
CODE_ERROR = (
    "Dosya planı kodu 3 haneli ana kod ve en çok üç 2 haneli alt koddan oluşur (010.01.02) / "
    "a file plan code is a 3-digit main code and up to three 2-digit sub-codes."
)


class FilePlanCodeField(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Regexp(CODE_PATTERN, error=CODE_ERROR))
        kwargs.setdefault("metadata", {"example": "010.01"})
        super().__init__(**kwargs)


class Disposition(fields.String):
    """What happens to the file at the end of its retention: ``archive`` (A: to the archive),
    ``review`` (AD: reviewed, kept or destroyed), ``destroy`` (İ); the SDP's letters also read."""

    ALIASES = {
        "a": "archive",
        "archive": "archive",
        "ad": "review",
        "review": "review",
        "i": "destroy",
        "imha": "destroy",
        "destroy": "destroy",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        found = self.ALIASES.get(turkish.fold(text).strip())
        if found is None:
            raise ma.ValidationError(
                "Saklama kodu A, AD veya İ olmalı / disposition is A (archive), AD (review) or "
                "İ (destroy)."
            )
        return found


class RetentionSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    unit_years = fields.Integer(allow_none=True, validate=validate.Range(0, 100))
    archive_years = fields.Integer(allow_none=True, validate=validate.Range(0, 100))


class GroupSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    start = FilePlanCodeField(allow_none=True)
    end = FilePlanCodeField(allow_none=True)


class FilePlanCodeUpdateSchema(Schema):
    """What may change in a code: never the code or its plan (close it and create another)."""

    class Meta:
        unknown = ma.RAISE

    multiline = frozenset({"note", "explanation"})

    subject = fields.String(validate=validate.Length(2, 300))
    retention = fields.Nested(RetentionSchema, allow_none=True)
    disposition = Disposition(allow_none=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    explanation = fields.String(allow_none=True, validate=validate.Length(max=4000))
    group = fields.Nested(GroupSchema, allow_none=True)


class FilePlanCodeInputSchema(FilePlanCodeUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    code = FilePlanCodeField(required=True)
    organization = DetsisNumber(
        allow_none=True,
        metadata={"description": "The institution of a main-service code; none: a common code"},
    )
    subject = fields.String(required=True, validate=validate.Length(2, 300))


class RetentionViewSchema(Schema):
    unit_years = fields.Integer(allow_none=True, metadata={"description": "Kept in the unit"})
    archive_years = fields.Integer(
        allow_none=True, metadata={"description": "Then kept in the institution's archive"}
    )


class GroupViewSchema(Schema):
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)


class FilePlanCodeSchema(Schema):
    code = fields.String(metadata={"example": "010.01"})
    organization = DetsisNumber(allow_none=True, metadata={"description": "None: a common code"})
    parts = fields.List(fields.String(), metadata={"description": "Main code, then sub-codes"})
    subject = fields.String()
    level = fields.Integer(metadata={"description": "1 for a main code, up to 4"})
    retention = fields.Nested(RetentionViewSchema)
    disposition = fields.String(allow_none=True, metadata={"description": "archive|review|destroy"})
    disposition_code = fields.String(allow_none=True, metadata={"description": "A, AD or İ"})
    note = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)
    group = fields.Nested(GroupViewSchema, allow_none=True)
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()


class AtSchema(ma.Schema):
    at = IsoDate(metadata={"description": "As of this date (YYYY-MM-DD); default today"})


class FilePlanQuerySchema(AtSchema):
    organization = DetsisNumber(
        metadata={"description": "The institution: its own codes with the common ones"}
    )
    q = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "Code or subject contains (Turkish- and accent-insensitive)"},
    )
    closed = fields.Boolean(load_default=False, metadata={"description": "Closed codes too"})


class FilePlanCodeQuerySchema(AtSchema):
    organization = DetsisNumber(metadata={"description": "Look in this institution's plan first"})


class RecordNumberQuerySchema(ma.Schema):
    value = fields.String(
        required=True,
        validate=validate.Length(1, 60),
        metadata={"example": "E-24312041-702.03-1"},
    )
    on = IsoDate(metadata={"description": "The letter's date (default today)"})


class RecordNumberSchema(Schema):
    value = fields.String()
    valid = fields.Boolean()
    on = fields.Date()
    detsis_no = fields.String()
    code = fields.String()
    sequence = fields.Integer()
    unit_exists = fields.Boolean()
    unit_open = fields.Boolean(metadata={"description": "The unit was open on that date"})
    code_exists = fields.Boolean(
        metadata={"description": "Its institution's plan (or the common one) had the code then"}
    )
    code_subject = fields.String(allow_none=True)
    problems = fields.List(fields.String())


# -- places --

PLACE_KINDS = ("province", "district", "country")


class PlaceUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 100))
    area_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\d{1,5}$", error="Alan kodu rakamlardan oluşur / digits."),
        metadata={"description": "Telephone area code without the leading 0 (312)"},
    )
    country_code = fields.Integer(allow_none=True, validate=validate.Range(1, 999))


class PlaceInputSchema(PlaceUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Integer(
        required=True,
        validate=validate.Range(1, 999_999),
        metadata={
            "description": "Province: plate code; district: plate × 1000 + n; country: "
            "900000 + ISO 3166 numeric"
        },
    )
    kind = fields.String(required=True, validate=validate.OneOf(PLACE_KINDS))
    name = fields.String(required=True, validate=validate.Length(2, 100))
    province_code = fields.Integer(allow_none=True, validate=validate.Range(1, 81))


class PlaceSchema(Schema):
    id = fields.Integer(metadata={"description": "What EBYS systems store as a unit's place"})
    kind = fields.String(metadata={"description": "province | district | country"})
    name = fields.String()
    province_code = fields.Integer(allow_none=True)
    province_name = fields.String(allow_none=True)
    plate = fields.Integer(allow_none=True, metadata={"description": "Licence plate code"})
    area_code = fields.String(allow_none=True)
    country_code = fields.Integer(allow_none=True)
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()


class PlaceQuerySchema(AtSchema):
    kind = fields.String(validate=validate.OneOf(PLACE_KINDS))
    province = fields.Integer(
        validate=validate.Range(1, 81), metadata={"description": "Plate code: that province"}
    )
    q = fields.String(validate=validate.Length(1, 100))


class UnitPlaceSchema(Schema):
    detsis_no = DetsisNumber()
    place_id = fields.Integer(metadata={"description": "0 when unknown: never empty"})
    place = fields.Nested(PlaceSchema, allow_none=True)


# -- code tables --


class CategoryUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 100))
    plural_name = fields.String(allow_none=True, validate=validate.Length(2, 100))
    parent = fields.Integer(allow_none=True, validate=validate.Range(1, 9999))


class CategoryInputSchema(CategoryUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Integer(required=True, validate=validate.Range(1, 9999))
    name = fields.String(required=True, validate=validate.Length(2, 100))


class AddresseeExceptionSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    cut = fields.String(load_default="", validate=validate.Length(max=40))
    add = fields.String(required=True, validate=validate.Length(1, 40))


class UnitTypeUpdateSchema(CategoryUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    addressee = fields.Nested(
        AddresseeExceptionSchema,
        allow_none=True,
        metadata={"description": "An exception to the dative rule; null: follow the rule"},
    )


class UnitTypeInputSchema(UnitTypeUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Integer(required=True, validate=validate.Range(1, 9999))
    name = fields.String(required=True, validate=validate.Length(2, 100))


class CategorySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    plural_name = fields.String(allow_none=True)
    parent = fields.Integer(allow_none=True)
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()


class UnitTypeSchema(CategorySchema):
    addressee_cut = fields.String(
        metadata={"description": "Ending cut from the name for the addressee (kesilecek)"}
    )
    addressee_add = fields.String(
        metadata={"description": "Text added for the addressee, the dative (eklenecek)"}
    )
    addressee_exception = fields.Boolean(
        metadata={"description": "Registered exception; false: what the dative rule gives"}
    )
