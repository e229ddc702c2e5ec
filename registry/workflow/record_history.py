"""The history of a record other than a unit: its applied changes, from the audit trail.

Everyone sees what changed and when; who submitted and approved each change is shown to the
accounts that may see the audit trail of the record's unit (``policy.may_see_audit``).
"""

from __future__ import annotations

from typing import Any

from registry.accounts import policy
from registry.accounts import service as accounts
from registry.accounts.auth import current_user
from registry.audit import trail as audit
from registry.kernel.db import get_session


def record_history(entity: str, entity_id: str, org_id: int | None) -> dict[str, Any]:
    session = get_session()
    actor = current_user()
    show_people = policy.may_see_audit(session, actor, org_id)
    changes = []
    entries = audit.entries_for(session, entity, entity_id)
    # Entries name accounts by reference; staff read them as "Name (#id)" (issue 19).
    names = accounts.describe_refs(
        session, [ref for e in entries for ref in (e.submitted_by, e.approved_by)]
    )
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changed = {
            key: [before.get(key), after.get(key)]
            for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key) and key != "version"
        }
        item: dict[str, Any] = {
            "seq": entry.seq,
            "at": entry.at,
            "action": entry.action,
            "changes": changed,
        }
        if show_people:
            item.update(
                submitted_by=names.get(entry.submitted_by or "", entry.submitted_by),
                approved_by=names.get(entry.approved_by or "", entry.approved_by),
                request_id=entry.request_id,
            )
        changes.append(item)
    return {"entity": entity, "id": entity_id, "changes": changes}
