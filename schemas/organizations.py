"""Organization (DETSİS) representations and inputs.

The representations dump the ``TypedDict``s of ``registry/organizations/api.py`` by key (and
``PathEntrySchema`` the tree's ``PathEntry`` by attribute).
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.ebys import certificates
from schemas.common import DetsisNumber, IsoDate, Schema, UtcDateTime
from schemas.vocabularies import CATEGORIES, UNIT_TYPES

LEVELS = ("central", "provincial", "abroad")
STATUSES = ("active", "closed")
EVENTS = ("created", "updated", "renamed", "moved", "merged", "split", "closed", "reopened")

# Registered e-mail (KEP): local@hsNN.kep.tr or name@name.hsNN.kep.tr. Providers are not hard-coded.
KEP_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?@(?:[a-z0-9-]+\.)?hs\d{2}\.kep\.tr$")
PEM_PATTERN = re.compile(
    r"^\s*-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$"
)
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()./-]{6,24}$")


class ProvinceSchema(Schema):
    code = fields.Integer(
        required=True, validate=validate.Range(1, 81), metadata={"description": "Plate code 1–81"}
    )
    name = fields.String(dump_only=True)


class InfoPersonSchema(Schema):
    """The "Bilgi için" person of a letter's contact block."""

    name = fields.String(required=True, validate=validate.Length(2, 200))
    title = fields.String(allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            PHONE_PATTERN, error="Geçersiz telefon numarası / not a telephone number."
        ),
    )
    email = fields.Email(allow_none=True)


class ContactSchema(Schema):
    address = fields.String(allow_none=True, validate=validate.Length(max=500))
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            PHONE_PATTERN, error="Geçersiz telefon numarası / not a telephone number."
        ),
    )
    fax = fields.String(
        allow_none=True,
        validate=validate.Regexp(PHONE_PATTERN, error="Geçersiz faks numarası / not a fax number."),
    )
    email = fields.Email(allow_none=True)
    web = fields.URL(allow_none=True, schemes={"http", "https"})
    info_person = fields.Nested(InfoPersonSchema, allow_none=True)


class KepAddressSchema(Schema):
    address = fields.String(
        required=True,
        validate=validate.Regexp(
            KEP_PATTERN,
            error="KEP adresi local@hsNN.kep.tr biçiminde olmalı / "
            "a KEP address looks like local@hsNN.kep.tr.",
        ),
    )
    active = fields.Boolean(load_default=True, dump_default=True)

    @ma.pre_load
    def normalise(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, str):
            data = {"address": data}
        if isinstance(data, dict) and isinstance(data.get("address"), str):
            data = {**data, "address": data["address"].strip().lower()}
        return data


class PathEntrySchema(Schema):
    detsis_no = DetsisNumber()
    name = fields.String()


class OrganizationSchema(Schema):
    """A unit as published (or as it stood on ``at``)."""

    detsis_no = DetsisNumber(metadata={"description": "State-organization number (8 digits)"})
    name = fields.String()
    short_name = fields.String(allow_none=True)
    english_name = fields.String(allow_none=True)
    parent = DetsisNumber(allow_none=True)
    institution = DetsisNumber(metadata={"description": "The institution this unit belongs to"})
    category = fields.String(allow_none=True)
    unit_type = fields.String(allow_none=True)
    level = fields.String(validate=validate.OneOf(LEVELS))
    province = fields.Nested(ProvinceSchema, allow_none=True)
    district = fields.String(allow_none=True)
    contact = fields.Nested(ContactSchema)
    kep_addresses = fields.List(fields.Nested(KepAddressSchema))
    has_certificate = fields.Boolean(
        metadata={"description": "Whether an e-correspondence encryption certificate is registered"}
    )
    corresponds_externally = fields.Boolean()
    letterhead = fields.List(
        fields.String(),
        allow_none=True,
        metadata={"description": "The registered letterhead, if any (null: derived from the tree)"},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    valid_from = IsoDate()
    valid_to = IsoDate(allow_none=True)
    version = fields.Integer(metadata={"description": "Version number, for updates"})
    predecessors = fields.List(DetsisNumber())
    successors = fields.List(DetsisNumber())
    path = fields.List(
        fields.Nested(PathEntrySchema), metadata={"description": "From the root down to this unit"}
    )


class SubtreeNodeSchema(Schema):
    detsis_no = DetsisNumber()
    name = fields.String()
    short_name = fields.String(allow_none=True)
    unit_type = fields.String(allow_none=True)
    level = fields.String()
    status = fields.String()
    depth = fields.Integer()
    children = fields.List(fields.Nested(lambda: SubtreeNodeSchema()))


class HistoryEntrySchema(Schema):
    version = fields.Integer()
    event = fields.String(validate=validate.OneOf(EVENTS))
    valid_from = IsoDate()
    valid_to = IsoDate(allow_none=True)
    reason = fields.String(allow_none=True)
    name = fields.String()
    parent = DetsisNumber(allow_none=True)
    status = fields.String()
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw()),
        metadata={"description": "field → [before, after]"},
    )
    recorded_at = UtcDateTime()
    recorded_by = fields.String(allow_none=True, metadata={"description": "Authorized callers"})
    submitted_by = fields.String(allow_none=True, metadata={"description": "Authorized callers"})
    approved_by = fields.String(allow_none=True, metadata={"description": "Authorized callers"})
    request_id = fields.Integer(allow_none=True, metadata={"description": "Authorized callers"})
    audit_seq = fields.Integer(allow_none=True, metadata={"description": "Authorized callers"})


