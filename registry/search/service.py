"""Search as the app uses it: the index when it is there, the database when it is not.

The index is derived data. If it is missing or unreadable (deleted, half-copied, a disk error),
search keeps answering from the database (every word in the folded search text, no ranking
beyond names first) and says so: ``degraded`` in the answer, a warning in the log, and the
``search`` check of ``/readyz``. ``registry reindex`` restores it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.audit.trail import Provenance
from registry.catalogue.models import Document, RecordStatus, Service
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.search import evaluate, index, query
from registry.search.analysis import terms
from registry.search.models import SearchSynonymGroup

logger = logging.getLogger(__name__)
UNREADABLE = index.UNREADABLE_INDEX
FALLBACK_CANDIDATES = 500  # per kind of record


@dataclass
class Answer:
    result: query.Result
    degraded: str | None  # why the answer may be incomplete (the database answered, a stale index)
    source: str = "index"  # or "database"


def synonym_groups(session: Session) -> list[list[str]]:
    return [
        list(g)
        for g in session.scalars(select(SearchSynonymGroup.phrases).order_by(SearchSynonymGroup.id))
    ]


SYNONYMS = "search_synonyms"  # the change requests' and the audit trail's name for the groups


def synonyms_version(session: Session) -> int:
    """How many times the groups were replaced, plus one: a request written against an older
    set of groups is stale when approved."""
    changed = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == SYNONYMS)
    )
    return (changed or 0) + 1


def save_synonyms(
    session: Session, groups: list[list[str]], provenance: Provenance
) -> list[list[str]]:
    """Replace the synonym groups: the applier of an approved ``search_synonyms`` request (one
    person proposes, another approves); the change is in the audit trail."""
    before = synonym_groups(session)
    for row in session.scalars(select(SearchSynonymGroup)):
        session.delete(row)
    session.flush()
    for group in groups:
        session.add(SearchSynonymGroup(phrases=group))
    session.flush()
    audit.record_change(
        session, SYNONYMS, "all", "update", {"groups": before}, {"groups": groups}, provenance
    )
    return groups


def search(
    session: Session,
    text: str,
    filters: dict[str, str],
    page: int,
    page_size: int,
    with_facets: bool = False,
) -> Answer:
    index_dir = current_app.config["INDEX_DIR"]
    groups = synonym_groups(session)
    try:
        searcher = _searcher(index_dir)
        result = query.search(searcher, text, groups, filters, page, page_size, with_facets)
        stale_after = current_app.config["INDEX_STALE_AFTER"]
        return Answer(result, _staleness(lag(session, index_dir), stale_after))
    except UNREADABLE as error:
        _forget(index_dir)
        reason = f"{type(error).__name__}: {error}"
        logger.warning("search index unavailable (%s); answering from the database", reason)
        return Answer(
            _from_database(session, text, filters, page, page_size), reason, source="database"
        )


@dataclass(frozen=True)
class Lag:
    """How far the index is behind: changes not yet in it, and the age of the oldest."""

    changes: int
    seconds: float


def lag(session: Session, index_dir: str) -> Lag:
    path = index.current_path(index_dir)
    if path is None:
        raise EmptyIndexError("no index")
    indexed = index.read_state(path).seq
    head = audit.head_seq(session)
    if head <= indexed:
        return Lag(0, 0.0)
    oldest = session.scalar(select(AuditEntry.at).where(AuditEntry.seq == indexed + 1))
    if oldest is None:  # the trail was restored from an export: judge by count alone
        return Lag(head - indexed, float("inf"))
    if oldest.tzinfo is None:  # SQLite gives back naive UTC
        oldest = oldest.replace(tzinfo=UTC)
    return Lag(head - indexed, max(0.0, (datetime.now(UTC) - oldest).total_seconds()))


def _staleness(behind: Lag, stale_after: float) -> str | None:
    """Why the index's answers may miss recent changes, if the follower has fallen behind."""
    if behind.changes and behind.seconds > stale_after:
        return (
            f"stale index: {behind.changes} changes behind, the oldest {behind.seconds:.0f} s ago "
            "(the index follower cannot update it: see its log)"
        )
    return None


_local = threading.local()  # whoosh searchers are not shared between threads


