"""The search index on disk: built whole into a new directory and swapped in, then kept current.

Layout under ``INDEX_DIR``::

    current -> build-20261121T210000-1234   (a symlink, replaced atomically)
    build-20261121T210000-1234/              (a whoosh index, and state.json: the audit seq)

``rebuild`` writes a complete index into a fresh ``build-*`` directory, then points ``current``
at it with one ``os.replace`` of a symlink, so a reader opens either the old index or the new
one, never a half-built one; older builds are then removed. ``catch_up`` applies the changes
recorded in the audit trail since the index's seq. Both write, so both take ``writer_lock``:
there is only ever one writer (``registry reindex``, or the follower process ``registry serve``
starts), never the request handlers of several workers.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import Index
from whoosh.query import Every
from whoosh.writing import IndexWriter

from registry.audit import trail as audit
from registry.catalogue.models import RecordStatus, Service
from registry.kernel.clock import today
from registry.organizations import tree
from registry.organizations.models import Organization
from registry.search import records
from registry.search.analysis import FoldingFilter, TurkishAnalyzer

logger = logging.getLogger(__name__)
CURRENT = "current"
STATE = "state.json"
LOCK = "writer.lock"
TRACKED = tuple(records.ENTITY_TYPES)
# What opening or reading a damaged index raises (whoosh has no one error type for it).
UNREADABLE_INDEX = (
    whoosh_index.IndexError,  # also EmptyIndexError and IndexVersionError
    OSError,
    ValueError,
    KeyError,
    EOFError,
    struct.error,
)
_BATCH = 500


def schema() -> Schema:
    turkish = TurkishAnalyzer()
    return Schema(
        uid=ID(unique=True, stored=True),
        type=ID(stored=True),
        id=ID(stored=True),
        # Every word of the record, for matching: one posting list per query word.
        all=TEXT(analyzer=turkish, phrase=False),
        # The name again, for ranking: names holding the query words (side by side) come first.
        title=TEXT(analyzer=turkish, stored=True, field_boost=3.0, phrase=True),
        body=STORED(),
        context=STORED(),
        # Folded but not stemmed: what a typo is corrected against.
        words=TEXT(analyzer=RegexTokenizer(r"\w+") | FoldingFilter(), phrase=False),
        organization=ID(stored=True),
        province=ID(stored=True),
        length=STORED(),
    )


@dataclass(frozen=True)
class State:
    seq: int
    built_at: str
    documents: int


def _directory(index_dir: str) -> Path:
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def writer_lock(index_dir: str) -> Iterator[None]:
    """Exclusive across processes: one writer at a time for this index directory."""
    with open(_directory(index_dir) / LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_path(index_dir: str) -> Path | None:
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def read_state(path: Path) -> State:
    data = json.loads((path / STATE).read_text("utf-8"))
    return State(int(data["seq"]), str(data["built_at"]), int(data["documents"]))


def _write_state(path: Path, state: State) -> None:
    temporary = path / f"{STATE}.tmp"
    temporary.write_text(json.dumps(state.__dict__), "utf-8")
    os.replace(temporary, path / STATE)


def _fields(document: records.SearchDocument) -> dict[str, object]:
    return {
        "uid": document.uid,
        "type": document.type,
        "id": document.id,
        "all": f"{document.title} {document.body} {document.context}",
        "title": document.title,
        "body": document.body,
        "context": document.context,
        "words": f"{document.title} {document.body} {document.context}",
        "organization": document.organization,
        "province": document.province,
        "length": len(document.title),
    }


def rebuild(session: Session, index_dir: str) -> State:
    """Build the whole index from the database into a new directory and swap it in."""
    with writer_lock(index_dir):
        seq = audit.head_seq(session)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        build = _directory(index_dir) / f"build-{stamp}-{os.getpid()}-{time.monotonic_ns()}"
        build.mkdir()
        try:
            ix = whoosh_index.create_in(str(build), schema())
            with _writing(ix, optimize=True, limitmb=256) as writer:
                count = 0
                for document in records.everything(session):
                    writer.add_document(**_fields(document))
                    count += 1
            state = State(seq, datetime.now(UTC).isoformat(timespec="seconds"), count)
            _write_state(build, state)
        except BaseException:
            # A full disk or a failed read: leave the current index alone, and no half build.
            shutil.rmtree(build, ignore_errors=True)
            raise
        link = Path(index_dir) / CURRENT
        temporary = Path(index_dir) / f"{CURRENT}.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(build.name)
        os.replace(temporary, link)  # atomic: readers see the old build or the new one
        for old in Path(index_dir).glob("build-*"):
            if old != build:
                shutil.rmtree(old, ignore_errors=True)
        logger.info("search index rebuilt: %d documents at seq %d", count, seq)
        return state


def catch_up(session: Session, index_dir: str) -> int:
    """Apply the changes recorded since the index's seq; the number of records re-indexed."""
    with writer_lock(index_dir):
        path = current_path(index_dir)
        if path is None:
            raise FileNotFoundError("no search index to update: run `registry reindex`")
        state = read_state(path)
        head = audit.head_seq(session)
        if head <= state.seq:
            return 0
        changed = {
            records.ENTITY_TYPES[entity]: ids
            for entity, ids in audit.changed_since(session, state.seq, head, TRACKED).items()
        }
        _widen_organization_changes(session, changed)
        count = 0
        with _writing(whoosh_index.open_dir(str(path))) as writer:
            for type_, ids in changed.items():
                ordered = sorted(ids)
                for start in range(0, len(ordered), _BATCH):
                    chunk = ordered[start : start + _BATCH]
                    for record_id in chunk:
                        writer.delete_by_term("uid", f"{type_}:{record_id}")
                    for document in records.some(session, type_, chunk):
                        writer.add_document(**_fields(document))
                    count += len(chunk)
        # Written after the commit: a failure in between re-applies these changes next time.
        _write_state(path, State(head, state.built_at, state.documents))
        return count


