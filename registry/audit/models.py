"""The audit trail of applied changes: a hash chain, and the source of the change feed.

Each entry's hash covers its content and the previous entry's hash, so editing or deleting a row
breaks the chain from there on (``registry audit verify`` finds it). Entries are appended one at a
time under a lock (see ``services.audit``), which also makes ``seq`` order equal commit order: a
reader following the feed by ``seq`` never skips a change committed late.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.kernel.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(160))
    approved_by: Mapped[str | None] = mapped_column(String(160))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The record ledger's head once the change was written: the hash of the record state the
    # entry produced, which ties the two chains (NULL on entries older than the ledger).
    ledger_seq: Mapped[int | None] = mapped_column(Integer)
    ledger_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class AuditHead(Base):
    """One row: the last entry's seq and hash. Appenders lock it, so appends are serialized."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class RecordLedgerEntry(Base):
    """One written state of one row of a tracked table: its hash (NULL: the row was deleted).

    The entries form a second hash chain (``hash`` covers the entry and ``prev_hash``); the
    latest entry of each row is what ``registry audit verify`` compares the row with.
    """

    __tablename__ = "record_ledger"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(200))
    row_hash: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_record_ledger_row", "table_name", "row_key", "seq"),)


class LedgerHead(Base):
    """One row: the record ledger's last seq and hash, locked by appenders like ``audit_head``."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(Base):
    """The heads of both chains at a moment, signed with a key kept outside the database.

    Kept here for publishing (``GET /api/v1/audit/checkpoints``); the copies that count are the
    ones outside: the checkpoint directory and whoever fetched them.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    audit_seq: Mapped[int] = mapped_column(Integer)
    audit_hash: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int] = mapped_column(Integer)
    ledger_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))
