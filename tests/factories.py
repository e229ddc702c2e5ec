"""Small builders for test data, going through the same services as the real write path."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session

from registry.accounts import persons
from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.organizations import changes
from schemas.organizations import UnitInputSchema

# The pepper of person keys made here; the app's own (PERSON_KEY_SECRET) keys CLI-made accounts.
PERSON_PEPPER = "tests-person-pepper"


def national_id(seed: int) -> str:
    """A T.C. kimlik numarası with valid check digits, one per ``seed`` (first digit never 0)."""
    digits = [1 + seed // 10**8 % 9] + [int(c) for c in f"{seed % 10**8:08d}"]
    digits.append(((sum(digits[0:9:2]) * 7) - sum(digits[1:8:2])) % 10)
    digits.append(sum(digits) % 10)
    return "".join(map(str, digits))


def person_id_for(name: str) -> str:
    """A stable national id per name: accounts of different names are different people."""
    return national_id(int.from_bytes(hashlib.sha256(name.encode()).digest()[:6], "big"))


def make_user(
    session: Session,
    *,
    name: str,
    role: str,
    organization: str | None = None,
    person_id: str | None = None,
    secret: str = PERSON_PEPPER,
) -> tuple[User, str]:
    """An account through the real use case, as one person (by default, one person per name);
    returns it and its token."""
    key = persons.person_key(person_id or person_id_for(name), secret)
    return accounts.create_user(
        session, name=name, role=role, organization=organization, person_key=key
    )


def make_unit(
    session: Session,
    name: str,
    *,
    parent: str | None = None,
    valid_from: date = date(2020, 1, 1),
    detsis_no: str | None = None,
    **fields: Any,
) -> str:
    """Create a unit and return its DETSİS number."""
    data = UnitInputSchema().load(
        {"name": name, "parent": parent, "level": fields.pop("level", "central"), **fields}
    )
    organization = changes.create_unit(session, data, valid_from=valid_from, detsis_no=detsis_no)
    return organization.detsis_no


def make_act(session: Session, title: str, **fields: Any) -> int:
    """Create an act directly (as an import would) and return its id."""
    from registry.legislation import records as legislation_records
    from schemas.legislation import LegislationInputSchema

    if "gazette" not in fields:
        fields.setdefault("adopted_on", "2015-01-01")
    data = LegislationInputSchema().load({"type": fields.pop("type", 3), "title": title, **fields})
    return legislation_records.create_act(session, data).act.id


def make_document(session: Session, name: str, **fields: Any) -> str:
    from registry.catalogue import documents as document_records
    from schemas.catalogue.services import DocumentInputSchema

    data = DocumentInputSchema().load({"name": name, **fields})
    return document_records.create_document(session, data).code


def make_service(session: Session, name: str, organization: str, **fields: Any) -> str:
    from registry.catalogue import services as service_records
    from schemas.catalogue.services import ServiceInputSchema

    data = ServiceInputSchema().load({"name": name, "organization": organization, **fields})
    return service_records.create_service(session, data).code


def make_certificate(name: str, *, days: int = 365, expired: bool = False) -> str:
    """A throwaway self-signed certificate (its key is dropped at once)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(days=800), now - timedelta(days=1))
        if expired
        else (
            now - timedelta(days=1),
            now + timedelta(days=days),
        )
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
