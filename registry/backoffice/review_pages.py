"""The deciding side's pages: one request whole (diff, impact, history), decisions on several
requests at once, import batches, the unmatched-name queue, and any record's history."""

from __future__ import annotations

from flask import make_response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.backoffice import desk, review
from registry.backoffice.labels import ACTION_NAMES, ENTITY_NAMES
from registry.backoffice.shell import blp, page, refused, user
from registry.catalogue import document_names, unmatched_names
from registry.catalogue.models import UnmatchedStatus
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import Forbidden, NotFound, RegistryError
from registry.workflow import batches
from registry.workflow import service as workflow

SHOWN_NAMES = 100


@blp.route("/requests/<int:request_id>")
def request_page(request_id: int) -> BaseResponse:
    """A request whole: its fields beside the live record, what approving it would also write,
    its transitions, and the decision buttons the account's role allows."""
    session = write_session()  # the impact applies the change in a transaction rolled back
    actor = user()
    try:
        found = workflow.get_visible(session, actor, request_id)
    except NotFound as error:
        session.rollback()
        return refused(error.detail, 404)
    may_approve, may_reject = desk.may(session, actor, found)
    item = desk.item(session, found, may_approve, may_reject, with_rows=True)
    steps = desk.steps(session, found)
    effect = review.impact(session, found) if found.status in desk.OPEN else None
    session.rollback()
    return make_response(
        page(
            "request.html",
            item=item,
            steps=steps,
            impact=effect,
            result=(found.result_entity, found.result_id) if found.result_id else None,
            entity_names=ENTITY_NAMES,
        )
    )


@blp.route("/inbox/decide", methods=["POST"])
def decide_selected() -> BaseResponse:
    """Approve or reject every selected request, each through the workflow's own checks."""
    session = write_session()
    actor = user()
    ids = sorted({int(v) for v in request.form.getlist("requests") if v.isdigit()})
    reason = request.form.get("reason", "").strip() or None
    try:
        outcomes = review.decide_each(session, actor, ids, request.form.get("decision", ""), reason)
    except RegistryError as error:
        session.rollback()
        return redirect(url_for(".inbox", bilgi=error.detail), 303)
    session.commit()
    text = " ".join(o.message if o.done else f"Talep {o.request_id}: {o.message}" for o in outcomes)
    return redirect(url_for(".inbox", bilgi=text), 303)


@blp.route("/batches/<int:batch_id>/decide", methods=["POST"])
def decide_batch(batch_id: int) -> BaseResponse:
    """An import's batch as a whole (``workflow.batches``): all of it applied, or none."""
    session = write_session()
    actor = user()
    reason = request.form.get("reason", "").strip() or None
    try:
        batches.get_visible(session, actor, batch_id)
        if request.form.get("decision") == "reject":
            batches.reject(session, actor, batch_id, reason)
        else:
            batches.approve(session, actor, batch_id, reason)
    except RegistryError as error:
        session.rollback()
        if isinstance(error, Forbidden | NotFound):
            return refused(error.detail, int(error.status))
        return redirect(url_for(".desk", bilgi=error.detail), 303)
    session.commit()
    return redirect(url_for(".desk", bilgi=f"Toplu talep {batch_id} karara bağlandı."), 303)


@blp.route("/names")
def names() -> BaseResponse:
    """Document names that matched no standard name, each with the likeliest documents and the
    forms that resolve it (an alias of a document, or a new one): both are change requests."""
    session = get_session()
    items = session.scalars(unmatched_names.listing(UnmatchedStatus.OPEN).limit(SHOWN_NAMES)).all()
    views = unmatched_names.views(session, list(items))
    offers = {
        view["id"]: document_names.offers(session, view["name"], 3)["matches"] for view in views
    }
    return make_response(
        page("names.html", items=views, offers=offers, notice=request.args.get("bilgi"))
    )


@blp.route("/records/<entity>/<record_id>/history")
def history(entity: str, record_id: str) -> BaseResponse:
    session = get_session()
    try:
        found = review.history(session, user(), entity, record_id)
    except NotFound as error:
        return refused(error.detail, 404)
    return make_response(
        page(
            "history.html",
            history=found,
            entity_name=ENTITY_NAMES.get(entity, entity),
            action_names=ACTION_NAMES,
        )
    )
