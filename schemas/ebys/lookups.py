"""EBYS lookups: the answers document systems read on every letter, and their queries.

Each answer schema dumps a view of ``registry/ebys/views.py`` by key. Field order is the order
of the XML elements too (``registry/data/ebys.xsd``), so fields are only ever added at the end of
a schema.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import DetsisNumber, IsoDate, Schema, UtcDateTime
from schemas.organizations import InfoPersonSchema


class LinesSchema(Schema):
    detsis_no = DetsisNumber()
    lines = fields.List(fields.String())


class CourtesyQuerySchema(ma.Schema):
    sender = DetsisNumber(
        required=True, data_key="from", metadata={"description": "The writing unit"}
    )
    recipients = fields.List(
        DetsisNumber(),
        required=True,
        data_key="to",
        validate=validate.Length(min=1),
        metadata={"description": "Recipients, repeated (to=…&to=…), at most 100"},
    )


class CourtesySchema(Schema):
    phrase = fields.String(
        metadata={"description": '"Arz ederim.", "Rica ederim." or "Arz ve rica ederim."'}
    )


class SignatorySchema(Schema):
    name = fields.String(allow_none=True, metadata={"description": "None: a vacant post"})
    surname = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    delegation = fields.String(allow_none=True, metadata={"description": '"Bakan a.", "Vali V."'})
    rank = fields.Integer(metadata={"description": "1 is the highest"})
    lines = fields.List(
        fields.String(),
        metadata={"description": "The signature block, as printed (empty: nobody to print)"},
    )
    manager_of = DetsisNumber(
        allow_none=True,
        metadata={"description": "The unit whose head post signs (its holder on the date)"},
    )
    vacant = fields.Boolean(metadata={"description": "The post had no holder on the letter's date"})


LETTER_DATE = {
    "description": "The letter's date (YYYY-MM-DD, default today): who holds a signing post "
    "then, and the units as they stood"
}


class LetterDateSchema(ma.Schema):
    at = IsoDate(metadata=LETTER_DATE)


class SignatoriesSchema(Schema):
    detsis_no = DetsisNumber()
    signatories = fields.List(
        fields.Nested(SignatorySchema),
        metadata={"description": "Left to right as signed: the highest (rank 1) on the right"},
    )


class ContactBlockSchema(Schema):
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    fax = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    web = fields.String(allow_none=True)
    kep = fields.String(allow_none=True, metadata={"description": "The KEP address to write to"})
    info_person = fields.Nested(InfoPersonSchema, allow_none=True)


class KepEntrySchema(Schema):
    address = fields.String()
    active = fields.Boolean()
    inherited_from = DetsisNumber(
        allow_none=True, metadata={"description": "The unit above it that holds the address"}
    )


class KepSchema(Schema):
    detsis_no = DetsisNumber()
    kep_addresses = fields.List(fields.Nested(KepEntrySchema))


class CertificateSchema(Schema):
    pem = fields.String()
    sha256_fingerprint = fields.String()
    subject = fields.String()
    issuer = fields.String()
    serial_number = fields.String()
    not_before = UtcDateTime()
    not_after = UtcDateTime()
    expired = fields.Boolean()
    inherited_from = DetsisNumber(allow_none=True)


class UnitCertificateSchema(CertificateSchema):
    """A unit's certificate: the facts, then the number asked for (last, as in the XML)."""

    detsis_no = DetsisNumber()


class RecipientSchema(Schema):
    detsis_no = DetsisNumber()
    addressee = fields.List(fields.String())
    kep_addresses = fields.List(fields.Nested(KepEntrySchema))
    certificate = fields.Nested(CertificateSchema, allow_none=True)


class CorrespondenceQuerySchema(CourtesyQuerySchema):
    at = IsoDate(metadata=LETTER_DATE)


class CorrespondenceSchema(Schema):
    sender = DetsisNumber()
    letterhead = fields.List(fields.String())
    courtesy = fields.String()
    signatories = fields.List(fields.Nested(SignatorySchema))
    sender_contact = fields.Nested(ContactBlockSchema)
    recipients = fields.List(fields.Nested(RecipientSchema))


class DistributionRecipientSchema(Schema):
    detsis_no = DetsisNumber()
    kind = fields.String(metadata={"description": '"gereği" (for action) or "bilgi"'})
    addressee = fields.List(fields.String())
    closed = fields.Boolean(metadata={"description": "Closed since the list was made"})
    successors = fields.List(DetsisNumber())


class DistributionListSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    owner = DetsisNumber()
    recipients = fields.List(fields.Nested(DistributionRecipientSchema))


class DistributionListQuerySchema(ma.Schema):
    owner = DetsisNumber(required=True)
