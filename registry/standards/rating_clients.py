"""Who is rating, as far as one-rating-per-day needs to know: a keyed hash, never the address.

The survey is anonymous, yet one client must not swing a service's rate by rating it a hundred
times. A client is its address and user agent (what a browser sends anyway); the key is an
HMAC of them with the service and the day under the registry's secret (``SECRET_KEY``, shared by
every node), so nodes agree, the table holds nothing that names a person, and two claims of the
same client on other days or services cannot be linked.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from flask import current_app, request


def client_key(secret: str, address: str, agent: str, service: str, day: date) -> str:
    """The keyed hash of one client rating one service on one day (64 hex digits)."""
    message = "\n".join(("survey-client", day.isoformat(), service, address, agent))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def request_client_key(service: str, day: date) -> str:
    """The calling client's key (``request.remote_addr``: behind a proxy, ProxyFix sets it)."""
    return client_key(
        str(current_app.config["SECRET_KEY"]),
        request.remote_addr or "",
        request.headers.get("User-Agent", ""),
        service,
        day,
    )
