"""Proposing a change from a form: the draft it means, its preview, and filing it.

Why the preview files the request and rolls it back: the rules a request must pass (the schema,
the handler's checks, the submitter's scope, an update that changes nothing, a stale version)
live in ``workflow.service.submit``; running it is the only way to show a person every refusal
the API would give, in the same words, before they press "submit". The caller rolls the
transaction back, so a preview writes nothing; the second press runs the same call and commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import User
from registry.backoffice import desk, forms
from registry.catalogue import document_names
from registry.kernel.errors import InvalidInput, NotFound
from registry.workflow import service as workflow
from registry.workflow.entities import HANDLERS, RecordHandler
from registry.workflow.models import ChangeRequest

ACTION_ORDER = ("create", "update", "move", "close")
COMMON = ("_reason", "_effective_from", "_base_version")  # form names outside the data
OMITTED = {("organization", "update"): ("parent",)}


@dataclass(frozen=True)
class Kind:
    """A kind of record and the actions its handler offers, in the order pages list them."""

    entity: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """What a submitted form asks for, in the API's terms."""

    entity: str
    action: str
    target: str | None
    data: dict[str, Any]
    reason: str | None
    effective_from: date | None
    base_version: int | None

    def submission(self) -> workflow.Submission:
        return workflow.Submission(
            entity=self.entity,
            action=self.action,
            target=self.target,
            data=self.data,
            reason=self.reason,
            effective_from=self.effective_from,
            base_version=self.base_version,
        )


@dataclass(frozen=True)
class NameLine:
    """How a free-text document name of a service will resolve when the request is approved."""

    role: str  # "İstenen belge", "Verilen belge", "Belge adı"
    name: str
    code: str | None  # the standard document it is taken to mean; None: queued for a reviewer
    standard_name: str | None
    candidates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    rows: list[desk.Row]
    names: list[NameLine]


def kinds() -> list[Kind]:
    """Every kind of record the workflow handles, with its actions."""
    return [
        Kind(entity, tuple(a for a in ACTION_ORDER if a in handler.actions))
        for entity, handler in sorted(HANDLERS.items())
    ]


def handler_of(entity: str, action: str) -> RecordHandler:
    handler = HANDLERS.get(entity)
    if not isinstance(handler, RecordHandler) or action not in handler.actions:
        raise NotFound(f"'{entity}' için '{action}' formu yok / no such form.")
    return handler


def schema_of(entity: str, action: str) -> ma.Schema:
    """The action's schema as its form shows it: a field another action changes is left out
    (a unit's parent is changed by a move, which has a form of its own)."""
    return handler_of(entity, action).schemas[action](exclude=OMITTED.get((entity, action), ()))


def require_reach(session: Session, actor: User, entity: str, action: str, target: str) -> int:
    """Refuse (Forbidden, NotFound) a form for a record outside the account's scope before it
    is shown; returns the record's version, which the form carries as its base."""
    handler = handler_of(entity, action)
    policy.require_submitter(actor)
    version, _ = handler.live(session, target)
    probe = "update" if "update" in handler.actions else action  # the record alone, no new place
    policy.require_scope(session, actor, handler.scopes(session, probe, target, {}))
    return version


def live_values(session: Session, entity: str, action: str, target: str) -> dict[str, str]:
    """The form's values of the live record (an update starts from what the record says)."""
    if action != "update":
        return {}
    _, record = handler_of(entity, action).live(session, target)
    return forms.values_of(schema_of(entity, action), record)


def draft(
    session: Session, entity: str, action: str, target: str | None, form: dict[str, str]
) -> Draft:
    """The request a form means; an update carries only the fields changed from the live record."""
    schema = schema_of(entity, action)
    if action == "update" and target is not None:
        data = forms.changed_data(schema, form, live_values(session, entity, action, target))
    else:
        data = forms.data_of(schema, form)
    return Draft(
        entity=entity,
        action=action,
        target=target,
        data=data,
        reason=form.get("_reason", "").strip() or None,
        effective_from=_day(form.get("_effective_from", "")),
        base_version=int(base) if (base := form.get("_base_version", "")).isdigit() else None,
    )


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(forms.iso_date(text))
    except ValueError as error:
        raise InvalidInput(
            "Yürürlük tarihi geçersiz; GG.AA.YYYY biçiminde yazın / the effective date is not a "
            "date (DD.MM.YYYY).",
            errors={"effective_from": ["not a date"]},
        ) from error


def file(session: Session, actor: User, proposal: Draft) -> ChangeRequest:
    """File the request through the workflow, exactly as the API does; the caller commits (or,
    for a preview, rolls back)."""
    return workflow.submit(session, actor, proposal.submission())


def preview(session: Session, actor: User, proposal: Draft) -> list[desk.Row]:
    """The request's diff against the live record, from a filing the caller rolls back."""
    return desk.rows(session, file(session, actor, proposal))


def names(session: Session, proposal: Draft) -> list[NameLine]:
    """For services and documents: what each free-text document name will be taken to mean."""
    lines: list[tuple[str, str]] = []
    if proposal.entity == "service":
        for key, role in (("required_documents", "İstenen"), ("issued_documents", "Verilen")):
            lines += [(role, str(n)) for n in proposal.data.get(key) or []]
    elif proposal.entity == "document":
        given = [proposal.data.get("name"), *(proposal.data.get("aliases") or [])]
        lines += [("Belge adı", str(n)) for n in given if n]
    result = []
    for role, name in lines:
        matches = document_names.resolve(session, name, limit=3)
        chosen = document_names.accepted_of(matches, name)
        result.append(
            NameLine(
                role,
                name,
                chosen.code if chosen else None,
                chosen.name if chosen else None,
                [f"{m.name} ({m.code}, {m.score:.0f})" for m in matches if m is not chosen],
            )
        )
    return result


def hidden_values(form: dict[str, str]) -> list[tuple[str, str]]:
    """The form's filled values, carried by the preview page to its "submit" and "edit"."""
    return [(k, v) for k, v in form.items() if v.strip() and k not in ("csrf", "step", "more")]
