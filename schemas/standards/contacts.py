"""A unit's places of application (İlk / İkinci Müracaat Yeri), printed under its table."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import DetsisNumber, Schema
from schemas.organizations import ContactSchema


class ContactPersonSchema(ContactSchema):
    """A place of application: the person (usually the unit head) and how to reach them."""

    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(2, 200))
    title = fields.String(required=True, validate=validate.Length(2, 200))
    # The unit that handles complaints at this level. The first place defaults to the unit itself,
    # the second to the unit above it (a provincial directorate may name its valilik instead).
    organization = DetsisNumber(allow_none=True)


_PLACE = ContactPersonSchema(exclude=("web", "info_person"))
RESPONSE_DAYS = (1, 90)


class ServiceStandardInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    first_contact = fields.Nested(_PLACE, required=True)
    second_contact = fields.Nested(_PLACE, required=True)
    # Working days the first place has to answer a complaint before it goes to the second.
    response_days = fields.Integer(allow_none=True, validate=validate.Range(*RESPONSE_DAYS))


class ServiceStandardUpdateSchema(ServiceStandardInputSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber()
    first_contact = fields.Nested(_PLACE)
    second_contact = fields.Nested(_PLACE)
