"""The ``BbServiceAuthentication`` header: which institution calls, and whether it may.

``KurumID`` is the institution's DETSİS number and ``Password`` the token of its ``ebys``
account (``registry users create --role ebys --organization <DETSİS>``). A missing or wrong
header, a token of another role, or a ``KurumID`` that is not the account's institution is
answered with ``SonucHatali=true`` and a Turkish message (README §3.2: the C# client logs
``HataMsj``; a fault would stop its sync with a less useful error).
"""

from __future__ import annotations

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


def caller(session: Session, credentials: tuple[str | None, str | None] | None) -> Caller:
    """The EBYS account behind the header, or ``Refused``."""
    if credentials is None:
        raise Refused(NO_HEADER)
    number, password = credentials
    if not number or not password:
        raise Refused(NO_HEADER)
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
