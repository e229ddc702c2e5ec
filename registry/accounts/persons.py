"""The person key: one stable, non-reversible key per person, whatever the account or record.

An account is a person, and so is a unit's manager; the registry must know when two accounts (or an
account and a manager post) are the same person without storing who that person is. The key is an
HMAC-SHA256 of the person's identifier (the 11-digit national id number, or an HR personnel number
written as ``<institution DETSİS>/<number>``) under a secret pepper kept outside the database
(``REGISTRY_PERSON_KEY_SECRET``). A stolen table cannot be turned back into national ids by trying
all 10^11 of them without the pepper; the same identifier always gives the same key on every node.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from registry.kernel.errors import InvalidInput

KEY_LENGTH = 64  # hex digits of SHA-256
_NATIONAL_ID = re.compile(r"\d{11}")
_PERSONNEL = re.compile(r"(\d{8})/([0-9A-Za-z-]{1,20})")

FIELD_ERROR = (
    "Kişi kimliği 11 haneli T.C. kimlik numarası ya da '<DETSİS>/<sicil no>' olmalıdır / "
    "a person identifier is an 11-digit national id or '<DETSİS>/<personnel number>'."
)


def valid_national_id(value: str) -> bool:
    """The T.C. kimlik numarası check digits: a typo is refused instead of making a new person."""
    if not _NATIONAL_ID.fullmatch(value) or value[0] == "0":
        return False
    digits = [int(c) for c in value]
    tenth = ((sum(digits[0:9:2]) * 7) - sum(digits[1:8:2])) % 10
    return digits[9] == tenth and digits[10] == sum(digits[:10]) % 10


def normalized_identifier(raw: str, field: str = "person_id") -> str:
    """The identifier as keyed: a checked national id, or an upper-cased personnel number."""
    value = "".join(raw.split())
    if _NATIONAL_ID.fullmatch(value):
        if not valid_national_id(value):
            raise InvalidInput(
                "T.C. kimlik numarasının denetim haneleri tutmuyor / the national id number's "
                "check digits are wrong.",
                errors={field: ["invalid check digits"]},
            )
        return f"tckn:{value}"
    match = _PERSONNEL.fullmatch(value)
    if match:
        return f"hr:{match.group(1)}/{match.group(2).upper()}"
    raise InvalidInput(FIELD_ERROR, errors={field: ["not a person identifier"]})


def person_key(raw: str, secret: str, field: str = "person_id") -> str:
    """The key stored for a person: never the identifier itself."""
    if not secret:
        raise RuntimeError("REGISTRY_PERSON_KEY_SECRET is not configured")
    message = normalized_identifier(raw, field).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def short(key: str | None) -> str:
    """The first 12 hex digits: enough to tell people apart in an audit entry."""
    return key[:12] if key else ""
