"""A unit's dated records for EBYS: managers, other identifiers, budget type, officers' work
contacts, e-Yazışma package version; and the queries and answers of e-correspondence details."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import turkish
from schemas.common import DetsisNumber, IsoDate, Schema, UtcDateTime

APPOINTMENTS = ("asaleten", "vekaleten", "gorevlendirme")
BUDGET_TYPES = (
    "general_budget",
    "special_budget",
    "regulatory_body",
    "social_security",
    "local_administration",
    "state_enterprise",
    "revolving_fund",
    "other",
)
PERSON_KEY = r"^[0-9a-f]{64}$"


class Appointment(fields.String):
    """asaleten, vekaleten or görevlendirme (typed with or without Turkish letters)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = turkish.fold(super()._deserialize(value, attr, data, **kwargs)).strip()
        if text not in APPOINTMENTS:
            raise ma.ValidationError(
                "Görevlendirme şekli asaleten, vekaleten veya görevlendirme olmalı / must be "
                "asaleten, vekaleten or görevlendirme."
            )
        return text


class ManagerPostUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(2, 200), metadata={"example": "Ayşe Yılmaz"})
    title = fields.String(validate=validate.Length(2, 200), metadata={"example": "Genel Müdür"})
    appointment = Appointment(metadata={"description": "asaleten | vekaleten | görevlendirme"})
    legal_basis = fields.String(allow_none=True, validate=validate.Length(2, 300))
    since = IsoDate()
    until = IsoDate(allow_none=True, metadata={"description": "The post's last day"})


class ManagerPostInputSchema(ManagerPostUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    person_key = fields.String(
        required=True,
        validate=validate.Regexp(PERSON_KEY, error="64 onaltılık hane / 64 hex digits."),
        metadata={"description": "From POST /api/v1/person-keys: never a national id"},
    )
    name = fields.String(required=True, validate=validate.Length(2, 200))
    title = fields.String(required=True, validate=validate.Length(2, 200))
    appointment = Appointment(required=True)
    since = IsoDate(required=True)


class ManagerPostSchema(Schema):
    id = fields.String()
    organization = DetsisNumber()
    person = fields.String(metadata={"description": "Short person key: links posts of a person"})
    name = fields.String()
    title = fields.String()
    appointment = fields.String()
    appointment_name = fields.String()
    legal_basis = fields.String(allow_none=True)
    since = fields.Date()
    until = fields.Date(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()


class ManagersSchema(Schema):
    detsis_no = DetsisNumber()
    at = fields.Date()
    managers = fields.List(fields.Nested(ManagerPostSchema))


class PersonKeyInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    person_id = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(1, 40),
        metadata={"description": "11-digit national id or '<DETSİS>/<personnel number>'"},
    )


class PersonKeySchema(Schema):
    person_key = fields.String()


class IdentifiersUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    uets = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^\d{5}-\d{5}-\d{5}$", error="UETS adresi 12345-12345-12345 biçimindedir / format."
        ),
        metadata={"description": "e-tebligat (UETS) address", "example": "26089-17374-11447"},
    )
    kutuk_no = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9A-Za-z.\-/]{1,30}$", error="Kütük no / ledger number."),
        metadata={"description": "Old State Organization Ledger number"},
    )
    tax_no = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\d{10}$", error="Vergi no 10 hanedir / 10 digits."),
    )


class IdentifiersInputSchema(IdentifiersUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)


class IdentifiersSchema(Schema):
    detsis_no = DetsisNumber()
    uets = fields.String(allow_none=True)
    kutuk_no = fields.String(allow_none=True)
    tax_no = fields.String(allow_none=True)
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()


