"""Publishing service standards tables, and reading what was published.

A unit publishes a table once it has its places of application (approved ``service_standard``
contacts); the table covers its services and those of every unit under it. Whatever changes such
a table (an approved service, a renamed document, new contacts, a moved unit, a name
resolution, an import applied directly, the sample data) calls ``publish_changed`` before its
caller commits: the affected tables are rebuilt *in that same transaction*, and a new version is
stored if and only if its content changed. So a table never lags behind its records, and never
changes between approvals.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import AppendedEntry, Provenance
from registry.catalogue.models import Document, RecordStatus, Service, ServiceDocument
from registry.kernel.clock import today
from registry.kernel.errors import NotFound
from registry.organizations import tree
from registry.organizations.tree import PathEntry
from registry.standards import table
from registry.standards.models import ServiceStandardContacts, ServiceStandardTable

ENTITY = "service_standard_table"  # the audit-trail and change-feed name of a publication
# document_name: a queued name resolved, which the table showed as awaiting a standard name.
_WATCHED = frozenset({"service", "service_standard", "organization", "document", "document_name"})


# -- publishing --


def publish(
    session: Session, org_id: int, at: date, provenance: Provenance = audit.NO_PROVENANCE
) -> ServiceStandardTable | None:
    """Publish the unit's table as it stands on ``at``; None when it equals the last version."""
    content = table.build(session, org_id, at)
    digest = table.digest(content)
    last = _latest(session, org_id)
    if last is not None and last.digest == digest:
        return None
    published = ServiceStandardTable(
        organization_id=org_id,
        version=(last.version + 1) if last else 1,
        published_at=datetime.now(UTC).replace(microsecond=0),
        request_id=provenance.request_id,
        content=content,
        digest=digest,
    )
    session.add(published)
    session.flush()
    audit.record_change(
        session,
        ENTITY,
        content["organization"]["detsis_no"],
        "publish",
        _summary(last) if last else None,
        _summary(published),
        provenance,
    )
    return published


def publish_all(session: Session, at: date | None = None) -> list[ServiceStandardTable]:
    """(Re)publish every unit that has places of application; unchanged tables stay as they are."""
    owners = session.scalars(
        select(ServiceStandardContacts.organization_id)
        .where(ServiceStandardContacts.status == RecordStatus.ACTIVE)
        .order_by(ServiceStandardContacts.organization_id)
    )
    return _publish_each(session, list(owners), at or today(), audit.NO_PROVENANCE)


def owners_above(session: Session, unit_ids: Collection[int], at: date) -> set[int]:
    """The units at or above any of ``unit_ids`` whose table includes them."""
    if not unit_ids or not session.scalar(_ANY_OWNER):
        return set()  # no unit publishes a table yet (a fresh registry, a bulk import)
    found = tree.versions_at(session, unit_ids, at)
    candidates = {
        org_id for chain in tree.ancestries(session, found, at).values() for org_id, _, _ in chain
    }
    if not candidates:
        return set()
    return set(
        session.scalars(
            select(ServiceStandardContacts.organization_id).where(
                ServiceStandardContacts.organization_id.in_(candidates),
                ServiceStandardContacts.status == RecordStatus.ACTIVE,
            )
        )
    )


_ANY_OWNER = (
    select(ServiceStandardContacts.id)
    .where(ServiceStandardContacts.status == RecordStatus.ACTIVE)
    .limit(1)
)


def _publish_each(
    session: Session, owners: Iterable[int], at: date, provenance: Provenance
) -> list[ServiceStandardTable]:
    published = []
    for org_id in sorted(owners):
        if tree.versions_at(session, [org_id], at):  # a closed unit publishes no more
            result = publish(session, org_id, at, provenance)
            if result is not None:
                published.append(result)
    return published


def publish_changed(session: Session) -> list[ServiceStandardTable]:
    """Republish the tables the open transaction's changes touch, as read from what it appended
    to the audit trail; returns the new versions (none for a table whose content is unchanged).

    Called once by whatever applies such changes, before its caller commits. The new versions
    carry the provenance of the transaction's first such change: the approval that caused them.
    """
    entries = [e for e in audit.appended_in(session) if e.entity in _WATCHED]
    if not entries:
        return []
    at = today()
    units = _units_touched(session, entries, at)
    if not units:
        return []
    first = entries[0]
    provenance = Provenance(first.submitted_by, first.request_id, first.approved_by)
    return _publish_each(session, owners_above(session, units, at), at, provenance)


