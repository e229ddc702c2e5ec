"""Appending to and verifying the tamper-evident audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, event, insert, select
from sqlalchemy.orm import Session

from registry.audit import ledger
from registry.audit.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Provenance:
    """Who made a change and through which request: kept on the record and in the audit trail."""

    recorded_by: str | None = None
    request_id: int | None = None
    approved_by: str | None = None


NO_PROVENANCE = Provenance()  # direct writes outside the workflow (sample data, imports, tests)
PENDING_KEY = "audit_pending"  # session.info flag: this transaction appended entries
APPENDED_KEY = "audit_appended"  # session.info: what this transaction appended, in order
# Entries the trail keeps for accountability but the public change feed does not serve: who
# holds which account is the administration's business, not a published record.
UNPUBLISHED_ENTITIES = frozenset({"account"})


@dataclass(frozen=True)
class AppendedEntry:
    """An entry appended by the open transaction, for what must follow it before the commit."""

    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: int | None
    submitted_by: str | None
    approved_by: str | None


def appended_in(session: Session) -> list[AppendedEntry]:
    """The entries the session's open transaction has appended so far."""
    return list(session.info.get(APPENDED_KEY, ()))


def has_pending_entries(session: Session) -> bool:
    """Whether the session's open transaction appended entries not yet committed."""
    return bool(session.info.get(PENDING_KEY))


_COMMITTED_HERE = [0]  # how many transactions with audit entries this process has committed


def committed_here() -> int:
    """A counter of this process's commits that appended audit entries: a projection that
    skips re-reading the head for a moment still sees this process's own writes at once."""
    return _COMMITTED_HERE[0]


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the transaction, and what it appended, goes on
    session.info.pop(APPENDED_KEY, None)
    if session.info.pop(PENDING_KEY, None):
        _COMMITTED_HERE[0] += 1


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    if session.in_nested_transaction():
        return  # back to a SAVEPOINT: the outer transaction still holds its earlier entries
    session.info.pop(PENDING_KEY, None)
    session.info.pop(APPENDED_KEY, None)


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry's content."""
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


HASHED_FIELDS = (
    "seq",
    "at",
    "entity",
    "entity_id",
    "action",
    "request_id",
    "submitted_by",
    "approved_by",
    "before",
    "after",
)


LEDGER_FIELDS = ("ledger_seq", "ledger_hash")


def _content(entry: AuditEntry) -> dict[str, Any]:
    return _hashed({name: getattr(entry, name) for name in (*HASHED_FIELDS, *LEDGER_FIELDS)})


def _hashed(values: dict[str, Any]) -> dict[str, Any]:
    """What the hash covers: the entry's fields, its moment as UTC ISO text (SQLite hands it
    back without a zone), and the ledger head it ties to (entries older than the ledger have
    none, and their hashes were computed without it)."""
    at = values["at"] if values["at"].tzinfo else values["at"].replace(tzinfo=UTC)
    content = {name: values[name] for name in HASHED_FIELDS}
    content["at"] = at.astimezone(UTC).isoformat()
    if values.get("ledger_seq") is not None:
        content.update({name: values[name] for name in LEDGER_FIELDS})
    return content


def _ledger_head(session: Session) -> tuple[int, str]:
    """The record ledger's head once the session's writes are flushed, locked before the audit
    head (always in this order: no two appenders wait on each other)."""
    session.flush()
    return ledger.head(session.connection(), lock=True)


def append(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: int | None = None,
    submitted_by: str | None = None,
    approved_by: str | None = None,
) -> AuditEntry:
    """Add the next entry; holds the head lock until the caller's transaction ends."""
    ledger_seq, ledger_hash = _ledger_head(session)
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=datetime.now(UTC).replace(microsecond=0),
        entity=entity,
        entity_id=entity_id,
        action=action,
        request_id=request_id,
        submitted_by=submitted_by,
        approved_by=approved_by,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.last_hash,
        ledger_seq=ledger_seq,
        ledger_hash=ledger_hash,
    )
    entry.hash = entry_hash(head.last_hash, _content(entry))
    session.info[PENDING_KEY] = True
    session.info.setdefault(APPENDED_KEY, []).append(
        AppendedEntry(
            entity, entity_id, entry.before, entry.after, request_id, submitted_by, approved_by
        )
    )
    head.last_seq, head.last_hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


