"""Complaints about service standards tables, and the satisfaction survey (KMA).

A complaint's contact block is personal data: it is loaded here, and dumped only for the citizen
holding the access key and for the institution concerned (see docs/complaints.md).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from schemas.catalogue.services import CODE_PATTERN
from schemas.common import DetsisNumber, Schema, UtcDateTime

SUBJECTS = ("table_not_kept", "extra_documents", "time_exceeded", "service_missing")
STATUSES = ("received", "in_review", "answered", "closed")
LEVELS = ("first", "second")
# The statuses an institution moves a complaint to (received is where every complaint starts).
EVENT_STATUSES = ("in_review", "answered", "closed")
GROUP_BY = ("institution", "organization", "service")
TEXT_LENGTH = (10, 4000)
NOTE_MAX = 4000
COMMENT_MAX = 1000
PHONE_PATTERN = r"^\+?[0-9 ()-]{7,24}$"

SERVICE_CODE = validate.Regexp(CODE_PATTERN, error="Geçersiz hizmet kodu / not a service code.")


def _not_blank(minimum: int, maximum: int) -> validate.Validator:
    """A length counted without the surrounding blanks: ten spaces are not a complaint."""

    class Trimmed(validate.Validator):
        def __call__(self, value: Any) -> Any:
            length = len(value.strip()) if isinstance(value, str) else 0
            if not minimum <= length <= maximum:
                raise ma.ValidationError(
                    f"{minimum}–{maximum} karakter olmalı / must be {minimum} to {maximum} "
                    "characters long."
                )
            return value

    return Trimmed()


class ComplaintContactInputSchema(Schema):
    """How the place of application reaches the citizen: a name and an e-mail or a phone."""

    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=_not_blank(2, 200))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(PHONE_PATTERN, error="Geçersiz telefon / not a phone number."),
    )

    @ma.validates_schema
    def _reachable(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("email") and not data.get("phone"):
            message = "E-posta veya telefon verin / give an e-mail address or a phone number."
            raise ma.ValidationError({"email": [message], "phone": [message]})

    @ma.post_load
    def _trimmed(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {
            "name": data["name"].strip(),
            "email": data.get("email") or None,
            "phone": (data.get("phone") or "").strip() or None,
        }


class ComplaintInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    service = fields.String(
        allow_none=True,
        validate=SERVICE_CODE,
        metadata={"description": "Service code; may be absent only for service_missing"},
    )
    service_name = fields.String(
        allow_none=True,
        validate=_not_blank(3, 500),
        metadata={"description": "The service as the citizen names it (service_missing)"},
    )
    organization = DetsisNumber(
        required=True, metadata={"description": "The unit where the citizen applied"}
    )
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    text = fields.String(required=True, validate=_not_blank(*TEXT_LENGTH))
    contact = fields.Nested(ComplaintContactInputSchema, required=True)

    @ma.validates_schema
    def _service_named(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("service"):
            return
        if data.get("subject") not in (None, "service_missing"):
            raise ma.ValidationError(
                "Hizmet kodu zorunludur / the service code is required (it may be left out "
                "only when the subject is service_missing).",
                field_name="service",
            )
        if not data.get("service_name"):
            raise ma.ValidationError(
                "Hizmet kodu yoksa hizmetin adını yazın / name the service when it has no code.",
                field_name="service_name",
            )

    @ma.post_load
    def _trimmed(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        data["text"] = data["text"].strip()
        if data.get("service_name"):
            data["service_name"] = data["service_name"].strip()
        return data


class ComplaintEventInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    status = fields.String(required=True, validate=validate.OneOf(EVENT_STATUSES))
    note = fields.String(
        allow_none=True,
        validate=validate.Length(max=NOTE_MAX),
        metadata={"description": "Required for answered and closed: the citizen reads it"},
    )


class ComplaintQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    level = fields.String(validate=validate.OneOf(LEVELS))


class ComplaintPlaceSchema(Schema):
    detsis_no = fields.String()
    name = fields.String()


class ComplaintServiceSchema(Schema):
    code = fields.String()
    name = fields.String()


class ComplaintContactSchema(Schema):
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class ComplaintEventSchema(Schema):
    at = UtcDateTime()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    level = fields.String()
    by = fields.String(
        metadata={
            "description": "vatandaş, sistem, or who acted: the place of application's name "
            "for the citizen, the account's name for the institution"
        }
    )
    note = fields.String(allow_none=True)


class ComplaintFiledSchema(Schema):
    tracking_code = fields.String(metadata={"example": "HSY-7KQ2M9XD"})
    access_key = fields.String(
        metadata={"description": "Shown once; send it as X-Access-Key to read the complaint"}
    )
    status = fields.String()
    level = fields.String()
    due_on = fields.Date(metadata={"description": "The first place of application answers by"})
    response_days = fields.Integer(metadata={"description": "Working days"})
    first_place = fields.Nested(ComplaintPlaceSchema)
    second_place = fields.Nested(ComplaintPlaceSchema, allow_none=True)


class ComplaintSchema(Schema):
    tracking_code = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    level = fields.String(metadata={"enum": list(LEVELS)})
    subject = fields.String(metadata={"enum": list(SUBJECTS)})
    service = fields.Nested(ComplaintServiceSchema, allow_none=True)
    service_name = fields.String(allow_none=True)
    organization = fields.Nested(ComplaintPlaceSchema)
    first_place = fields.Nested(ComplaintPlaceSchema)
    second_place = fields.Nested(ComplaintPlaceSchema, allow_none=True)
    current_place = fields.Nested(ComplaintPlaceSchema)
    response_days = fields.Integer()
    due_on = fields.Date()
    created_at = UtcDateTime()
    escalated_at = UtcDateTime(allow_none=True)
    answered_at = UtcDateTime(allow_none=True)
    text = fields.String()
    contact = fields.Nested(
        ComplaintContactSchema,
        allow_none=True,
        metadata={"description": "Null for the central reviewers, who do not see personal data"},
    )
    events = fields.List(fields.Nested(ComplaintEventSchema))
    actions = fields.List(
        fields.String(),
        metadata={"description": "Institution callers: the statuses the caller may set now"},
    )


class SurveyInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    service = fields.String(required=True, validate=SERVICE_CODE)
    score = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 5),
        metadata={"description": "1 = hiç memnun değilim … 5 = çok memnunum"},
    )
    comment = fields.String(allow_none=True, validate=validate.Length(max=COMMENT_MAX))


class SurveySchema(Schema):
    service = fields.String()
    organization = fields.String(metadata={"description": "DETSİS number of the providing unit"})
    score = fields.Integer()
    comment = fields.String(allow_none=True)
    created_at = UtcDateTime()


class SatisfactionQuerySchema(ma.Schema):
    organization = DetsisNumber(metadata={"description": "The unit and every unit under it"})
    service = fields.String(validate=SERVICE_CODE)
    group_by = fields.String(validate=validate.OneOf(GROUP_BY))


class _SatisfactionRatesSchema(Schema):
    responses = fields.Integer()
    satisfied = fields.Integer(metadata={"description": "Responses scoring 4 or 5"})
    rate = fields.Float(
        allow_none=True,
        metadata={"description": "Percent of responses scoring 4 or 5, one decimal; null: none"},
    )
    average = fields.Float(allow_none=True, metadata={"description": "Mean score, two decimals"})
    distribution = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "score → count"}
    )


class SatisfactionGroupSchema(_SatisfactionRatesSchema):
    institution = fields.Nested(ComplaintPlaceSchema)
    organization = fields.Nested(ComplaintPlaceSchema)
    service = fields.Nested(ComplaintServiceSchema)


class SatisfactionSchema(_SatisfactionRatesSchema):
    organization = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    group_by = fields.String(allow_none=True)
    groups = fields.List(
        fields.Nested(SatisfactionGroupSchema),
        metadata={"description": "With group_by: one entry per group, most responses first"},
    )
