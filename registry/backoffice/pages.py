"""The back office's pages under ``/manage``: sign-in, the desk, the inbox.

Cookies: the session token (``kys_oturum``) and, before sign-in, a CSRF token (``kys_form``),
both HttpOnly, SameSite=Lax and Secure unless ``BACKOFFICE_SECURE_COOKIES`` is off (plain-http
development on 127.0.0.1). Every form carries a CSRF token: before sign-in the cookie's value
(double submit), after it an HMAC of the session token under the app's secret key, so it dies
with the session. Browsers' ``Origin`` is checked too, as on the public site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import segno
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
from werkzeug.wrappers import Response as BaseResponse

from registry.accounts.models import User
from registry.backoffice import desk, signin
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import NotFound, RegistryError
from registry.workflow import service as workflow

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
    _refuse_cross_site()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    session = get_session()
    found = signin.current(session, request.cookies.get(SESSION_COOKIE), _now(), _idle())
    session.commit()  # an expiry or a last-seen update stands whatever the page does next
    if not isinstance(found, signin.Current):
        return _to_login(found)
    g.bo = found
    if found.row.stage != signin.COMPLETE and request.endpoint != "backoffice.code":
        return redirect(url_for("backoffice.code"), 303)
    if request.method == "POST":
        _check_csrf(_session_csrf(request.cookies[SESSION_COOKIE]))
    return None


@blp.after_request
def no_store(response: Response) -> Response:
    """Nothing of the back office belongs in a shared or browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse:
    """The password step; the second factor follows on its own page."""
    form_token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)
    if request.method == "GET":
        notice = request.args.get("bilgi")
        page = make_response(_page("login.html", csrf=form_token, notice=notice))
        return _with_form_cookie(page, form_token)
    _check_csrf(request.cookies.get(FORM_COOKIE))
    session = write_session()
    login_name = request.form.get("login", "")
    try:
        started = signin.sign_in(
            session, login_name, request.form.get("password", ""), _address(), _now()
        )
    except signin.SignInRefused as refused:
        session.commit()  # the failure counts even though the page says no
        text = _page("login.html", csrf=form_token, error=refused.detail, login=login_name)
        return _with_form_cookie(make_response(text, refused.status), form_token)
    session.commit()
    after = "backoffice.desk" if started.row.stage == signin.COMPLETE else "backoffice.code"
    return _with_session_cookie(redirect(url_for(after), 303), started.token)


@blp.route("/login/code", methods=["GET", "POST"])
def code() -> BaseResponse:
    """The second factor: a TOTP code, enrolled here on the first sign-in (QR code and URI)."""
    current: signin.Current = g.bo
    if current.row.stage == signin.COMPLETE:
        return redirect(url_for("backoffice.desk"), 303)
    session = write_session() if request.method == "POST" else get_session()
    user = current.user
    enrolment = None
    if user.totp_enrolled_at is None:
        secret = signin.enrolment_secret(session, user)
        uri = signin.enrolment_uri(user, secret)
        qr = segno.make(uri, error="m").svg_data_uri(scale=4, title="Doğrulama uygulaması için QR")
        enrolment = {"secret": secret, "uri": uri, "qr": qr}
    session.commit()
    csrf = _session_csrf(request.cookies[SESSION_COOKIE])
    if request.method == "GET":
        return make_response(_page("code.html", csrf=csrf, enrolment=enrolment))
    try:
        started = signin.give_code(
            session, current.row, user, request.form.get("code", ""), _address(), _now()
        )
    except signin.SignInRefused as refused:
        session.commit()
        page = _page("code.html", csrf=csrf, enrolment=enrolment, error=refused.detail)
        return make_response(page, refused.status)
    session.commit()
    return _with_session_cookie(redirect(url_for("backoffice.desk"), 303), started.token)