def record_change(
    session: Session,
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    provenance: Provenance,
) -> AuditEntry:
    """Append the audit entry of an applied change (also what the change feed serves)."""
    return append(
        session,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        request_id=provenance.request_id,
        submitted_by=provenance.recorded_by,
        approved_by=provenance.approved_by,
    )


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through JSON so what is hashed is exactly what the database stores."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass
class VerifyResult:
    checked: int
    first_bad_seq: int | None
    problem: str | None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Recompute the chain from the start; report the first entry that does not match."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq = 0
    while True:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not entries:
            break
        for entry in entries:
            if entry.seq != expected_seq:
                return VerifyResult(checked, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev_hash:
                return VerifyResult(checked, entry.seq, "previous-hash link does not match")
            if entry_hash(prev_hash, _content(entry)) != entry.hash:
                return VerifyResult(checked, entry.seq, "content does not match its hash")
            prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
            last_seq = entry.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        return VerifyResult(checked, expected_seq, "entries after this one were removed")
    return VerifyResult(checked, None, None)


def entries_for(session: Session, entity: str, entity_id: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.seq)
        )
    )


# Built once: every projection reads it on every request.
_HEAD = select(AuditHead.last_seq).where(AuditHead.id == 1)


def head_seq(session: Session) -> int:
    """The sequence number of the last committed audit entry (0 for an empty trail)."""
    return session.scalar(_HEAD) or 0


def changed_since(
    session: Session, after: int, upto: int, entities: Collection[str]
) -> dict[str, set[str]]:
    """Entity → ids of the records changed by entries ``after < seq <= upto``: what an in-memory
    projection (legal graph, name index, search index) must reload to catch up."""
    changed: dict[str, set[str]] = {}
    for entity, entity_id in session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id)
        .where(AuditEntry.seq > after, AuditEntry.seq <= upto, AuditEntry.entity.in_(entities))
        .distinct()
    ):
        changed.setdefault(entity, set()).add(entity_id)
    return changed


@dataclass(frozen=True)
class NewEntry:
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def append_many(
    session: Session, entries: list[NewEntry], provenance: Provenance, *, json_native: bool = False
) -> None:
    """Append many entries in a few statements (bulk imports): the same chain as ``append``,
    with the head locked once instead of once per entry. ``json_native``: the caller built
    ``before``/``after`` from JSON types only, so they need no round trip through JSON."""
    if not entries:
        return
    ledger_seq, ledger_hash = _ledger_head(session)
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    at = datetime.now(UTC).replace(microsecond=0)
    seq, last_hash = head.last_seq, head.last_hash
    rows = []
    appended = session.info.setdefault(APPENDED_KEY, [])
    for new in entries:
        seq += 1
        before, after = (
            (new.before, new.after)
            if json_native
            else (_jsonable(new.before), _jsonable(new.after))
        )
        row = {
            "seq": seq,
            "at": at,
            "entity": new.entity,
            "entity_id": new.entity_id,
            "action": new.action,
            "request_id": provenance.request_id,
            "submitted_by": provenance.recorded_by,
            "approved_by": provenance.approved_by,
            "before": before,
            "after": after,
            "ledger_seq": ledger_seq,
            "ledger_hash": ledger_hash,
        }
        row["prev_hash"] = last_hash
        row["hash"] = last_hash = entry_hash(last_hash, _hashed(row))
        rows.append(row)
        appended.append(
            AppendedEntry(
                new.entity,
                new.entity_id,
                before,
                after,
                provenance.request_id,
                provenance.recorded_by,
                provenance.approved_by,
            )
        )
    for start in range(0, len(rows), 1000):
        session.execute(insert(_table(AuditEntry)), rows[start : start + 1000])
    head.last_seq, head.last_hash = seq, last_hash
    session.info[PENDING_KEY] = True
    session.flush()


def _table(model: Any) -> Table:
    """The model's table, for Core inserts: the ORM's bulk path costs more per row."""
    return cast(Table, model.__table__)
