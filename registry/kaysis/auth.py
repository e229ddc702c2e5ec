"""The ``BbServiceAuthentication`` header: which institution calls, and whether it may.

``KurumID`` is the institution's DETSİS number and ``Password`` the token of its ``ebys``
account (``registry users create --role ebys --organization <DETSİS>``). A missing or wrong
header, a token of another role, or a ``KurumID`` that is not the account's institution is
answered with ``SonucHatali=true`` and a Turkish message (README §3.2: the C# client logs
``HataMsj``; a fault would stop its sync with a less useful error).

An EBYS sends the same header with every letter, and checking it (the token, the account's
scope, its institution's number) cost more than composing a cached letter, so a header that was
let in is remembered by this process for ``GRANTED_SECONDS``: a revoked token or a deactivated
account is refused at most that long after the change. Refusals are never remembered.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts import service as accounts
from registry.kernel.errors import Forbidden
from registry.organizations import tree


class Refused(Exception):
    """The caller is not let in; the message goes into ``HataMsj``."""


@dataclass(frozen=True)
class Caller:
    account_id: int
    organization_id: int
    detsis_no: str


NO_HEADER = (
    "Kimlik doğrulama başlığı (BbServiceAuthentication) eksik / the BbServiceAuthentication "
    "header is missing."
)
WRONG = "Kurum numarası (KurumID) ya da şifre (Password) hatalı / wrong KurumID or Password."
GRANTED_SECONDS = 10.0
MAX_GRANTED = 1000
# (database, KurumID, token hash) → (until, caller): headers let in lately, per process.
_granted: dict[tuple[str, str, str], tuple[float, Caller]] = {}
_lock = threading.Lock()


def caller(session: Session, credentials: tuple[str | None, str | None] | None) -> Caller:
    """The EBYS account behind the header, or ``Refused``."""
    if credentials is None:
        raise Refused(NO_HEADER)
    number, password = credentials
    if not number or not password:
        raise Refused(NO_HEADER)
    key = (str(session.get_bind().engine.url), number, accounts.hash_token(password))
    now = time.monotonic()
    with _lock:
        found = _granted.get(key)
    if found is not None and found[0] > now:
        return found[1]
    let_in = _check(session, number, password)
    with _lock:
        if len(_granted) >= MAX_GRANTED:
            _granted.clear()
        _granted[key] = (now + GRANTED_SECONDS, let_in)
    return let_in


def forget() -> None:
    """Forget every header let in (an account changed in this process, or a test)."""
    with _lock:
        _granted.clear()


def _check(session: Session, number: str, password: str) -> Caller:
    user = accounts.authenticate(session, password)
    if user is None:
        raise Refused(WRONG)
    try:
        org_id = policy.require_ebys_client(session, user)
    except Forbidden as error:
        raise Refused(error.detail) from error
    own = tree.number_of(session, org_id)
    if number != own:
        raise Refused(WRONG)
    return Caller(user.id, org_id, own)
