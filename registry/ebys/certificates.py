"""E-correspondence encryption certificates: X.509 in PEM, read with ``cryptography``.

EBYS systems encrypt an e-Yazışma package for its recipient with the recipient's certificate, so
what the registry says of one must be exact: its SHA-256 fingerprint, validity and subject. An
expired certificate is still served (the caller decides), flagged ``expired``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

MAX_PEM_CHARS = 20_000


class BadCertificate(ValueError):
    """Not one readable X.509 certificate in PEM."""


@dataclass(frozen=True)
class CertificateFacts:
    pem: str
    sha256_fingerprint: str  # upper-case hex pairs joined by ":", as certificate viewers show it
    subject: str
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= self.not_after


def read(pem: str) -> CertificateFacts:
    """The facts of one PEM certificate; ``BadCertificate`` when it is not one."""
    text = pem.strip()
    if len(text) > MAX_PEM_CHARS or text.count("-----BEGIN CERTIFICATE-----") != 1:
        raise BadCertificate("expected exactly one PEM certificate")
    try:
        certificate = x509.load_pem_x509_certificate(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise BadCertificate(str(error) or "unreadable certificate") from error
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateFacts(
        pem=text + "\n",
        sha256_fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=format(certificate.serial_number, "X"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