class HistorySchema(Schema):
    detsis_no = DetsisNumber()
    versions = fields.List(fields.Nested(HistoryEntrySchema))
    predecessors = fields.List(DetsisNumber())
    successors = fields.List(DetsisNumber())


class AtQuerySchema(ma.Schema):
    at = IsoDate(metadata={"description": "Answer as of this date (YYYY-MM-DD); default today"})


class OrganizationListQuerySchema(AtQuerySchema):
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Name contains (Turkish- and accent-insensitive)"},
    )
    parent = DetsisNumber()
    category = fields.String()  # checked against the vocabulary in the view, with the list
    unit_type = fields.String()
    level = fields.String(validate=validate.OneOf(LEVELS))
    province = fields.Integer(
        validate=validate.Range(1, 81), metadata={"description": "Plate code 1–81"}
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    kutuk_no = fields.String(
        validate=validate.Length(1, 30),
        metadata={"description": "The unit with this old ledger number (kütük no): exact"},
    )


class SubtreeQuerySchema(AtQuerySchema):
    depth = fields.Integer(load_default=1, validate=validate.Range(1, 12))


def _readable_certificate(pem: str) -> None:
    try:
        certificates.read(pem)
    except certificates.BadCertificate as error:
        raise ma.ValidationError(
            f"Sertifika okunamadı / the certificate cannot be read: {error}"
        ) from error


class UnitInputSchema(Schema):
    """Fields of a unit as a change request carries them (the GET names, minus derived ones)."""

    class Meta:
        unknown = ma.RAISE

    complete = True  # a create carries the whole record; an update only what changes

    name = fields.String(required=True, validate=validate.Length(min=2, max=300))
    short_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    english_name = fields.String(allow_none=True, validate=validate.Length(max=300))
    parent = DetsisNumber(allow_none=True)
    category = fields.String(allow_none=True)
    unit_type = fields.String(allow_none=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    province = fields.Nested(ProvinceSchema, allow_none=True)
    district = fields.String(allow_none=True, validate=validate.Length(max=100))
    contact = fields.Nested(ContactSchema)
    kep_addresses = fields.List(fields.Nested(KepAddressSchema))
    certificate = fields.String(
        allow_none=True,
        validate=[
            validate.Regexp(
                PEM_PATTERN,
                error="PEM biçiminde X.509 sertifikası bekleniyor / expected a PEM certificate.",
            ),
            _readable_certificate,
        ],
        metadata={"description": "E-correspondence encryption certificate, PEM (X.509)"},
    )
    corresponds_externally = fields.Boolean()
    letterhead = fields.List(
        fields.String(validate=validate.Length(1, 200)),
        allow_none=True,
        validate=validate.Length(1, 6),
        metadata={
            "description": "The registered letterhead, line by line, used instead of the one "
            "derived from the tree (null: derived)"
        },
    )

    @ma.validates_schema
    def check_vocabularies(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("category") and data["category"] not in CATEGORIES:
            errors["category"] = [f"one of: {', '.join(CATEGORIES)}"]
        if data.get("unit_type") and data["unit_type"] not in UNIT_TYPES:
            errors["unit_type"] = [f"one of: {', '.join(UNIT_TYPES)}"]
        if self.complete and data.get("level") == "provincial" and not data.get("province"):
            errors["province"] = ["a provincial unit needs its province"]
        if errors:
            raise ma.ValidationError(errors)

    @ma.post_load
    def to_internal(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """Flatten to the stored field names the services use."""
        out = {k: v for k, v in data.items() if k not in ("province", "contact", "certificate")}
        if "province" in data:
            out["province_code"] = data["province"]["code"] if data["province"] else None
        for key, value in (data.get("contact") or {}).items():
            out[key] = value
        if "certificate" in data:
            out["certificate_pem"] = data["certificate"]
        return out


class UnitUpdateSchema(UnitInputSchema):
    """An update names only the fields it changes."""

    class Meta:
        unknown = ma.RAISE

    complete = False
    name = fields.String(validate=validate.Length(min=2, max=300))
    level = fields.String(validate=validate.OneOf(LEVELS))
