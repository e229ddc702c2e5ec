"""The "propose a change" pages: a form per kind of record and action, its preview, filing.

``/manage/propose`` lists every kind of record and action; ``/manage/propose/<entity>/<action>``
is the form of a new record, ``…/<action>/<target>`` of an existing one (prefilled from the live
record for an update). A POST's ``step`` says what the person pressed: ``preview`` (the diff and,
for services and documents, how document names resolve), ``edit`` (back to the form, filled),
``submit`` (file it), or ``more`` (one more row of a list of objects). Refusals are the
workflow's own, shown by field; nothing is filed until ``submit`` succeeds.
"""

from __future__ import annotations

from flask import make_response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.accounts import policy
from registry.backoffice import forms, proposals
from registry.backoffice.labels import ACTION_NAMES, ENTITY_NAMES
from registry.backoffice.shell import blp, page, refused, user
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import Forbidden, InvalidInput, NotFound, RegistryError

PREVIEW, SUBMIT, EDIT, MORE = "preview", "submit", "edit", "more"


@blp.route("/propose")
def propose_index() -> BaseResponse:
    """Every kind of record and what may be proposed for it."""
    return make_response(
        page(
            "propose_index.html",
            kinds=proposals.kinds(),
            entity_names=ENTITY_NAMES,
            action_names=ACTION_NAMES,
        )
    )


@blp.route("/propose/<entity>/<action>", methods=["GET", "POST"])
def propose_new(entity: str, action: str) -> BaseResponse:
    if action != "create":
        target = request.args.get("target", "").strip()
        if not target:
            return _ask_target(entity, action)
        return redirect(url_for(".propose", entity=entity, action=action, target=target), 303)
    return _propose(entity, action, None)


@blp.route("/propose/<entity>/<action>/<target>", methods=["GET", "POST"])
def propose(entity: str, action: str, target: str) -> BaseResponse:
    if action == "create":
        return refused("Yeni kayıt talebinde hedef olmaz / a create has no target.", 404)
    return _propose(entity, action, target)


def _ask_target(entity: str, action: str) -> BaseResponse:
    try:
        proposals.handler_of(entity, action)
    except NotFound as error:
        return refused(error.detail, 404)
    return make_response(page("propose_target.html", **_titles(entity, action, None)))


def _propose(entity: str, action: str, target: str | None) -> BaseResponse:
    actor = user()
    # A POST may write: its transaction is opened for writing before anything reads.
    session = write_session() if request.method == "POST" else get_session()
    try:
        proposals.schema_of(entity, action)
        if target is not None:
            version = proposals.require_reach(session, actor, entity, action, target)
        else:
            version = None
            proposals.handler_of(entity, action)
            policy.require_submitter(actor)
    except (Forbidden, NotFound) as error:
        return refused(error.detail, int(error.status))
    if request.method == "GET":
        values = proposals.live_values(session, entity, action, target) if target else {}
        if version is not None:
            values["_base_version"] = str(version)
        return _form(entity, action, target, values)
    form = {k: v for k, v in request.form.items() if k != "csrf"}
    step = request.form.get("step") or (MORE if request.form.get("more") else PREVIEW)
    if step == EDIT:
        return _form(entity, action, target, form)
    if step == MORE:
        return _form(entity, action, target, form, more=request.form.get("more", ""))
    return _file(entity, action, target, form, commit=step == SUBMIT)


def _file(
    entity: str, action: str, target: str | None, form: dict[str, str], *, commit: bool
) -> BaseResponse:
    """Preview (file and roll back) or submit (file and commit); a refusal returns to the form."""
    session = write_session()
    actor = user()
    try:
        proposal = proposals.draft(session, entity, action, target, form)
        if commit:
            filed = proposals.file(session, actor, proposal)
            number = filed.id
            session.commit()
            notice = f"Talep {number} gönderildi; onay bekliyor / request {number} filed."
            return redirect(url_for(".desk", bilgi=notice), 303)
        rows = proposals.preview(session, actor, proposal)
        session.rollback()
        names = proposals.names(session, proposal)
    except Forbidden as error:
        session.rollback()
        return refused(error.detail, 403)
    except RegistryError as error:
        session.rollback()
        return _form(entity, action, target, form, error=error)
    return make_response(
        page(
            "propose_preview.html",
            rows=rows,
            names=names,
            carried=proposals.hidden_values(form),
            effective=forms.shown_date(proposal.effective_from.isoformat())
            if proposal.effective_from
            else None,
            reason=proposal.reason,
            action_url=request.path,
            **_titles(entity, action, target),
        )
    )


def _form(
    entity: str,
    action: str,
    target: str | None,
    values: dict[str, str],
    *,
    error: RegistryError | None = None,
    more: str = "",
) -> BaseResponse:
    schema = proposals.schema_of(entity, action)
    rows = {}
    if more:
        current = forms.build(schema, values, {})
        for top in current:
            for found in top.walk():
                if found.kind == "rows" and found.name == more:
                    rows[more] = len(found.children) + 1
    fields = forms.build(schema, values, {}, rows)
    shown, loose = forms.errors_by_field(error.errors if error else None, fields)
    fields = forms.build(schema, values, shown, rows)
    summary = [(f.label, f.error, f.id) for top in fields for f in top.walk() if f.error]
    for key, label in (("_reason", "Gerekçe"), ("_effective_from", "Yürürlük tarihi")):
        if key in shown:
            summary.append((label, shown[key], "f" + key.replace("_", "-")))
    status = 200
    if error is not None:
        status = 422 if isinstance(error, InvalidInput) else int(error.status)
    return make_response(
        page(
            "propose.html",
            fields=fields,
            values=values,
            problem=error.detail if error else None,
            summary=summary,
            loose=loose,
            reason_error=shown.get("_reason"),
            effective_error=shown.get("_effective_from"),
            action_url=request.path,
            **_titles(entity, action, target),
        ),
        status,
    )


def _titles(entity: str, action: str, target: str | None) -> dict[str, object]:
    return {
        "entity": entity,
        "action": action,
        "target": target,
        "entity_name": ENTITY_NAMES.get(entity, entity),
        "action_name": ACTION_NAMES.get(action, action),
    }