@contextmanager
def _writing(ix: Index, optimize: bool = False, limitmb: int = 128) -> Iterator[IndexWriter]:
    """A whoosh writer, committed at the end or abandoned if anything fails (a full disk, an
    unwritable directory): abandoning releases whoosh's own write lock, so the next try can run."""
    writer = ix.writer(limitmb=limitmb)
    try:
        yield writer
        writer.commit(optimize=optimize)
    except BaseException:
        _abandon(writer)
        raise


def _abandon(writer: IndexWriter) -> None:
    try:
        writer.cancel()
    except UNREADABLE_INDEX:  # cancelling writes too; on a full disk it may fail again
        if getattr(writer, "writelock", None) is not None:
            writer.writelock.release()


def _widen_organization_changes(session: Session, changed: dict[str, set[str]]) -> None:
    """A renamed or moved unit changes the text of the units and services under it."""
    numbers = changed.get("organization")
    if not numbers:
        return
    ids = dict(
        session.execute(
            select(Organization.detsis_no, Organization.id).where(
                Organization.detsis_no.in_(list(numbers))
            )
        ).all()
    )
    below: set[int] = set()
    for org_id in ids.values():
        below.update(tree.subtree_ids(session, org_id, today()))
    numbers.update(tree.numbers_of(session, below).values())
    services = session.scalars(
        select(Service.code).where(
            Service.organization_id.in_(list(below)), Service.status == RecordStatus.ACTIVE
        )
    )
    changed.setdefault("service", set()).update(services)


def open_current(index_dir: str) -> Index | None:
    path = current_path(index_dir)
    if path is None:
        return None
    return whoosh_index.open_dir(str(path))


def check_readable(index_dir: str) -> int:
    """The number of documents, read through the index: raises one of UNREADABLE_INDEX if not."""
    ix = open_current(index_dir)
    if ix is None:
        raise whoosh_index.EmptyIndexError("no index")
    with ix.searcher() as searcher:
        searcher.search(Every(), limit=1)
        return int(searcher.doc_count())
