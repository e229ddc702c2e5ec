"""Signatories and distribution lists: change-request data and views."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import turkish
from schemas.common import DetsisNumber, Schema

RECIPIENT_KINDS = ("gereği", "bilgi")


class SignatoryInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    surname = fields.String(required=True, validate=validate.Length(1, 100))
    title = fields.String(required=True, validate=validate.Length(2, 200))
    delegation = fields.String(
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "e.g. 'Bakan a.' (on behalf of), 'Bakan V.' (acting)"},
    )
    rank = fields.Integer(
        load_default=1,
        validate=validate.Range(1, 50),
        metadata={"description": "1 = highest; with two signatures the higher signs on the right"},
    )


class SignatoryUpdateSchema(SignatoryInputSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber()
    name = fields.String(validate=validate.Length(1, 100))
    surname = fields.String(validate=validate.Length(1, 100))
    title = fields.String(validate=validate.Length(2, 200))
    rank = fields.Integer(validate=validate.Range(1, 50))


class RecipientKind(fields.String):
    """``gereği`` or ``bilgi``, also typed without Turkish letters or as e-Yazışma's GRG/BLG."""

    ALIASES = {"geregi": "gereği", "grg": "gereği", "bilgi": "bilgi", "blg": "bilgi"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        kind = self.ALIASES.get(turkish.fold(text).strip())
        if kind is None:
            raise ma.ValidationError("'gereği' veya 'bilgi' olmalı / must be 'gereği' or 'bilgi'.")
        return kind


class RecipientInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    detsis_no = DetsisNumber(required=True)
    kind = RecipientKind(load_default="gereği")


class DistributionListInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(2, 200))
    owner = DetsisNumber(required=True)
    recipients = fields.List(
        fields.Nested(RecipientInputSchema), required=True, validate=validate.Length(1, 2000)
    )

    @ma.validates_schema
    def check_unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        numbers = [r["detsis_no"] for r in data.get("recipients") or []]
        if len(set(numbers)) != len(numbers):
            raise ma.ValidationError(
                "Aynı alıcı iki kez / a recipient is listed twice.", "recipients"
            )


class DistributionListUpdateSchema(DistributionListInputSchema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 200))
    owner = DetsisNumber()
    recipients = fields.List(fields.Nested(RecipientInputSchema), validate=validate.Length(1, 2000))
