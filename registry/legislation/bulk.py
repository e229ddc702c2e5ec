"""Recording many acts at once (a whole legal graph), with the guarantees of one by one.

``records.create_act`` reads the legal graph and each act it links to, and appends its entries
one at a time: right for an approval, most of an hour for 20,000 acts. Here the acts, their links
and their audit entries are written in a few statements per thousand acts, in the caller's
transaction, after the checks ``create_act`` makes: known acts, one record per national act,
an amendment not after the act's repeal, a repeal not before the act existed.

An amendment or a repeal here may touch only an earlier act of the same call: touching a
registered act opens review tasks for the services relying on it, which is the workflow's job,
one act at a time. The basis may be any registered act. Every act gets the entries ``create_act``
appends: ``create`` for itself and, before it, ``amend`` or ``repeal`` for each act it touches,
with that act's record before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from registry.audit import ledger
from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel.errors import InvalidInput, NotFound
from registry.kernel.folding import Folding
from registry.legislation.models import Legislation, LegislationLink, LegislationStatus, LinkKind
from registry.organizations import tree
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

CHUNK = 1000


@dataclass(frozen=True)
class Earlier:
    """An act given earlier in the same call, by its position in it."""

    index: int


ActRef = int | Earlier  # a registered act's id, or an earlier act of the call


@dataclass(frozen=True)
class Touch:
    """An amendment or a repeal of an earlier act of the call, on a day."""

    act: Earlier
    on: date
    provision: str | None = None


@dataclass(frozen=True)
class NewAct:
    """A new act as ``LegislationInputSchema`` describes it (flat; the issuer by DETSİS number),
    with its links."""

    type_code: int
    title: str
    number: str | None = None
    adopted_on: date | None = None
    gazette_date: date | None = None
    gazette_issue: int | None = None
    gazette_repeat: int | None = None
    issuer: str | None = None
    in_force_from: date | None = None  # default: the Gazette date, else the adoption date
    basis: tuple[ActRef, ...] = ()
    amends: tuple[Touch, ...] = ()
    repeals: tuple[Touch, ...] = ()


@dataclass
class _State:
    """An act of the call as its record stands at a point of the replay."""

    new: NewAct
    id: int
    in_force_from: date
    basis: list[int]
    version: int = 1
    repealed_on: date | None = None
    repealed_by: int | None = None
    amends: list[dict[str, Any]] = field(default_factory=list)
    repeals: list[int] = field(default_factory=list)
    amendments: list[tuple[date, int, dict[str, Any]]] = field(default_factory=list)

    def known_from(self) -> date:
        dates = (self.new.gazette_date, self.new.adopted_on, self.in_force_from)
        return min(d for d in dates if d)


def create_acts(session: Session, acts: Sequence[NewAct], provenance: Provenance) -> list[int]:
    """Record the acts in order; returns their ids. Nothing is committed here."""
    if not acts:
        return []
    starts = [_in_force_from(act, position) for position, act in enumerate(acts)]
    _check_references(session, acts)
    _check_identities(session, acts)
    issuers = _issuer_ids(session, acts)
    ids = _insert_acts(session, acts, starts, issuers, Folding())
    states: list[_State] = []
    links: list[dict[str, Any]] = []
    entries: list[audit.NewEntry] = []
    for position, act in enumerate(acts):
        basis = [ids[ref.index] if isinstance(ref, Earlier) else ref for ref in act.basis]
        state = _State(act, ids[position], starts[position], basis)
        links.extend(_link(state.id, target, LinkKind.BASIS, None, None) for target in basis)
        touched: dict[int, dict[str, Any]] = {}  # target → its record before
        for kind, touches in ((LinkKind.AMENDS, act.amends), (LinkKind.REPEALS, act.repeals)):
            for touch in touches:
                target = states[touch.act.index]
                _refuse(kind, target, touch, position)
                touched.setdefault(touch.act.index, _record(target))
                link = _link(state.id, target.id, kind, touch.on, touch.provision)
                links.append(link)
                if kind is LinkKind.AMENDS:
                    entry = {
                        "id": state.id,
                        "on": touch.on.isoformat(),
                        "provision": touch.provision,
                    }
                    target.amendments.append((touch.on, len(links), entry))
                    state.amends.append({**entry, "id": target.id})
                else:
                    target.repealed_on, target.repealed_by = touch.on, state.id
                    state.repeals.append(target.id)
                target.version += 1
        for index, before in touched.items():
            target = states[index]
            action = "repeal" if target.repealed_by == state.id else "amend"
            entries.append(
                audit.NewEntry("legislation", str(target.id), action, before, _record(target))
            )
        entries.append(audit.NewEntry("legislation", str(state.id), "create", None, _record(state)))
        states.append(state)
    for start in range(0, len(links), CHUNK):
        session.execute(insert(_table(LegislationLink)), links[start : start + CHUNK])
    _store_changes(session, [s for s in states if s.version > 1])
    ledger.record_rows(session, (Legislation.id, ids), (LegislationLink.source_id, ids))
    audit.append_many(session, entries, provenance, json_native=True)
    return ids


def _in_force_from(act: NewAct, position: int) -> date:
    if act.type_code not in LEGISLATION_TYPES:
        raise InvalidInput(
            f"Bilinmeyen mevzuat türü {act.type_code} / unknown legislation type.",
            errors={f"{position}.type": ["unknown type"]},
        )
    start = act.in_force_from or act.gazette_date or act.adopted_on
    if start is None:
        raise InvalidInput(
            "Kabul, yayım veya yürürlük tarihinden biri gerekir / a date is required.",
            errors={f"{position}.in_force_from": ["required when neither date is known"]},
        )
    return start


def _check_references(session: Session, acts: Sequence[NewAct]) -> None:
    """Earlier acts come earlier, and registered ones exist."""
    wanted: set[int] = set()
    for position, act in enumerate(acts):
        refs = [*act.basis, *(t.act for t in act.amends), *(t.act for t in act.repeals)]
        for ref in refs:
            if isinstance(ref, Earlier):
                if not 0 <= ref.index < position:
                    raise InvalidInput(
                        "Bir mevzuat ancak kendinden önce verilene bağlanabilir / an act links "
                        "only to one given before it.",
                        errors={f"{position}": [f"links to position {ref.index}"]},
                    )
            else:
                wanted.add(ref)
    found: set[int] = set()
    ordered = sorted(wanted)
    for start in range(0, len(ordered), CHUNK):
        found.update(
            session.scalars(
                select(Legislation.id).where(Legislation.id.in_(ordered[start : start + CHUNK]))
            )
        )
    missing = sorted(wanted - found)
    if missing:
        raise InvalidInput(
            f"{missing[0]} numaralı mevzuat kaydı yok / no act with id {missing[0]}.",
            errors={"basis": [f"unknown act {missing[0]}"]},
        )


def _check_identities(session: Session, acts: Sequence[NewAct]) -> None:
    """A national act is identified by its type and number: one record each (``check_identity``)."""
    keys: set[tuple[int, str]] = set()
    clash: tuple[int, str] | None = None
    for act in acts:
        if act.number and act.type_code not in INTERNAL_LEGISLATION_TYPES:
            if (act.type_code, act.number) in keys:
                clash = (act.type_code, act.number)
            keys.add((act.type_code, act.number))
    numbers = sorted({number for _, number in keys})
    for start in range(0, len(numbers), CHUNK):
        if clash is not None:
            break
        rows = session.execute(
            select(Legislation.type_code, Legislation.number).where(
                Legislation.number.in_(numbers[start : start + CHUNK])
            )
        )
        clash = next(((t, n) for t, n in rows if n is not None and (t, n) in keys), None)
    if clash is not None:
        type_code, number = clash
        raise InvalidInput(
            f"{LEGISLATION_TYPES[type_code]} {number} zaten kayıtlı / this act is already "
            "registered.",
            errors={"number": [f"{LEGISLATION_TYPES[type_code]} {number} given twice"]},
        )


def _issuer_ids(session: Session, acts: Sequence[NewAct]) -> dict[str, int]:
    try:
        return tree.organization_ids(session, {act.issuer for act in acts if act.issuer})
    except (NotFound, InvalidInput) as error:
        raise InvalidInput(error.detail, errors={"issuer": ["no such unit"]}) from error


def _insert_acts(
    session: Session,
    acts: Sequence[NewAct],
    starts: list[date],
    issuers: dict[str, int],
    folding: Folding,
) -> list[int]:
    """Insert the acts as created (in force, first version); their ids, in order."""
    rows = [
        {
            "type_code": act.type_code,
            "number": act.number,
            "title": act.title,
            "search_text": folding.fold(act.number, act.title),
            "sort_key": folding.sort_key(act.title),
            "adopted_on": act.adopted_on,
            "gazette_date": act.gazette_date,
            "gazette_issue": act.gazette_issue,
            "gazette_repeat": act.gazette_repeat,
            "issuer_id": issuers[act.issuer] if act.issuer else None,
            "in_force_from": start,
            "status": LegislationStatus.IN_FORCE,
            "repealed_on": None,
            "repealed_by_id": None,
            "version": 1,
        }
        for act, start in zip(acts, starts, strict=True)
    ]
    table = _table(Legislation)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids.extend(session.scalars(statement, rows[start : start + CHUNK]))
    return ids


def _refuse(kind: LinkKind, target: _State, touch: Touch, position: int) -> None:
    """What ``records.check_links`` refuses of an amendment or a repeal."""
    if target.repealed_on is not None and (
        kind is LinkKind.REPEALS or target.repealed_on <= touch.on
    ):
        raise InvalidInput(
            f"{target.id} numaralı mevzuat {target.repealed_on} tarihinde yürürlükten kalktı / "
            "the act was already repealed.",
            errors={f"{position}.{kind.value}": ["already repealed"]},
        )
    if kind is LinkKind.REPEALS and touch.on < target.known_from():
        raise InvalidInput(
            "Yürürlükten kaldırma tarihi mevzuatın yayımından önce olamaz / the repeal date is "
            "before the act existed.",
            errors={f"{position}.repeals": ["before the act existed"]},
        )


def _link(
    source: int, target: int, kind: LinkKind, on: date | None, provision: str | None
) -> dict[str, Any]:
    return {
        "source_id": source,
        "target_id": target,
        "kind": kind.value,
        "on": on,
        "provision": provision,
    }


def _record(state: _State) -> dict[str, Any]:
    """``reading.record`` of the act as it stands, built without reading it back: the keys of
    ``ActView``, dates as ISO text (as the trail stores them)."""
    act = state.new
    amendments = [entry for _, _, entry in sorted(state.amendments, key=lambda a: a[:2])]
    return {
        "id": state.id,
        "type": {"code": act.type_code, "name": LEGISLATION_TYPES[act.type_code]},
        "number": act.number,
        "title": act.title,
        "adopted_on": _iso(act.adopted_on),
        "gazette": {
            "date": _iso(act.gazette_date),
            "issue": act.gazette_issue,
            "repeat": act.gazette_repeat,
        },
        "issuer": act.issuer,
        "in_force_from": state.in_force_from.isoformat(),
        "status": (LegislationStatus.REPEALED if state.repealed_on else LegislationStatus.IN_FORCE),
        "repealed_on": _iso(state.repealed_on),
        "repealed_by": state.repealed_by if state.repealed_on else None,
        "version": state.version,
        "basis": list(state.basis),
        "amended_by": list(dict.fromkeys(entry["id"] for entry in amendments)),
        "amendments": amendments,
        "amends": [dict(entry) for entry in state.amends],
        "repeals": list(state.repeals),
        "texts": [],
        "provisions": [],
    }


def _store_changes(session: Session, changed: list[_State]) -> None:
    """The acts amended or repealed by later acts of the call: their final state."""
    table = _table(Legislation)
    statement = (
        update(table)
        .where(table.c.id == bindparam("act_id"))
        .values(
            status=bindparam("new_status"),
            repealed_on=bindparam("new_repealed_on"),
            repealed_by_id=bindparam("new_repealed_by"),
            version=bindparam("new_version"),
        )
    )
    rows = [
        {
            "act_id": state.id,
            "new_status": (
                LegislationStatus.REPEALED if state.repealed_on else LegislationStatus.IN_FORCE
            ),
            "new_repealed_on": state.repealed_on,
            "new_repealed_by": state.repealed_by,
            "new_version": state.version,
        }
        for state in changed
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(statement, rows[start : start + CHUNK])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _table(model: Any) -> Table:
    """The model's table, for Core statements: the ORM's bulk path costs more per row."""
    return cast(Table, model.__table__)