@blp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    session = write_session()
    current: signin.Current = g.bo
    signin.sign_out(current.row, _now())
    session.commit()
    response = redirect(url_for("backoffice.login", bilgi="Oturum kapatıldı / signed out."), 303)
    response.delete_cookie(SESSION_COOKIE, path="/manage")
    return response


@blp.route("/", endpoint="desk")
def desk_page() -> BaseResponse:
    """The desk: who is signed in, for which unit, and what they have filed."""
    user = _user()
    session = get_session()
    return make_response(
        _page(
            "desk.html",
            account=desk.account(session, user),
            submissions=desk.own_submissions(session, user),
            waiting=len(desk.inbox(session, user)),
        )
    )


@blp.route("/inbox")
def inbox() -> BaseResponse:
    return _inbox_page()


@blp.route("/requests/<int:request_id>/decide", methods=["POST"])
def decide(request_id: int) -> BaseResponse:
    """Approve or reject through the workflow's own transitions; a refusal is shown inline and
    nothing of the attempt is kept."""
    session = write_session()
    user = _user()
    decision = request.form.get("decision")
    reason = request.form.get("reason", "").strip() or None
    try:
        workflow.get_visible(session, user, request_id)
        if decision == "approve":
            workflow.approve(session, user, request_id, reason)
        elif decision == "reject":
            workflow.reject(session, user, request_id, reason)
        else:
            abort(400, description="Karar 'onayla' veya 'reddet' olmalı / approve or reject.")
    except RegistryError as error:
        session.rollback()
        status = 404 if isinstance(error, NotFound) else int(error.status)
        return _inbox_page({request_id: error.detail}, status)
    session.commit()
    done = "onaylandı" if decision == "approve" else "reddedildi"
    return redirect(url_for("backoffice.inbox", bilgi=f"Talep {request_id} {done}."), 303)


def _inbox_page(errors: dict[int, str] | None = None, status: int = 200) -> BaseResponse:
    session = get_session()
    items = desk.inbox(session, _user())
    errors = errors or {}
    # A refusal about a request the inbox does not list still has to be said somewhere.
    unlisted = {
        number: text for number, text in errors.items() if all(i.id != number for i in items)
    }
    page = _page(
        "inbox.html",
        items=items,
        errors=errors,
        unlisted=unlisted,
        notice=request.args.get("bilgi"),
    )
    return make_response(page, status)


def _page(template: str, **context: object) -> str:
    current = g.get("bo")
    csrf = _session_csrf(request.cookies[SESSION_COOKIE]) if current else None
    return render_template(
        f"backoffice/{template}",
        signed_in=current.user if current and current.row.stage == signin.COMPLETE else None,
        session_csrf=csrf,
        **context,
    )


def _user() -> User:
    current: signin.Current = g.bo
    return current.user


def _to_login(message: str | None) -> BaseResponse:
    response = redirect(
        url_for("backoffice.login", bilgi=message) if message else url_for("backoffice.login"), 303
    )
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/manage")
    return response


def _with_session_cookie(response: BaseResponse, token: str) -> BaseResponse:
    return _with_cookie(response, SESSION_COOKIE, token)


def _with_form_cookie(response: BaseResponse, token: str) -> BaseResponse:
    return _with_cookie(response, FORM_COOKIE, token)


def _with_cookie(response: BaseResponse, name: str, value: str) -> BaseResponse:
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


def _session_csrf(token: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def _check_csrf(expected: str | None) -> None:
    given = request.form.get("csrf", "")
    if not expected or not given or not hmac.compare_digest(given, expected):
        abort(400, description=CSRF_REFUSED)


def _refuse_cross_site() -> None:
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    if origin and (origin == "null" or urlsplit(origin).netloc != request.host):
        abort(403, description="Bu form yalnızca bu sitenin sayfalarından gönderilebilir.")


def _address() -> str:
    return request.remote_addr or "?"


def _now() -> datetime:
    return datetime.now(UTC)


def _idle() -> timedelta:
    return timedelta(minutes=float(current_app.config["BACKOFFICE_IDLE_MINUTES"]))
