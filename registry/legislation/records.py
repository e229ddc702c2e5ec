"""Writing acts of legislation and their links (basis, amendments, repeals).

Every write appends an audit entry for each act whose representation it changes: the act itself,
and for an amendment or a repeal the act amended or repealed. That keeps the change feed complete
and tells the in-memory legal graph (``legislation.graph``) what to reload. Reading acts, and the
views the API shows of them, is ``legislation.reading``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.kernel import turkish
from registry.kernel.errors import InvalidInput
from registry.legislation import graph as legal_graph
from registry.legislation.models import (
    Legislation,
    LegislationLink,
    LegislationProvision,
    LegislationStatus,
    LegislationText,
    LinkKind,
)
from registry.legislation.reading import get_act, known_from, record
from registry.organizations import tree
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

SIMPLE_FIELDS = ("type_code", "number", "title", "adopted_on", "in_force_from")


@dataclass(frozen=True)
class LinkEvent:
    """An amendment or repeal just applied: what review tasks are opened for."""

    kind: LinkKind
    target_id: int
    on: date
    provision: str | None = None


@dataclass
class Applied:
    act: Legislation
    events: list[LinkEvent]
    # amended or repealed act → ids of the services depending on it (as of before the change)
    affected_services: dict[int, set[int]]


def create_act(
    session: Session,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Applied:
    """Record a new act with its links; amendments and repeals it makes take effect now."""
    graph = legal_graph.current(session)
    check_links(session, graph, None, data)
    affected = _affected_services(graph, data)
    act = Legislation(version=1, status=LegislationStatus.IN_FORCE)
    _set_fields(session, act, data)
    session.add(act)
    session.flush()
    _replace_texts(session, act, data.get("texts", []))
    _replace_provisions(session, act, data.get("provisions", []))
    _replace_basis(session, act, data.get("basis", []))
    events = _apply_events(session, act, data, provenance)
    session.flush()
    session.refresh(act)
    audit.record_change(
        session, "legislation", str(act.id), "create", None, record(session, act), provenance
    )
    return Applied(act, events, affected)


def update_act(
    session: Session,
    act_id: int,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Applied:
    """Change what ``data`` names; each named field replaces the current value."""
    act = get_act(session, act_id)
    graph = legal_graph.current(session)
    check_links(session, graph, act, data)
    affected = _affected_services(graph, data)
    before = record(session, act)
    _set_fields(session, act, data)
    if "texts" in data:
        _replace_texts(session, act, data["texts"])
    if "provisions" in data:
        _replace_provisions(session, act, data["provisions"])
    if "basis" in data:
        _replace_basis(session, act, data["basis"])
    events = _apply_events(session, act, data, provenance)
    act.version += 1
    session.flush()
    session.refresh(act)
    audit.record_change(
        session, "legislation", str(act.id), "update", before, record(session, act), provenance
    )
    return Applied(act, events, affected)


def close_act(
    session: Session,
    act_id: int,
    repealed_on: date,
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Applied:
    """Mark an act repealed by something outside the registry (an annulment, an older law)."""
    act = get_act(session, act_id)
    _refuse_repeal(act, repealed_on, "data.repealed_on")
    _, services = legal_graph.current(session).dependents([act.id])
    before = record(session, act)
    act.status, act.repealed_on, act.repealed_by_id = (
        LegislationStatus.REPEALED,
        repealed_on,
        None,
    )
    act.version += 1
    session.flush()
    audit.record_change(
        session, "legislation", str(act.id), "close", before, record(session, act), provenance
    )
    return Applied(act, [LinkEvent(LinkKind.REPEALS, act.id, repealed_on)], {act.id: services})


def _affected_services(graph: legal_graph.LegalGraph, data: dict[str, Any]) -> dict[int, set[int]]:
    """Services depending on each act this change amends or repeals, read before writing."""
    targets = {item["id"] for name in ("amends", "repeals") for item in data.get(name, [])}
    return {target: graph.dependents([target])[1] for target in targets}


def check_links(
    session: Session,
    graph: legal_graph.LegalGraph,
    act: Legislation | None,
    data: dict[str, Any],
) -> None:
    """Refuse links to unknown acts, basis cycles, and repeals of what is already repealed."""
    referenced = set(data.get("basis", []))
    referenced |= {item["id"] for item in data.get("amends", [])}
    referenced |= {item["id"] for item in data.get("repeals", [])}
    found = {
        a.id: a for a in session.scalars(select(Legislation).where(Legislation.id.in_(referenced)))
    }
    for name in ("basis", "amends", "repeals"):
        for index, item in enumerate(data.get(name, [])):
            target = item if name == "basis" else item["id"]
            field = f"data.{name}" if name == "basis" else f"data.{name}.{index}.id"
            if target not in found:
                raise InvalidInput(
                    f"{target} numaralı mevzuat kaydı yok / no act with id {target}.",
                    errors={field: [f"unknown act {target}"]},
                )
            if act is not None and target == act.id:
                raise InvalidInput(
                    "Bir mevzuat kendisine bağlanamaz / an act cannot link to itself.",
                    errors={field: ["links to the act itself"]},
                )
    if act is not None and "basis" in data:
        upper = graph.would_cycle(act.id, data["basis"])
        if upper is not None:
            raise InvalidInput(
                f"{upper} numaralı mevzuat zaten bu mevzuata dayanıyor; dayanak döngü "
                f"oluşturur / act {upper} already depends on this act: the basis would make a "
                "cycle.",
                errors={"data.basis": [f"act {upper} depends on act {act.id}"]},
            )
    existing = _existing_events(session, act)
    for index, item in enumerate(data.get("repeals", [])):
        if (LinkKind.REPEALS, item["id"]) in existing:
            continue
        _refuse_repeal(found[item["id"]], item["on"], f"data.repeals.{index}")
    for index, item in enumerate(data.get("amends", [])):
        target = found[item["id"]]
        if target.repealed_on is not None and target.repealed_on <= item["on"]:
            raise InvalidInput(
                f"{target.id} numaralı mevzuat {target.repealed_on.isoformat()} tarihinde "
                "yürürlükten kalktı; değiştirilemez / the act was already repealed.",
                errors={f"data.amends.{index}.id": ["repealed before the amendment"]},
            )
    if act is not None:
        kept = {(LinkKind.REPEALS, i["id"]) for i in data.get("repeals", [])}
        kept |= {(LinkKind.AMENDS, i["id"]) for i in data.get("amends", [])}
        for kind, target_id in existing:
            if kind in data and (kind, target_id) not in kept:
                raise InvalidInput(
                    "Uygulanmış bir değişiklik veya yürürlükten kaldırma geri alınamaz; yeni "
                    "bir mevzuat kaydı girin / an applied amendment or repeal cannot be removed.",
                    errors={f"data.{kind}": [f"keeps act {target_id}"]},
                )


def _refuse_repeal(target: Legislation, on: date, field: str) -> None:
    if target.status == LegislationStatus.REPEALED:
        raise InvalidInput(
            f"{target.id} numaralı mevzuat zaten {target.repealed_on} tarihinde yürürlükten "
            "kaldırılmış / the act is already repealed.",
            errors={field: ["already repealed"]},
        )
    if on < known_from(target):
        raise InvalidInput(
            "Yürürlükten kaldırma tarihi mevzuatın yayımından önce olamaz / the repeal date is "
            "before the act existed.",
            errors={field: ["before the act existed"]},
        )


def _existing_events(session: Session, act: Legislation | None) -> set[tuple[str, int]]:
    if act is None:
        return set()
    rows = session.execute(
        select(LegislationLink.kind, LegislationLink.target_id).where(
            LegislationLink.source_id == act.id,
            LegislationLink.kind.in_((LinkKind.AMENDS, LinkKind.REPEALS)),
        )
    )
    return {(kind, target_id) for kind, target_id in rows}


def _set_fields(session: Session, act: Legislation, data: dict[str, Any]) -> None:
    for name in SIMPLE_FIELDS:
        if name in data:
            setattr(act, name, data[name])
    if "gazette" in data:
        gazette = data["gazette"] or {}
        act.gazette_date = gazette.get("date")
        act.gazette_issue = gazette.get("issue")
        act.gazette_repeat = gazette.get("repeat")
    if "issuer" in data:
        act.issuer_id = (
            tree.unit_id_for(session, data["issuer"], "data.issuer", open_only=False)
            if data["issuer"]
            else None
        )
    if data.get("in_force_from") is None:
        act.in_force_from = act.gazette_date or act.adopted_on or act.in_force_from
    if act.in_force_from is None:
        raise InvalidInput(
            "Kabul, yayım veya yürürlük tarihinden biri gerekir / a date is required.",
            errors={"data.in_force_from": ["required when neither date is known"]},
        )
    check_identity(session, act.type_code, act.number, act.id)
    act.search_text = turkish.fold(" ".join(filter(None, (act.number, act.title))))
    act.sort_key = turkish.sort_key(act.title)[:600]


def check_identity(
    session: Session, type_code: int, number: str | None, own_id: int | None
) -> None:
    """A national act is identified by its type and number (Kanun 6458): one record each."""
    if not number or type_code in INTERNAL_LEGISLATION_TYPES:
        return
    clash = session.scalar(
        select(Legislation.id).where(
            Legislation.type_code == type_code,
            Legislation.number == number,
            Legislation.id != (own_id or 0),
        )
    )
    if clash is not None:
        raise InvalidInput(
            f"{LEGISLATION_TYPES[type_code]} {number} zaten kayıtlı (kayıt {clash}) "
            "/ this act is already registered.",
            errors={"data.number": [f"already registered as act {clash}"]},
        )


def _replace_texts(session: Session, act: Legislation, texts: list[dict[str, Any]]) -> None:
    for old in list(act.texts):
        session.delete(old)
    session.flush()
    for text in texts:
        session.add(LegislationText(legislation_id=act.id, **text))


def _replace_provisions(
    session: Session, act: Legislation, provisions: list[dict[str, Any]]
) -> None:
    for old in list(act.provisions):
        session.delete(old)
    session.flush()
    for position, provision in enumerate(provisions, start=1):
        session.add(
            LegislationProvision(
                legislation_id=act.id,
                position=position,
                label=provision["label"],
                heading=provision.get("heading"),
                text=provision["text"],
            )
        )


def _replace_basis(session: Session, act: Legislation, uppers: list[int]) -> None:
    old = session.scalars(
        select(LegislationLink).where(
            LegislationLink.source_id == act.id, LegislationLink.kind == LinkKind.BASIS
        )
    ).all()
    for link in old:
        session.delete(link)
    session.flush()
    for upper in uppers:
        session.add(LegislationLink(source_id=act.id, target_id=upper, kind=LinkKind.BASIS))


def _apply_events(
    session: Session, act: Legislation, data: dict[str, Any], provenance: Provenance
) -> list[LinkEvent]:
    """Add the amendments and repeals not applied before, and update the acts they touch."""
    existing = _existing_events(session, act)
    events = [
        LinkEvent(kind, item["id"], item["on"], item.get("provision"))
        for kind, name in ((LinkKind.AMENDS, "amends"), (LinkKind.REPEALS, "repeals"))
        for item in data.get(name, [])
        if (kind.value, item["id"]) not in existing
    ]
    befores = {e.target_id: record(session, get_act(session, e.target_id)) for e in events}
    for event in events:
        session.add(
            LegislationLink(
                source_id=act.id,
                target_id=event.target_id,
                kind=event.kind.value,
                on=event.on,
                provision=event.provision,
            )
        )
        target = get_act(session, event.target_id)
        if event.kind is LinkKind.REPEALS:
            target.status = LegislationStatus.REPEALED
            target.repealed_on, target.repealed_by_id = event.on, act.id
        target.version += 1
    session.flush()
    for target_id, before in befores.items():
        target = get_act(session, target_id)
        action = "repeal" if target.repealed_by_id == act.id else "amend"
        audit.record_change(
            session,
            "legislation",
            str(target_id),
            action,
            before,
            record(session, target),
            provenance,
        )
    return events
