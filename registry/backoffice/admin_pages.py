"""The admin's pages: accounts listed, opened, rescoped, deactivated, second factor reset.

Every act is a POST with the session's CSRF token, runs ``backoffice.admin`` (which audits it)
and commits once; a refusal comes back on the page with the service's Turkish message.
"""

from __future__ import annotations

from flask import current_app, make_response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.backoffice import admin
from registry.backoffice.shell import blp, page, refused, user
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import Forbidden, NotFound, RegistryError

FIELDS = ("name", "login", "email", "role", "organization", "person_id")


@blp.route("/admin/accounts", endpoint="accounts", methods=["GET", "POST"])
def accounts_page() -> BaseResponse:
    actor = user()
    try:
        admin.require_admin(actor)
    except Forbidden as error:
        return refused(error.detail, 403)
    if request.method == "GET":
        return _listing({}, None, 200)
    session = write_session()
    new = admin.NewAccount(
        name=request.form.get("name", "").strip(),
        login=request.form.get("login", "").strip(),
        email=request.form.get("email", "").strip() or None,
        role=request.form.get("role", ""),
        organization=request.form.get("organization", "").strip() or None,
        person_id=request.form.get("person_id", "").strip() or None,
        password=request.form.get("password", "") or None,
    )
    try:
        made = admin.create(
            session,
            actor,
            new,
            str(current_app.config["PERSON_KEY_SECRET"]),
            bool(current_app.config["REQUIRE_PERSON_ID"]),
        )
    except RegistryError as error:
        session.rollback()
        values = {k: request.form.get(k, "") for k in FIELDS if k != "person_id"}
        return _listing(values, error, 422 if error.status == 422 else int(error.status))
    number = made.id
    session.commit()
    return redirect(url_for(".account", user_id=number, bilgi=f"Hesap {number} açıldı."), 303)


def _listing(values: dict[str, str], error: RegistryError | None, status: int) -> BaseResponse:
    session = get_session()
    errors = {
        k.removeprefix("data."): "; ".join(v)
        for k, v in ((error.errors or {}) if error else {}).items()
    }
    return make_response(
        page(
            "accounts.html",
            accounts=admin.listing(session),
            roles=admin.roles(),
            values=values,
            problem=error.detail if error else None,
            errors=errors,
            notice=request.args.get("bilgi"),
        ),
        status,
    )


@blp.route("/admin/accounts/<int:user_id>", endpoint="account", methods=["GET", "POST"])
def account_page(user_id: int) -> BaseResponse:
    actor = user()
    session = write_session() if request.method == "POST" else get_session()
    try:
        admin.require_admin(actor)
        admin.one(session, user_id)
    except (Forbidden, NotFound) as error:
        return refused(error.detail, int(error.status))
    if request.method == "GET":
        return _account(user_id, None, 200)
    act = request.form.get("act", "")
    try:
        if act == "rescope":
            admin.rescope(session, actor, user_id, request.form.get("organization", ""))
            done = "Yetki alanı değişti; açık oturumları kapandı."
        elif act == "deactivate":
            admin.deactivate(session, actor, user_id)
            done = "Hesap kapatıldı; oturumları ve anahtarları sona erdi."
        elif act == "reset_totp":
            admin.reset_second_factor(session, actor, user_id)
            done = "İkinci doğrulama sıfırlandı; ilk girişte yeniden bağlanacak."
        else:
            return refused("Bilinmeyen işlem / unknown action.", 400)
    except RegistryError as error:
        session.rollback()
        return _account(user_id, error, int(error.status))
    session.commit()
    return redirect(url_for(".account", user_id=user_id, bilgi=done), 303)


def _account(user_id: int, error: RegistryError | None, status: int) -> BaseResponse:
    session = get_session()
    return make_response(
        page(
            "account.html",
            account=admin.one(session, user_id),
            problem=error.detail if error else None,
            notice=request.args.get("bilgi"),
        ),
        status,
    )
