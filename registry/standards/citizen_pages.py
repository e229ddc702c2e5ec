"""The citizen's forms: a complaint, following it by code and key, and rating a service.

Plain HTML forms (no JavaScript, no cookies). They go through the same schemas and services as the
API, so a form and an API call accept and refuse the same things; a refused form comes back with
what was typed and a message at each field.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, make_response, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from registry.catalogue.nearest_services import services_under
from registry.http.ratelimit import public_write
from registry.kernel.clock import today
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import InvalidInput, NotFound, flatten_validation_messages
from registry.organizations import tree
from registry.standards import complaint_handling, complaint_views, complaints, surveys
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
    "contact.name": "Adınız soyadınız",
    "contact.email": "E-posta",
    "contact.phone": "Telefon",
    "organization": "Birim",
}
FIELD_IDS = {"subject": "subject", "service": "service", "text": "text"} | {
    name: name for name in ("contact.name", "contact.email", "contact.phone", "service_name")
}
SERVICES_LISTED = 300


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
        view = complaint_views.filed_view(session, filed, today())
        session.commit()
    except ma.ValidationError as error:
        session.rollback()
        return _refused(session, form, flatten_validation_messages(error.messages))
    except (InvalidInput, NotFound) as error:
        session.rollback()
        return _refused(session, form, error.errors or {"organization": [error.detail]})
    response = make_response(
        render_template("complaint_filed.html", filed=view, status_labels=STATUS_LABELS), 201
    )
    response.headers["Cache-Control"] = "no-store"  # the access key is on this page
    return response


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
    try:
        data = SurveyInputSchema().load(body)
        surveys.submit(session, **data)
        session.commit()
    except ma.ValidationError as error:
        session.rollback()
        messages = flatten_validation_messages(error.messages)
        abort(422, description=_first_message(messages, "Puan 1 ile 5 arasında seçilmelidir."))
    except (InvalidInput, NotFound) as error:
        session.rollback()
        abort(error.status, description=error.detail)
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
    return make_response(_complaint_form(session, form, errors), 422)


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


def _first_message(messages: dict[str, list[str]], fallback: str) -> str:
    for values in messages.values():
        if values:
            return values[0]
    return fallback
