"""A reviewer's decision on a queued document name: an alias of a known document, or a new one;
the service that asked under that name then gets the document in the role it was asked in, and
the standards tables listing the service are republished."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import User
from registry.audit.trail import Provenance
from registry.catalogue import documents as document_records
from registry.catalogue import services as records
from registry.catalogue.models import UnmatchedDocumentName, UnmatchedStatus
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.standards import publication


def resolve(
    session: Session, actor: User, item_id: int, decision: dict[str, Any]
) -> UnmatchedDocumentName:
    """Make the name an alias of ``decision['document']`` (a code), or create
    ``decision['new_document']`` (name, issuer…) with the name as its alias; link the service."""
    policy.require_name_resolver(actor)
    item = session.get(UnmatchedDocumentName, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"{item_id} numaralı eşleşmemiş ad yok / no such unmatched name.")
    if item.status != UnmatchedStatus.OPEN:
        raise Conflict("Bu ad zaten eşleştirildi / the name is already resolved.")
    provenance = Provenance(recorded_by=actor.name, approved_by=actor.name)
    if decision.get("document"):
        document = document_records.get_document(session, decision["document"])
        if document.status != RecordStatus.ACTIVE:
            raise InvalidInput(
                "Belge kapatılmış / the document is closed.", errors={"document": ["closed"]}
            )
        known = {turkish.fold(a.alias) for a in document.aliases}
        if item.folded not in known:
            aliases = [a.alias for a in document.aliases if a.alias != document.name]
            document_records.check_document_names(session, document, {"aliases": [item.name]})
            document_records.update_document(
                session, document.code, {"aliases": [*aliases, item.name]}, provenance=provenance
            )
    else:
        new = decision.get("new_document") or {"name": item.name}
        document_records.check_document_names(session, None, new)
        document = document_records.create_document(session, new, provenance=provenance)
        given = list(new.get("aliases") or [])
        if item.folded not in {turkish.fold(n) for n in [document.name, *given]}:
            document_records.update_document(
                session, document.code, {"aliases": [*given, item.name]}, provenance=provenance
            )
    if item.service_id is not None and item.role is not None:
        records.add_service_document(
            session, item.service_id, document.id, item.role, provenance=provenance
        )
    item.status = UnmatchedStatus.RESOLVED
    item.document_id = document.id
    item.resolved_at = datetime.now(UTC)
    item.resolved_by = actor.name
    session.flush()
    publication.publish_changed(session)  # the service's table now asks for the document
    return item
