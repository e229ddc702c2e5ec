"""The citizen's forms: a complaint, following it by code and key, and rating a service.

Plain HTML forms (no JavaScript). They go through the same schemas and services as the API, so a
form and an API call accept and refuse the same things; a refused form comes back with what was
typed and a Turkish message at each field (the schemas' "Türkçe / English" messages lose their
English half, marshmallow's English-only ones are replaced by the field's Turkish message).

A filed complaint answers 303 to its receipt, so refreshing the receipt files nothing again. The
receipt shows the access key, which is never stored: it travels to the receipt in a signed,
short-lived, HttpOnly cookie bound to the receipt's path (the only cookie of the public site),
never in an address that would reach logs and browser history.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from registry.catalogue.nearest_services import services_under
from registry.http.ratelimit import public_write
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import Conflict, InvalidInput, NotFound, flatten_validation_messages
from registry.kernel.field_messages import is_library_message
from registry.organizations import tree
from registry.standards import (
    complaint_handling,
    complaint_views,
    complaints,
    rating_clients,
    surveys,
)
from registry.web.site import blp
from schemas.common import DETSIS_PATTERN
from schemas.standards.complaints import ComplaintInputSchema, SurveyInputSchema

SUBJECTS = [
    ("time_exceeded", "Hizmet tabloda yazan sürede tamamlanmadı"),
    ("extra_documents", "Tabloda yazanlardan fazla belge istendi"),
    ("table_not_kept", "Tablodaki başka bir standarda uyulmadı"),
    ("service_missing", "Aldığım hizmet tabloda yok"),
]
SUBJECT_LABELS = dict(SUBJECTS)
STATUS_LABELS = {
    "received": "Alındı, inceleme bekliyor",
    "in_review": "İnceleniyor",
    "answered": "Yanıtlandı",
    "closed": "Kapatıldı",
}
FIELD_LABELS = {
    "service": "Hizmet",
    "service_name": "Hizmetin adı",
    "subject": "Şikâyetin konusu",
    "text": "Ne oldu?",
    "contact": "İletişim bilgileri",
    "contact.name": "Adınız soyadınız",
    "contact.email": "E-posta",
    "contact.phone": "Telefon",
    "organization": "Birim",
}
FIELD_IDS = {
    "subject": "subject",
    "service": "service",
    "text": "text",
    "contact": "contact.name",
} | {name: name for name in ("contact.name", "contact.email", "contact.phone", "service_name")}
# What a refused field says on the page, when the schema's message is English only.
FIELD_MESSAGES = {
    "service": "Listeden bir hizmet seçin ya da hizmetin adını yazın.",
    "service_name": "Hizmetin adını yazın (3–500 karakter).",
    "subject": "Şikâyetinizin konusunu seçin.",
    "text": "Ne olduğunu 10–4000 karakterle yazın.",
    "contact": "Adınızı ve e-posta ya da telefon bilgilerinizden birini yazın.",
    "contact.name": "Adınızı soyadınızı yazın.",
    "contact.email": "Geçerli bir e-posta adresi yazın (ör. ad@ornek.com) ya da telefon verin.",
    "contact.phone": "Geçerli bir telefon numarası yazın (ör. 0532 111 22 33) ya da e-posta verin.",
    "organization": "Şikâyet edilecek birim bulunamadı; hizmetin sayfasındaki bağlantıyı kullanın.",
}
SERVICES_LISTED = 300
RECEIPT_COOKIE = "sikayet_makbuzu"
RECEIPT_SECONDS = 15 * 60  # the receipt (with the access key) can be shown again this long


@blp.get("/complaints/new")
def complaint_new() -> str:
    form = {key: request.args.get(key, "") for key in ("service", "organization")}
    return _complaint_form(get_session(), form, {})


@blp.post("/complaints")
@public_write("complaint")
def complaint_submit() -> Response:
    session = write_session()
    form = {key: (value or "").strip() for key, value in request.form.items()}
    try:
        data = ComplaintInputSchema().load(_complaint_data(form))
        filed = complaints.file_complaint(session, complaints.Filing(**data), today=today())
        session.commit()
    except ma.ValidationError as error:
        session.rollback()
        return _refused(session, form, flatten_validation_messages(error.messages))
    except (InvalidInput, NotFound) as error:
        session.rollback()
        return _refused(session, form, error.errors or {"organization": [error.detail]})
    receipt = {"code": filed.complaint.tracking_code, "key": filed.access_key}
    response = redirect(url_for("web.complaint_receipt"), 303)
    response.set_cookie(
        RECEIPT_COOKIE,
        _receipts().dumps(receipt),
        max_age=RECEIPT_SECONDS,
        path=url_for("web.complaint_receipt"),
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/complaints/receipt")
def complaint_receipt() -> Response:
    """The receipt of the complaint just filed, from the cookie the filing set (a refresh shows
    it again and files nothing); without one, a page saying where to follow the complaint."""
    receipt = _receipt()
    session = write_session()  # reading may escalate an overdue complaint
    view = None
    if receipt is not None:
        try:
            found = complaint_handling.open_for_citizen(
                session, receipt["code"], receipt["key"], today()
            )
            view = complaint_views.filed_view(
                session, complaints.Filed(complaint=found, access_key=receipt["key"]), today()
            )
            session.commit()
        except NotFound:
            session.rollback()
    page = render_template("complaint_filed.html", filed=view, status_labels=STATUS_LABELS)
    response = make_response(page, 200 if view else 404)
    response.headers["Cache-Control"] = "no-store"  # the access key is on this page
    return response


def _receipts() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="complaint-receipt")


def _receipt() -> dict[str, str] | None:
    raw = request.cookies.get(RECEIPT_COOKIE)
    if not raw:
        return None
    try:
        found = _receipts().loads(raw, max_age=RECEIPT_SECONDS)
    except BadSignature:  # tampered with, or expired
        return None
    if not isinstance(found, dict) or not {"code", "key"} <= found.keys():
        return None
    return {"code": str(found["code"]), "key": str(found["key"])}


@blp.route("/complaints/track", methods=["GET", "POST"])
@public_write("form")
def complaint_track() -> Response | str:
    """Follow a complaint by its code and key; posted, so the key stays out of URLs and logs."""
    if request.method == "GET":
        return render_template("complaint_track.html", complaint=None, code=None)
    code = (request.form.get("tracking_code") or "").strip()
    key = (request.form.get("access_key") or "").strip()
    session = write_session()  # reading may escalate an overdue complaint
    try:
        found = complaint_handling.open_for_citizen(session, code, key, today())
        view = complaint_views.view(session, found, complaint_views.Audience.CITIZEN, today())
        session.commit()
    except NotFound:
        session.rollback()
        page = render_template(
            "complaint_track.html",
            complaint=None,
            code=code,
            error="Bu takip kodu ve erişim anahtarıyla bir şikâyet bulunamadı.",
        )
        return make_response(page, 404)
    view["place"] = view["current_place"]
    response = make_response(
        render_template(
            "complaint_track.html",
            complaint=view,
            status_labels=STATUS_LABELS,
            subject_labels=SUBJECT_LABELS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.post("/services/<string:code>/survey")
@public_write("survey")
def survey_submit(code: str) -> Response:
    session = write_session()
    raw_score = request.form.get("score", "")
    body: dict[str, Any] = {
        "service": code,
        "score": int(raw_score) if raw_score.isdigit() else raw_score,
        "comment": (request.form.get("comment") or "").strip() or None,
    }
    day = today()
    try:
        data = SurveyInputSchema().load(body)
        client = rating_clients.request_client_key(code, day)
        surveys.submit(session, **data, client=client, today=day)
        session.commit()
    except ma.ValidationError as error:
        session.rollback()
        abort(422, description=_survey_message(flatten_validation_messages(error.messages)))
    except Conflict:
        session.rollback()  # rated already today: said on the service's page, nothing counted
        return redirect(url_for("web.service_page", code=code, zaten=1, _anchor="anket"), 303)
    except (InvalidInput, NotFound) as error:
        session.rollback()
        abort(error.status, description=turkish_part(error.detail))
    return redirect(url_for("web.service_page", code=code, tesekkurler=1, _anchor="anket"), 303)


def _complaint_data(form: dict[str, str]) -> dict[str, Any]:
    return {
        "organization": form.get("organization", ""),
        "service": form.get("service") or None,
        "service_name": form.get("service_name") or None,
        "subject": form.get("subject", ""),
        "text": form.get("text", ""),
        "contact": {
            "name": form.get("contact.name", ""),
            "email": form.get("contact.email") or None,
            "phone": form.get("contact.phone") or None,
        },
    }


def _refused(session: Session, form: dict[str, str], errors: dict[str, list[str]]) -> Response:
    return make_response(_complaint_form(session, form, turkish_errors(errors)), 422)


def turkish_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each refused field with Turkish sentences only, each once, each ending in one stop."""
    shown: dict[str, list[str]] = {}
    for field, messages in errors.items():
        name = field if field in FIELD_MESSAGES else field.split(".")[0]
        texts: list[str] = []
        for message in messages:
            if " / " in message and not is_library_message(message):
                text = turkish_part(message)
            else:  # marshmallow's own sentence ("Missing data for required field.")
                text = FIELD_MESSAGES.get(name, "Bu alanı kontrol edin.")
            if text not in texts:
                texts.append(text)
        shown.setdefault(name, [])
        shown[name].extend(t for t in texts if t not in shown[name])
    return shown


