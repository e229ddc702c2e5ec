"""Legislation (KMS): the act's representation, what a change request carries, and the queries."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import MAX_ID, DetsisNumber, IsoDate, Schema
from schemas.vocabularies import LEGISLATION_STATUSES, LEGISLATION_TYPES

TYPE_CODES = sorted(LEGISLATION_TYPES)


class LegislationTypeSchema(Schema):
    code = fields.Integer(metadata={"description": "National code (internal kinds: 101–104)"})
    name = fields.String()


class GazetteSchema(Schema):
    """Where the act was published in the Resmî Gazete."""

    class Meta:
        unknown = ma.RAISE

    date = IsoDate(allow_none=True)
    issue = fields.Integer(allow_none=True, validate=validate.Range(1, 999_999))
    repeat = fields.Integer(
        allow_none=True,
        validate=validate.Range(1, 99),
        metadata={"description": "Mükerrer (extra issue) number, if any"},
    )


class TextSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    kind = fields.String(required=True, validate=validate.OneOf(("original", "consolidated")))
    as_of = IsoDate(required=True, metadata={"description": "Publication or consolidation date"})
    body = fields.String(required=True, validate=validate.Length(min=1, max=5_000_000))


class ProvisionSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    label = fields.String(required=True, validate=validate.Length(1, 60))
    heading = fields.String(allow_none=True, validate=validate.Length(max=300))
    text = fields.String(required=True, validate=validate.Length(min=1, max=1_000_000))


class AmendsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    on = IsoDate(required=True, metadata={"description": "When the amendment took effect"})
    provision = fields.String(allow_none=True, validate=validate.Length(max=200))


class RepealsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    on = IsoDate(required=True, metadata={"description": "When the repeal took effect"})


class LegislationType(fields.Field):
    """A type given as its code (``3``) or as the GET form (``{"code": 3, "name": …}``)."""

    default_error_messages = {
        "invalid": "Bilinmeyen mevzuat türü / unknown legislation type; one of: "
        + ", ".join(f"{code} {name}" for code, name in LEGISLATION_TYPES.items()),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        code = value.get("code") if isinstance(value, dict) else value
        if isinstance(code, bool) or not isinstance(code, int | str):
            raise self.make_error("invalid")
        try:
            number = int(code)
        except ValueError as error:
            raise self.make_error("invalid") from error
        if number not in LEGISLATION_TYPES:
            raise self.make_error("invalid")
        return number


class LegislationInputSchema(Schema):
    """An act as a change request carries it, in the names of its GET form."""

    class Meta:
        unknown = ma.RAISE

    complete = True

    type = LegislationType(required=True)
    number = fields.String(allow_none=True, validate=validate.Length(1, 40))
    title = fields.String(required=True, validate=validate.Length(3, 1000))
    adopted_on = IsoDate(allow_none=True)
    gazette = fields.Nested(GazetteSchema, allow_none=True)
    issuer = DetsisNumber(allow_none=True)
    in_force_from = IsoDate(
        allow_none=True, metadata={"description": "Default: the Gazette date, else adoption date"}
    )
    basis = fields.List(
        fields.Integer(validate=validate.Range(1, MAX_ID)), validate=validate.Length(0, 200)
    )
    amends = fields.List(fields.Nested(AmendsSchema), validate=validate.Length(0, 500))
    repeals = fields.List(fields.Nested(RepealsSchema), validate=validate.Length(0, 500))
    texts = fields.List(fields.Nested(TextSchema), validate=validate.Length(0, 50))
    provisions = fields.List(fields.Nested(ProvisionSchema), validate=validate.Length(0, 5000))

    @ma.validates_schema
    def check_dates(self, data: dict[str, Any], **_kwargs: Any) -> None:
        gazette_date = (data.get("gazette") or {}).get("date")
        adopted = data.get("adopted_on")
        if adopted and gazette_date and gazette_date < adopted:
            raise ma.ValidationError(
                "Resmî Gazete tarihi kabul tarihinden önce olamaz / published before adopted.",
                "gazette",
            )
        if self.complete and not (gazette_date or adopted or data.get("in_force_from")):
            raise ma.ValidationError(
                "Kabul, yayım veya yürürlük tarihinden biri gerekir / a date is required.",
                "adopted_on",
            )
        values = data.get("basis") or []
        if len(set(values)) != len(values):
            raise ma.ValidationError("Tekrarlanan kayıt / duplicate entry.", "basis")

    @ma.post_load
    def to_internal(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """The stored name of the type is its code."""
        if "type" in data:
            data["type_code"] = data.pop("type")
        return data


class LegislationUpdateSchema(LegislationInputSchema):
    """An update names only what changes; each named field replaces the current value."""

    class Meta:
        unknown = ma.RAISE

    complete = False
    type = LegislationType()
    title = fields.String(validate=validate.Length(3, 1000))


class LegislationCloseSchema(Schema):
    """Closing an act records a repeal by something outside the registry (a court, an old law)."""

    class Meta:
        unknown = ma.RAISE

    repealed_on = IsoDate(required=True)


class LegislationSummarySchema(Schema):
    id = fields.Integer()
    type = fields.Nested(LegislationTypeSchema)
    number = fields.String(allow_none=True)
    title = fields.String()
    adopted_on = IsoDate(allow_none=True)
    gazette = fields.Nested(GazetteSchema)
    issuer = fields.String(allow_none=True, metadata={"description": "DETSİS number"})
    in_force_from = IsoDate()
    status = fields.String(validate=validate.OneOf(LEGISLATION_STATUSES))
    repealed_on = IsoDate(allow_none=True)
    repealed_by = fields.Integer(allow_none=True)
    version = fields.Integer()


class AmendmentSchema(Schema):
    id = fields.Integer(metadata={"description": "The amending act"})
    on = IsoDate()
    provision = fields.String(allow_none=True)


class LegislationSchema(LegislationSummarySchema):
    basis = fields.List(fields.Integer(), metadata={"description": "Upper acts (dayanak)"})
    amended_by = fields.List(fields.Integer())
    amendments = fields.List(
        fields.Nested(AmendmentSchema), metadata={"description": "amended_by, with dates"}
    )
    amends = fields.List(fields.Nested(AmendmentSchema), metadata={"description": "What it amends"})
    repeals = fields.List(fields.Integer(), metadata={"description": "Acts this act repealed"})
    texts = fields.List(fields.Nested(TextSchema))
    provisions = fields.List(fields.Nested(ProvisionSchema))


class LegislationQuerySchema(ma.Schema):
    type = fields.Integer(validate=validate.OneOf(TYPE_CODES))
    number = fields.String(validate=validate.Length(1, 40))
    status = fields.String(validate=validate.OneOf(LEGISLATION_STATUSES))
    issuer = DetsisNumber()
    q = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "Title, number or text contains (Turkish-insensitive)"},
    )
    year = fields.Integer(validate=validate.Range(1800, 2200))


class AtQuerySchema(ma.Schema):
    at = IsoDate(metadata={"description": "As of this date (default: today)"})


class DepthQuerySchema(AtQuerySchema):
    depth = fields.String(
        load_default="1",
        validate=validate.Regexp(r"^(all|[1-9][0-9]?)$", error="1–99 or 'all'"),
        metadata={"description": "1 = direct links only; 'all' = transitive"},
    )


class RelatedActSchema(LegislationSummarySchema):
    depth = fields.Integer(metadata={"description": "Distance from the act asked about"})


class ImpactActSchema(Schema):
    id = fields.Integer()
    type = fields.Nested(LegislationTypeSchema)
    number = fields.String(allow_none=True)
    title = fields.String()
    status = fields.String()
    issuer = fields.String(allow_none=True)
    depth = fields.Integer(metadata={"description": "Distance from the act asked about"})


class ImpactServiceSchema(Schema):
    code = fields.String()
    name = fields.String()
    organization = fields.String()
    cites = fields.List(
        fields.Integer(), metadata={"description": "The acts in the impact set it cites"}
    )


class ImpactDocumentSchema(Schema):
    code = fields.String()
    name = fields.String()
    services = fields.List(fields.String())


class ImpactTableSchema(Schema):
    organization = fields.String(metadata={"description": "The unit whose table it is"})
    name = fields.String()
    services = fields.List(fields.String())


class ImpactTotalsSchema(Schema):
    legislation = fields.Integer()
    services = fields.Integer()
    documents = fields.Integer()
    standards_tables = fields.Integer()


class ImpactGroupSchema(Schema):
    institution = fields.String(allow_none=True, metadata={"description": "DETSİS, or null"})
    name = fields.String(allow_none=True)
    totals = fields.Nested(ImpactTotalsSchema)
    legislation = fields.List(
        fields.Nested(ImpactActSchema), metadata={"description": "With details=true"}
    )
    services = fields.List(
        fields.Nested(ImpactServiceSchema), metadata={"description": "With details=true"}
    )
    documents = fields.List(
        fields.Nested(ImpactDocumentSchema),
        metadata={"description": "With details=true; the services are this institution's"},
    )
    standards_tables = fields.List(
        fields.Nested(ImpactTableSchema), metadata={"description": "With details=true"}
    )


class ImpactSchema(Schema):
    id = fields.Integer()
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Over all institutions, whatever the filter"},
    )
    institutions = fields.List(
        fields.Nested(ImpactGroupSchema),
        metadata={"description": "Owning institutions, by name; records counted, or listed"},
    )


class ImpactQuerySchema(ma.Schema):
    institution = fields.String(
        metadata={"description": "DETSİS number: only this institution's part (a unit: its own)"}
    )
    details = fields.Boolean(
        load_default=False,
        metadata={"description": "List the records, not only count them (large for big laws)"},
    )


class TypeStatsSchema(Schema):
    type = fields.Nested(LegislationTypeSchema)
    in_force = fields.Integer()
    repealed = fields.Integer()
    total = fields.Integer()


class IssuerStatsSchema(Schema):
    institution = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    internal = fields.Integer(
        metadata={"description": "Institution-internal secondary legislation"}
    )
    total = fields.Integer()


class LegislationStatsSchema(Schema):
    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_type = fields.List(fields.Nested(TypeStatsSchema))
    by_issuer = fields.List(fields.Nested(IssuerStatsSchema))
