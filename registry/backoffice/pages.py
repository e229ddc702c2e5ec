"""The back office's sign-in pages, the desk and the inbox (the blueprint is in ``shell``).

The other page modules are imported here so that registering ``blp`` brings all their routes.
"""

from __future__ import annotations

import secrets

import segno
from flask import abort, g, make_response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.accounts.models import Role
from registry.backoffice import (
    admin_pages,
    desk,
    listings,
    proposal_pages,
    review_pages,
    signin,
)
from registry.backoffice.labels import ACTION_NAMES, ENTITY_NAMES
from registry.backoffice.shell import (
    FORM_COOKIE,
    SESSION_COOKIE,
    address,
    blp,
    check_csrf,
    now,
    page,
    session_csrf,
    with_cookie,
)
from registry.backoffice.shell import user as signed_in_user
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import NotFound, RegistryError
from registry.workflow import service as workflow

__all__ = ["FORM_COOKIE", "SESSION_COOKIE", "admin_pages", "blp", "proposal_pages", "review_pages"]


@blp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse:
    """The password step; the second factor follows on its own page."""
    form_token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)
    if request.method == "GET":
        notice = request.args.get("bilgi")
        answer = make_response(page("login.html", csrf=form_token, notice=notice))
        return _with_form_cookie(answer, form_token)
    check_csrf(request.cookies.get(FORM_COOKIE))
    session = write_session()
    login_name = request.form.get("login", "")
    try:
        started = signin.sign_in(
            session, login_name, request.form.get("password", ""), address(), now()
        )
    except signin.SignInRefused as refused:
        session.commit()  # the failure counts even though the page says no
        text = page("login.html", csrf=form_token, error=refused.detail, login=login_name)
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
    csrf = session_csrf(request.cookies[SESSION_COOKIE])
    if request.method == "GET":
        return make_response(page("code.html", csrf=csrf, enrolment=enrolment))
    try:
        started = signin.give_code(
            session, current.row, user, request.form.get("code", ""), address(), now()
        )
    except signin.SignInRefused as refused:
        session.commit()
        text = page("code.html", csrf=csrf, enrolment=enrolment, error=refused.detail)
        return make_response(text, refused.status)
    session.commit()
    return _with_session_cookie(redirect(url_for("backoffice.desk"), 303), started.token)


@blp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    session = write_session()
    current: signin.Current = g.bo
    signin.sign_out(current.row, now())
    session.commit()
    response = redirect(url_for("backoffice.login", bilgi="Oturum kapatıldı / signed out."), 303)
    response.delete_cookie(SESSION_COOKIE, path="/manage")
    return response


@blp.route("/", endpoint="desk")
def desk_page() -> BaseResponse:
    """The desk: who is signed in, for which unit, what they have filed, what waits for them,
    and their institution's records with links to the forms that change them."""
    user = signed_in_user()
    session = get_session()
    return make_response(
        page(
            "desk.html",
            account=desk.account(session, user),
            submissions=desk.own_submissions(session, user),
            waiting=len(desk.inbox(session, user)),
            board=listings.desk_of(session, user),
            may_propose=Role(user.role).is_scoped or Role(user.role) is Role.REVIEWER,
            notice=request.args.get("bilgi"),
            entity_names=ENTITY_NAMES,
            action_names=ACTION_NAMES,
            status_names=desk.STATUS_NAMES,
            list_titles=listings.LIST_TITLES,
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
    user = signed_in_user()
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
    items = desk.inbox(session, signed_in_user())
    errors = errors or {}
    # A refusal about a request the inbox does not list still has to be said somewhere.
    unlisted = {
        number: text for number, text in errors.items() if all(i.id != number for i in items)
    }
    text = page(
        "inbox.html",
        items=items,
        errors=errors,
        unlisted=unlisted,
        notice=request.args.get("bilgi"),
        entity_names=ENTITY_NAMES,
    )
    return make_response(text, status)


def _with_session_cookie(response: BaseResponse, token: str) -> BaseResponse:
    return with_cookie(response, SESSION_COOKIE, token)


def _with_form_cookie(response: BaseResponse, token: str) -> BaseResponse:
    return with_cookie(response, FORM_COOKIE, token)