def turkish_part(message: str) -> str:
    """The Turkish half of a "Türkçe / English" message, as one sentence with one full stop."""
    text = message.split(" / ", 1)[0].strip().rstrip(".;:,").strip()
    return f"{turkish.upper(text[:1])}{text[1:]}." if text else ""


def _survey_message(messages: dict[str, list[str]]) -> str:
    if "comment" in messages:
        return "Yorum en fazla 1000 karakter olabilir."
    return "Puan 1 ile 5 arasında seçilmelidir."


def _complaint_form(session: Session, form: dict[str, str], errors: dict[str, list[str]]) -> str:
    number = form.get("organization") or ""
    unit = None
    services: list[Any] = []
    response_days = complaints.DEFAULT_RESPONSE_DAYS
    if DETSIS_PATTERN.match(number):
        try:
            unit = tree.get_unit(session, number, today())
        except NotFound:
            unit = None
    if unit is not None:
        org_id = unit.path[-1].organization_id
        # Nearest first, and the walk stops at the limit: not the whole subtree per request.
        services = services_under(session, org_id, today(), SERVICES_LISTED)
        response_days = complaints.route_for(session, org_id, today()).response_days
    return render_template(
        "complaint_new.html",
        unit=unit,
        services=services,
        subjects=SUBJECTS,
        form=form,
        errors=errors,
        field_labels=FIELD_LABELS,
        field_ids=FIELD_IDS,
        response_days=response_days,
    )
