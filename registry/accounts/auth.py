"""Bearer-token authentication for API writes. Tokens are never logged or echoed."""

from __future__ import annotations

from flask import g, request

from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.kernel.db import get_session
from registry.kernel.errors import Unauthorized

_UNSET = object()


def current_user() -> User | None:
    """The authenticated account, or None when no Authorization header was sent."""
    cached = g.get("current_user", _UNSET)
    if cached is not _UNSET:
        return cached
    header = request.headers.get("Authorization")
    user: User | None = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized(
                "Authorization başlığı 'Bearer <token>' olmalı / use a Bearer token."
            )
        user = accounts.authenticate(get_session(), token.strip())
        if user is None:
            raise _unauthorized("Geçersiz veya iptal edilmiş anahtar / invalid or revoked token.")
    g.current_user = user
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        raise _unauthorized("Bu işlem için kimlik doğrulaması gerekir / authentication required.")
    return user


def _unauthorized(detail: str) -> Unauthorized:
    return Unauthorized(detail, extra={"_headers": {"WWW-Authenticate": 'Bearer realm="registry"'}})