def _searcher(index_dir: str) -> Searcher:
    """This thread's searcher of the current index, refreshed when the index has changed.

    Opening a searcher reads the index's table of contents and segment headers; keeping one per
    thread, reopened only when the index has a new generation, saves that on every query.
    """
    path = index.current_path(index_dir)
    if path is None:
        raise EmptyIndexError("no index")
    cache: dict[str, tuple[Path, Searcher]] = _local.__dict__.setdefault("searchers", {})
    cached = cache.get(index_dir)
    if cached is not None and cached[0] == path:
        searcher = cached[1]
        if searcher._ix.latest_generation() == searcher.reader().generation():
            return searcher
    # Not whoosh's ``refresh``: it reuses the readers of segments that only gained deletions,
    # so a re-indexed record would still be found under its old text.
    if cached is not None:
        cached[1].close()
    ix = index.open_current(index_dir)
    if ix is None:
        raise EmptyIndexError("no index")
    searcher = ix.searcher(weighting=query.WEIGHTING)
    cache[index_dir] = (path, searcher)
    return searcher


def warm(app: Flask) -> None:
    """Read the index's field lengths before the first request; a missing or unreadable index
    is logged (the first request answers from the database, and /readyz says why)."""
    try:
        searcher = _searcher(app.config["INDEX_DIR"])
        evaluate.view(searcher, query.WEIGHTING).warm(("all", "title"))
    except UNREADABLE as error:
        logger.warning("search index not warmed: %s", type(error).__name__)
        return
    logger.info("search index warmed: %d documents", searcher.doc_count())


def _forget(index_dir: str) -> None:
    cached = _local.__dict__.get("searchers", {}).pop(index_dir, None)
    if cached is not None:
        try:
            cached[1].close()
        except UNREADABLE:
            pass


def status(app: Flask, session: Session) -> str:
    """The ``search`` check of /readyz: "ok …", or why search is degraded."""
    try:
        documents = index.check_readable(app.config["INDEX_DIR"])
        behind = lag(session, app.config["INDEX_DIR"])
    except EmptyIndexError:
        return "degraded: no index (run `registry reindex`); searching the database"
    except UNREADABLE as error:
        return f"degraded: unreadable index ({type(error).__name__}); searching the database"
    stale = _staleness(behind, app.config["INDEX_STALE_AFTER"])
    if stale:
        return f"degraded: {stale}; searching the index as it is"
    return f"ok: {documents} documents, {behind.changes} changes behind"


def _from_database(
    session: Session, text: str, filters: dict[str, str], page: int, page_size: int
) -> query.Result:
    """Records whose folded text has the most of the query's words (or their stems), names
    first. Plainer than the index and slower on a large registry, but it answers."""
    words = turkish.fold(text).split()[: query.MAX_WORDS]
    if not words:
        return query.Result(0, [])
    probes = [{word, *terms(word)} for word in words]
    found: list[tuple[float, query.Hit]] = []
    for kind, (stmt, column) in _database_kinds().items():
        if filters.get("type") not in (None, kind):
            continue
        anything = or_(*(column.contains(p, autoescape=True) for group in probes for p in group))
        for record_id, title, searchable in session.execute(
            stmt.add_columns(column).where(anything).limit(FALLBACK_CANDIDATES)
        ):
            matched = sum(1 for group in probes if any(p in searchable for p in group))
            in_title = sum(1 for group in probes if any(p in turkish.fold(title) for p in group))
            score = matched + in_title / 2
            found.append((score, query.Hit(kind, str(record_id), title, title, score, None)))
    found.sort(key=lambda pair: (-pair[0], turkish.sort_key(pair[1].title)))
    start = (page - 1) * page_size
    return query.Result(len(found), [hit for _, hit in found[start : start + page_size]])


def _database_kinds() -> dict[str, tuple[Any, Any]]:
    return {
        "service": (
            select(Service.code, Service.name).where(Service.status == RecordStatus.ACTIVE),
            Service.search_text,
        ),
        "organization": (
            select(Organization.detsis_no, OrganizationVersion.name)
            .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
            .where(tree.in_force(today()), OrganizationVersion.status == Status.ACTIVE),
            OrganizationVersion.search_text,
        ),
        "legislation": (select(Legislation.id, Legislation.title), Legislation.search_text),
        "document": (
            select(Document.code, Document.name).where(Document.status == RecordStatus.ACTIVE),
            Document.search_text,
        ),
    }
