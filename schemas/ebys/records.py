"""Signatories and distribution lists: change-request data and views."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import turkish
from schemas.common import DetsisNumber, Schema

RECIPIENT_KINDS = ("gereği", "bilgi")


MANAGER_OF = {
    "description": "DETSİS number of the unit whose head post signs: the block names whoever "
    "holds it on the letter's date (then name, surname and title may be left out; given, they "
    "sign while the post is vacant)"
}


class SignatoryInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    name = fields.String(allow_none=True, validate=validate.Length(1, 100))
    surname = fields.String(allow_none=True, validate=validate.Length(1, 100))
    title = fields.String(allow_none=True, validate=validate.Length(2, 200))
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
    manager_of = DetsisNumber(allow_none=True, metadata=MANAGER_OF)

    @ma.validates_schema
    def check_signer(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A new signatory is named in writing, by a manager post, or both."""
        for field, message in signer_problems(data).items():
            raise ma.ValidationError(message, field)


def signer_problems(record: dict[str, Any]) -> dict[str, str]:
    """What keeps ``record`` (a signatory's fields) from naming who signs, by field: a written
    name needs its surname and the other way round, and without a manager post all three of
    name, surname and title are needed."""
    if bool(record.get("name")) != bool(record.get("surname")):
        missing = "surname" if record.get("name") else "name"
        return {missing: "Ad ve soyad birlikte yazılır / name and surname go together."}
    if record.get("manager_of"):
        return {}
    for field in ("name", "surname", "title"):
        if not record.get(field):
            return {
                field: "Yazılı ad, soyad ve unvan ya da yönetici makamı (manager_of) gerekli / "
                "a written name, surname and title, or a manager post (manager_of), is required."
            }
    return {}


class SignatoryUpdateSchema(SignatoryInputSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber()
    rank = fields.Integer(validate=validate.Range(1, 50))

    def check_signer(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """Not a validator here: an update is checked with the record's other fields when the
        request is filed (``registry.ebys.records.signer_named``)."""


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
