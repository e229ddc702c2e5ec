"""Entity handlers: what the workflow needs to know about each kind of record.

The workflow service is generic. Each kind of record (organization, legislation, service…) is
declared once, in its context, as a ``RecordHandler``: the schema of each action, the checks a
request must pass before it is filed, the units it touches (for scope checks), the live record
(for diffs and optimistic locking), and what applying each action writes. A declaration is data,
so every kind reads the same way and a new kind is a short module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput
from registry.kernel.field_messages import bilingual
from registry.organizations import tree


@dataclass(frozen=True)
class Applied:
    entity: str
    id: str


@dataclass(frozen=True)
class Proposal:
    """A request's change as a handler's checks read it: ``data`` loaded by the action's schema."""

    action: str
    target: str | None
    data: dict[str, Any]
    reason: str | None
    # The day the submitter asked for (None: the approval day, not known yet).
    requested_from: date | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Change(Proposal):
    """An approved change as an applier writes it: the proposal, when it takes effect, and who."""

    effective_from: date
    provenance: Provenance


Check = Callable[[Session, Proposal], None]  # raises InvalidInput (or NotFound); writes nothing
# The organization ids whose subtrees a request touches (None: outside every subtree). It reads
# the data as submitted: a schema's defaults must not widen the scope.
Scopes = Callable[[Session, str, str | None, dict[str, Any]], list[int | None]]
# Units of *other* records the change alters (an act it repeals, a successor): their institutions
# approve too. Read from the data as submitted, like Scopes; None: a record of no institution.
Touches = Callable[[Session, str, str | None, dict[str, Any]], list[int | None]]
Live = Callable[[Session, str], tuple[int, dict[str, Any]]]  # version, representation
Apply = Callable[[Session, Change], str]  # writes the change; returns the record's id