class IdentifierLookupSchema(ma.Schema):
    kutuk_no = fields.String(validate=validate.Length(1, 30))
    uets = fields.String(validate=validate.Length(1, 20))
    tax_no = fields.String(validate=validate.Length(1, 10))
    at = IsoDate()

    @ma.validates_schema
    def one(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if len([k for k in ("kutuk_no", "uets", "tax_no") if data.get(k)]) != 1:
            raise ma.ValidationError("kutuk_no, uets veya tax_no'dan biri / exactly one.", "_")


class BudgetProfileUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    budget_type = fields.String(validate=validate.OneOf(BUDGET_TYPES))
    legal_entity = fields.Boolean(metadata={"description": "Has legal personality"})


class BudgetProfileInputSchema(BudgetProfileUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    budget_type = fields.String(required=True, validate=validate.OneOf(BUDGET_TYPES))
    legal_entity = fields.Boolean(required=True)


class BudgetProfileSchema(Schema):
    detsis_no = DetsisNumber()
    budget_type = fields.String()
    budget_type_name = fields.String()
    legal_entity = fields.Boolean()
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()


class OfficerContactUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    title = fields.String(validate=validate.Length(2, 200))
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9 +()\-]{7,40}$", error="Telefon / phone number."),
    )
    email = fields.Email(allow_none=True)


class OfficerContactInputSchema(OfficerContactUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    account = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    title = fields.String(required=True, validate=validate.Length(2, 200))


class OfficerSchema(Schema):
    account = fields.Integer()
    name = fields.String()
    role = fields.String()
    role_name = fields.String(allow_none=True)
    organization = DetsisNumber(allow_none=True)
    title = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class OfficersSchema(Schema):
    detsis_no = DetsisNumber()
    officers = fields.List(fields.Nested(OfficerSchema))


class EypVersionUpdateSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    package_version = fields.String(
        validate=validate.Regexp(r"^\d{1,3}(\.\d{1,3}){0,2}$", error="Sürüm / version: 2.0"),
        metadata={"example": "2.0"},
    )


class EypVersionInputSchema(EypVersionUpdateSchema):
    class Meta:
        unknown = ma.RAISE

    organization = DetsisNumber(required=True)
    package_version = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{1,3}(\.\d{1,3}){0,2}$", error="Sürüm / version: 2.0"),
    )


class EypVersionSchema(Schema):
    detsis_no = DetsisNumber()
    package_version = fields.String()
    inherited_from = DetsisNumber(allow_none=True)
    active = fields.Boolean()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    version = fields.Integer()
    changed_at = UtcDateTime()


class SinceQuerySchema(ma.Schema):
    since = UtcDateTime(
        required=True,
        metadata={"description": "A moment (RFC 3339): changed in the registry since"},
    )


class CertificateChangeSchema(Schema):
    detsis_no = DetsisNumber()
    active = fields.Boolean(metadata={"description": "False: the certificate was removed"})
    sha256_fingerprint = fields.String(allow_none=True)
    not_after = UtcDateTime(allow_none=True)
    valid_from = fields.Date()
    changed_at = UtcDateTime()


class CertificateOwnersQuerySchema(ma.Schema):
    organization = DetsisNumber(required=True, metadata={"description": "The subtree's root"})
    at = IsoDate()


class CertificateOwnerSchema(Schema):
    detsis_no = DetsisNumber()
    certificate_owner = DetsisNumber(
        allow_none=True, metadata={"description": "The unit whose certificate it uses"}
    )


class DistributionQuerySchema(ma.Schema):
    action = fields.List(
        DetsisNumber(), data_key="to", metadata={"description": "Gereği (for action), repeated"}
    )
    information = fields.List(
        DetsisNumber(), data_key="info", metadata={"description": "Bilgi (for information)"}
    )
    list_id = fields.Integer(
        data_key="list",
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "A distribution list instead"},
    )


class DistributionEntrySchema(Schema):
    detsis_no = DetsisNumber()
    kind = fields.String()
    line = fields.String()


class DistributionBlockSchema(Schema):
    addressee = fields.List(fields.String(), metadata={"description": "DAĞITIM YERLERİNE"})
    block = fields.List(fields.String(), metadata={"description": "Dağıtım:, Gereği:, Bilgi:"})
    recipients = fields.List(fields.Nested(DistributionEntrySchema))