def _units_touched(session: Session, entries: list[AppendedEntry], at: date) -> set[int]:
    numbers: set[str] = set()
    documents: set[str] = set()
    for entry in entries:
        records = [r for r in (entry.before, entry.after) if r]
        if entry.entity == "service":
            numbers.update(r["organization"] for r in records if r.get("organization"))
        elif entry.entity == "document_name":
            numbers.update(r["organization"] for r in records if r.get("organization"))
        elif entry.entity == "service_standard":
            numbers.add(entry.entity_id)
        elif entry.entity == "organization":
            numbers.add(entry.entity_id)
            numbers.update(r["parent"] for r in records if r.get("parent"))
        elif entry.before and entry.after and entry.before.get("name") != entry.after.get("name"):
            documents.add(entry.entity_id)  # a renamed document changes every table asking it
    ids = set(tree.organization_ids(session, numbers).values())
    if documents:
        ids.update(_units_asking_for(session, documents))
    return ids


def _units_asking_for(session: Session, codes: Collection[str]) -> set[int]:
    return set(
        session.scalars(
            select(Service.organization_id)
            .join(ServiceDocument, ServiceDocument.service_id == Service.id)
            .join(Document, Document.id == ServiceDocument.document_id)
            .where(Document.code.in_(list(codes)), Service.status == RecordStatus.ACTIVE)
            .distinct()
        )
    )


def _summary(published: ServiceStandardTable) -> dict[str, Any]:
    return {
        "organization": published.content["organization"]["detsis_no"],
        "version": published.version,
        "published_at": published.published_at.isoformat(),
        "rows": len(published.content["rows"]),
        "digest": published.digest,
    }


# -- reading --


@dataclass(frozen=True)
class VersionSummary:
    version: int
    published_at: datetime
    request_id: int | None
    rows: int


def _latest(session: Session, org_id: int) -> ServiceStandardTable | None:
    return session.scalar(
        select(ServiceStandardTable)
        .where(ServiceStandardTable.organization_id == org_id)
        .order_by(ServiceStandardTable.version.desc())
        .limit(1)
    )


def published(session: Session, detsis_no: str, version: int | None = None) -> ServiceStandardTable:
    """The unit's latest published table, or the given version of it."""
    org_id = tree.organization_id(session, detsis_no)
    if version is None:
        found = _latest(session, org_id)
    else:
        found = session.scalar(
            select(ServiceStandardTable).where(
                ServiceStandardTable.organization_id == org_id,
                ServiceStandardTable.version == version,
            )
        )
    if found is None:
        raise NotFound(
            f"{detsis_no} için yayımlanmış hizmet standartları tablosu yok"
            + (f" (sürüm {version})" if version is not None else "")
            + " / no published service standards table."
        )
    return found


def versions(session: Session, detsis_no: str) -> list[VersionSummary]:
    """Every publication of the unit's table, newest first."""
    org_id = tree.organization_id(session, detsis_no)
    rows = session.scalars(
        select(ServiceStandardTable)
        .where(ServiceStandardTable.organization_id == org_id)
        .order_by(ServiceStandardTable.version.desc())
    )
    return [
        VersionSummary(t.version, t.published_at, t.request_id, len(t.content["rows"]))
        for t in rows
    ]


def tables_listing(session: Session, unit_ids: Collection[int], at: date) -> dict[int, PathEntry]:
    """For each unit, the nearest unit at or above it with a published table (the table that
    lists the unit's services); units with none are left out."""
    found = tree.versions_at(session, unit_ids, at)
    chains = tree.ancestries(session, found, at)
    candidates = {org_id for chain in chains.values() for org_id, _, _ in chain}
    published = set(
        session.scalars(
            select(ServiceStandardTable.organization_id)
            .where(ServiceStandardTable.organization_id.in_(candidates or {0}))
            .distinct()
        )
    )
    listing = {}
    for unit_id, chain in chains.items():
        for org_id, number, version in reversed(chain):
            if org_id in published:
                listing[unit_id] = PathEntry(org_id, number, version.name, version.category)
                break
    return listing


def compare(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """What changed between two publications: rows added, removed and changed (by service
    code, field by field), and changed places of application."""
    old_rows = {row["service"]: row for row in older["rows"]}
    new_rows = {row["service"]: row for row in newer["rows"]}
    changed = []
    for code in new_rows.keys() & old_rows.keys():
        fields = _field_changes(old_rows[code], new_rows[code], exclude={"no"})
        if fields:
            changed.append({"service": code, "name": new_rows[code]["name"], "changes": fields})
    contacts = {
        name: fields
        for name in ("first_contact", "second_contact")
        if (fields := _field_changes(older.get(name) or {}, newer.get(name) or {}))
    }
    return {
        "added": [row for code, row in new_rows.items() if code not in old_rows],
        "removed": [row for code, row in old_rows.items() if code not in new_rows],
        "changed": sorted(changed, key=lambda item: item["service"]),
        "contacts": contacts,
        "organization_name": (
            {"before": older["organization"]["name"], "after": newer["organization"]["name"]}
            if older["organization"]["name"] != newer["organization"]["name"]
            else None
        ),
    }


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], exclude: Collection[str] = ()
) -> dict[str, dict[str, Any]]:
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(before.keys() | after.keys())
        if key not in exclude and before.get(key) != after.get(key)
    }
