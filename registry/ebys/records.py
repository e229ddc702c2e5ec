"""Writing and reading signatories and distribution lists.

Both belong to one unit (a signatory's unit, a list's owner), carry a version for optimistic
locking, are closed rather than deleted, and append an audit entry on every change (the change
feed and EBYS caches follow it). The places of application printed under a standards table have
the same shape and live with the tables (``registry.standards.contacts``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.ebys.models import DistributionList, DistributionRecipient, Signatory
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import tree
from registry.workflow.handling import Proposal
from schemas.ebys.records import signer_problems

SIGNATORY_FIELDS = ("name", "surname", "title", "delegation", "rank")


def _number(session: Session, org_id: int) -> str:
    return tree.number_of(session, org_id)


def _id(target: str | int, what: str) -> int:
    try:
        return int(target)
    except (TypeError, ValueError) as error:
        raise NotFound(f"{what} {target} yok / no such {what}.") from error


def _require_active(record: Signatory | DistributionList) -> None:
    if record.status != RecordStatus.ACTIVE:
        raise Conflict("Kayıt kapatılmış / the record is closed.")


# -- signatories --


def get_signatory(session: Session, target: str | int) -> Signatory:
    signatory = session.get(Signatory, _id(target, "imza yetkilisi"))
    if signatory is None:
        raise NotFound(f"İmza yetkilisi {target} yok / no such signatory.")
    return signatory


def signatory_record(session: Session, signatory: Signatory) -> dict[str, Any]:
    return {
        "id": signatory.id,
        "organization": _number(session, signatory.organization_id),
        "name": signatory.name,
        "surname": signatory.surname,
        "title": signatory.title,
        "delegation": signatory.delegation,
        "rank": signatory.rank,
        "status": signatory.status,
        "version": signatory.version,
        "manager_of": (
            _number(session, signatory.manager_of_id) if signatory.manager_of_id else None
        ),
    }


def signer_named(session: Session, proposal: Proposal) -> None:
    """A signatory, once changed, still names who signs (a written name, a manager post, or
    both); and the post it names is a unit's that exists and is open."""
    if proposal.action == "close":
        return
    if proposal.data.get("manager_of"):
        tree.unit_id_for(session, proposal.data["manager_of"], "data.manager_of")
    if proposal.action != "update" or proposal.target is None:
        return  # a new one is checked whole by its schema
    merged = {**signatory_record(session, get_signatory(session, proposal.target))}
    merged.update(proposal.data)
    problems = signer_problems(merged)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, errors={f"data.{field}": [message.split(" / ")[-1]]})


def save_signatory(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> Signatory:
    """Create (no target) or update a signatory with the fields ``data`` names."""
    signatory = get_signatory(session, target) if target is not None else Signatory(version=0)
    before = signatory_record(session, signatory) if target is not None else None
    if target is not None:
        _require_active(signatory)
    if "organization" in data:
        signatory.organization_id = tree.unit_id_for(
            session, data["organization"], "data.organization"
        )
    if "manager_of" in data:
        signatory.manager_of_id = (
            tree.unit_id_for(session, data["manager_of"], "data.manager_of")
            if data["manager_of"]
            else None
        )
    for name in SIGNATORY_FIELDS:
        if name in data:
            setattr(
                signatory, name, data[name].strip() if isinstance(data[name], str) else data[name]
            )
    signatory.version += 1
    signatory.status = RecordStatus.ACTIVE
    session.add(signatory)
    session.flush()
    _audit(
        session,
        "signatory",
        str(signatory.id),
        before,
        signatory_record(session, signatory),
        provenance,
    )
    return signatory


# -- distribution lists --


def get_distribution_list(session: Session, target: str | int) -> DistributionList:
    found = session.get(DistributionList, _id(target, "dağıtım listesi"))
    if found is None:
        raise NotFound(f"Dağıtım listesi {target} yok / no such distribution list.")
    return found


def distribution_list_record(session: Session, found: DistributionList) -> dict[str, Any]:
    numbers = tree.numbers_of(session, [r.organization_id for r in found.recipients])
    return {
        "id": found.id,
        "name": found.name,
        "owner": _number(session, found.owner_id),
        "recipients": [
            {"detsis_no": numbers[r.organization_id], "kind": r.kind} for r in found.recipients
        ],
        "status": found.status,
        "version": found.version,
    }


def save_distribution_list(
    session: Session,
    target: str | None,
    data: dict[str, Any],
    *,
    provenance: Provenance = NO_PROVENANCE,
) -> DistributionList:
    found = (
        get_distribution_list(session, target)
        if target is not None
        else DistributionList(version=0)
    )
    before = distribution_list_record(session, found) if target is not None else None
    if target is not None:
        _require_active(found)
    if "owner" in data:
        found.owner_id = tree.unit_id_for(session, data["owner"], "data.owner")
    if "name" in data:
        found.name = data["name"].strip()
    if "recipients" in data:
        recipients = [
            (tree.unit_id_for(session, r["detsis_no"], f"data.recipients.{i}.detsis_no"), r["kind"])
            for i, r in enumerate(data["recipients"])
        ]
        found.recipients.clear()
        session.flush()
        for position, (org_id, kind) in enumerate(recipients, start=1):
            found.recipients.append(
                DistributionRecipient(organization_id=org_id, kind=kind, position=position)
            )
    found.version += 1
    found.status = RecordStatus.ACTIVE
    session.add(found)
    session.flush()
    session.refresh(found)
    _audit(
        session,
        "distribution_list",
        str(found.id),
        before,
        distribution_list_record(session, found),
        provenance,
    )
    return found


# -- closing --


_KINDS: dict[
    str, tuple[Callable[[Session, str], Any], Callable[[Session, Any], dict[str, Any]]]
] = {
    "signatory": (get_signatory, signatory_record),
    "distribution_list": (get_distribution_list, distribution_list_record),
}


def close_signatory(
    session: Session, target: str, *, provenance: Provenance = NO_PROVENANCE
) -> str:
    return _close(session, "signatory", target, provenance)


def close_distribution_list(
    session: Session, target: str, *, provenance: Provenance = NO_PROVENANCE
) -> str:
    return _close(session, "distribution_list", target, provenance)


def _close(session: Session, entity: str, target: str, provenance: Provenance) -> str:
    """Close a signatory or a distribution list; returns the record's id."""
    get, view = _KINDS[entity]
    record = get(session, target)
    _require_active(record)
    before = view(session, record)
    record.status = "closed"
    record.version += 1
    session.flush()
    _audit(session, entity, target, before, view(session, record), provenance)
    return target


def _audit(
    session: Session,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    provenance: Provenance,
) -> None:
    action = "create" if before is None else ("close" if after["status"] == "closed" else "update")
    audit.record_change(session, entity, entity_id, action, before, after, provenance)
