"""The back office's blueprint and what every page of it shares: the session, cookies, CSRF.

Cookies: the session token (``kys_oturum``) and, before sign-in, a CSRF token (``kys_form``),
both HttpOnly, SameSite=Lax and Secure unless ``BACKOFFICE_SECURE_COOKIES`` is off (plain-http
development on 127.0.0.1). Every form carries a CSRF token: before sign-in the cookie's value
(double submit), after it an HMAC of the session token under the app's secret key, so it dies
with the session. Browsers' ``Origin`` is checked too, as on the public site.

The page modules (``pages``, ``proposal_pages``, ``review_pages``, ``admin_pages``) add their
routes to ``blp``; ``pages`` imports the others so that registering ``blp`` brings them all.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from registry.accounts.models import User
from registry.backoffice import signin
from registry.kernel.db import get_session

blp = Blueprint(
    "backoffice",
    __name__,
    url_prefix="/manage",
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

SESSION_COOKIE = "kys_oturum"
FORM_COOKIE = "kys_form"
OPEN_ENDPOINTS = ("backoffice.login", "backoffice.static")
CSRF_REFUSED = (
    "Form geçersiz veya süresi dolmuş; sayfayı yenileyip yeniden deneyin / the form is invalid "
    "or expired: reload the page and try again."
)


@blp.before_request
def load_session() -> BaseResponse | None:
    """Every page but the sign-in form needs a live session; one waiting for its second factor
    reaches only the code page."""
    refuse_cross_site()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    session = get_session()
    found = signin.current(session, request.cookies.get(SESSION_COOKIE), now(), idle())
    session.commit()  # an expiry or a last-seen update stands whatever the page does next
    if not isinstance(found, signin.Current):
        return to_login(found)
    g.bo = found
    if found.row.stage != signin.COMPLETE and request.endpoint != "backoffice.code":
        return redirect(url_for("backoffice.code"), 303)
    if request.method == "POST":
        check_csrf(session_csrf(request.cookies[SESSION_COOKIE]))
    return None


@blp.after_request
def no_store(response: Response) -> Response:
    """Nothing of the back office belongs in a shared or browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def page(template: str, **context: object) -> str:
    """A back-office template with the signed-in account and its CSRF token."""
    current = g.get("bo")
    csrf = session_csrf(request.cookies[SESSION_COOKIE]) if current else None
    return render_template(
        f"backoffice/{template}",
        signed_in=current.user if current and current.row.stage == signin.COMPLETE else None,
        session_csrf=csrf,
        **context,
    )


def refused(detail: str, status: int) -> BaseResponse:
    """A refusal as a page of its own (403 another institution's record, 404 no such record)."""
    return make_response(page("refused.html", detail=detail, status=status), status)


def user() -> User:
    current: signin.Current = g.bo
    return current.user


def to_login(message: str | None) -> BaseResponse:
    response = redirect(
        url_for("backoffice.login", bilgi=message) if message else url_for("backoffice.login"), 303
    )
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/manage")
    return response


def with_cookie(response: BaseResponse, name: str, value: str) -> BaseResponse:
    """Session cookies (no expiry: the browser forgets them on closing), never sent cross-site
    with a POST, never readable by script, and HTTPS-only outside development."""
    response.set_cookie(
        name,
        value,
        path="/manage",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["BACKOFFICE_SECURE_COOKIES"]),
    )
    return response


def session_csrf(token: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


@blp.errorhandler(400)
@blp.errorhandler(403)
def refusal_page(error: HTTPException) -> BaseResponse:
    """A refused form (CSRF, another site's form) as a back-office page with a way back to the
    desk, not the public site's error page."""
    return refused(error.description or "", error.code or 400)


def check_csrf(expected: str | None) -> None:
    given = request.form.get("csrf", "")
    if not expected or not given or not hmac.compare_digest(given, expected):
        abort(400, description=CSRF_REFUSED)


def refuse_cross_site() -> None:
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    if origin and (origin == "null" or urlsplit(origin).netloc != request.host):
        abort(403, description="Bu form yalnızca bu sitenin sayfalarından gönderilebilir.")


def address() -> str:
    return request.remote_addr or "?"


def now() -> datetime:
    return datetime.now(UTC)


def idle() -> timedelta:
    return timedelta(minutes=float(current_app.config["BACKOFFICE_IDLE_MINUTES"]))