class EntityHandler(Protocol):
    """What the workflow asks of a kind of record (``RecordHandler`` is the one implementation)."""

    @property
    def entity(self) -> str: ...

    @property
    def actions(self) -> frozenset[str]: ...

    @property
    def two_step(self) -> bool:
        """Institution approval before the reviewer's (services)."""

    @property
    def unchanged_by_live(self) -> bool:
        """Whether a request equal to ``live`` changes nothing (False: a change follows a
        later, scheduled version, and the handler's own checks compare with that)."""

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        requested_from: date | None = None,
    ) -> None:
        """Refuse (InvalidInput) data that could never be applied; nothing is written."""

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        """Organization ids whose subtrees the request touches (None: outside every subtree)."""

    def touched(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        """Units of other records the change alters, whose institutions must agree too."""

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        """The record's current version number and representation."""

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        """Make the change; raises InvalidInput if the data no longer fits the registry."""


@dataclass(frozen=True)
class RecordHandler:
    """One kind of record, declared: its actions are the keys of ``schemas`` (and ``appliers``).

    ``checks`` run in order on submission (and the data is loaded again on approval, so data
    that no longer fits is refused then too); ``scopes`` and ``live`` are called as they are.
    """

    entity: str
    schemas: Mapping[str, type[ma.Schema]]
    checks: Sequence[Check]
    scopes: Scopes
    live: Live
    appliers: Mapping[str, Apply]
    two_step: bool = False
    touches: Touches | None = None
    unchanged_by_live: bool = True

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(self.schemas)

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        requested_from: date | None = None,
    ) -> None:
        loaded = load_data(self.schemas[action], data)
        proposal = Proposal(action, target, loaded, reason, requested_from=requested_from)
        for check in self.checks:
            check(session, proposal)

    def touched(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        return self.touches(session, action, target, data) if self.touches else []

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        loaded = load_data(self.schemas[action], data)
        change = Change(action, target, loaded, reason, effective_from, provenance)
        return Applied(self.entity, self.appliers[action](session, change))


# -- what several kinds share --


def named_unit(session: Session, data: dict[str, Any], field: str) -> int | None:
    """The unit a request's data names in ``field`` (None when it names none), for scope checks.

    A unit closed since still counts: the request is scoped to where it was.
    """
    number = data.get(field)
    return tree.unit_id_for(session, number, f"data.{field}", open_only=False) if number else None


def load_data(schema: type[ma.Schema], data: dict[str, Any]) -> dict[str, Any]:
    """Load a request's data with the entity's schema; errors name the ``data.`` fields."""
    try:
        loaded: dict[str, Any] = schema().load(data)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise InvalidInput(
            "Kayıt verisi geçersiz / the record data is invalid.",
            errors=_data_errors(messages),
        ) from error
    return loaded


def _data_errors(messages: dict[str, Any]) -> dict[str, list[str]]:
    """Each top-level field as before (``data.contact``), and under a nested one each inner
    field by its path too (``data.contact.address``)."""
    errors: dict[str, list[str]] = {}
    for key, inner in messages.items():
        paths = dict(_field_messages(f"data.{key}", inner))
        errors[f"data.{key}"] = paths.get(f"data.{key}") or [
            f"{path.removeprefix(f'data.{key}.')}: {'; '.join(texts)}"
            for path, texts in paths.items()
        ]
        errors.update(paths)
    return errors


def _field_messages(prefix: str, messages: Any) -> Iterator[tuple[str, list[str]]]:
    """marshmallow's nested messages as one entry per field path (``data.contact.address``;
    list items by index, ``data.recipients.0.kind``), so a caller is told which field."""
    if isinstance(messages, dict):
        for key, inner in messages.items():
            yield from _field_messages(f"{prefix}.{key}", inner)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield prefix, [bilingual(m) for m in messages]
    elif isinstance(messages, list):
        for index, inner in enumerate(messages):
            yield from _field_messages(f"{prefix}.{index}", inner)
    else:
        yield prefix, [bilingual(str(messages))]


def changes_something(_session: Session, proposal: Proposal) -> None:
    """An update must name at least one field."""
    if proposal.action == "update" and not proposal.data:
        raise InvalidInput(
            "Değişiklik yok / the request changes nothing.",
            errors={"data": ["name at least one field to change"]},
        )


def reason_to_close(record: str = "a record") -> Check:
    """Closing a record needs a reason: it is kept in the history."""

    def check(_session: Session, proposal: Proposal) -> None:
        if proposal.action == "close" and not (proposal.reason and proposal.reason.strip()):
            raise InvalidInput(
                "Kapatma gerekçesi zorunludur / closing needs a reason.",
                errors={"reason": [f"required to close {record}"]},
            )

    return check


def active_target(
    get: Callable[[Session, str], Any], detail: str, errors: dict[str, list[str]]
) -> Check:
    """A request against an existing record needs the record open (``get`` raises NotFound)."""

    def check(session: Session, proposal: Proposal) -> None:
        if (
            proposal.target is not None
            and get(session, proposal.target).status != RecordStatus.ACTIVE
        ):
            raise InvalidInput(detail, errors={k: list(v) for k, v in errors.items()})

    return check


def owned(
    *,
    entity: str,
    owner_field: str,  # the data field naming the owning unit
    schemas: tuple[type[ma.Schema], type[ma.Schema]],  # create, update
    get: Callable[[Session, str], Any],
    owner_id: Callable[[Any], int],
    record: Callable[[Session, Any], dict[str, Any]],
    save: Callable[..., Any],  # (session, target or None, data, *, provenance) → the record
    close: Callable[..., str],  # (session, target, *, provenance) → the record's id
    identify: Callable[[Session, Any], str],
    checks: Sequence[Check] = (),
) -> RecordHandler:
    """A record owned by one unit: created, updated or closed inside that unit's subtree."""

    def owner_exists(session: Session, proposal: Proposal) -> None:
        if proposal.data.get(owner_field):
            tree.unit_id_for(session, proposal.data[owner_field], f"data.{owner_field}")

    def scopes(
        session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        """The owner, and the new owner when the data names one."""
        found: list[int | None] = []
        if target is not None:
            found.append(owner_id(get(session, target)))
        owner = data.get(owner_field)
        if isinstance(owner, str):
            found.append(tree.unit_id_for(session, owner, f"data.{owner_field}"))
        return found

    def live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
        found = get(session, target)
        return found.version, record(session, found)

    def saved(session: Session, change: Change) -> str:
        found = save(session, change.target, change.data, provenance=change.provenance)
        return identify(session, found)

    def closed(session: Session, change: Change) -> str:
        assert change.target is not None
        return close(session, change.target, provenance=change.provenance)

    return RecordHandler(
        entity=entity,
        schemas={"create": schemas[0], "update": schemas[1], "close": ma.Schema},
        checks=(
            changes_something,
            reason_to_close(),
            active_target(get, "Kayıt kapatılmış / the record is closed.", {"target": ["closed"]}),
            owner_exists,
            *checks,
        ),
        scopes=scopes,
        live=live,
        appliers={"create": saved, "update": saved, "close": closed},
    )
