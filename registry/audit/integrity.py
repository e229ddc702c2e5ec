"""``registry audit verify``: the audit trail, the record ledger, every row, and the checkpoints.

In this order, each relying on the one before: the audit chain recomputed; the ledger chain
recomputed; each audit entry's tie to the ledger (the ledger head it recorded is the ledger's
entry at that seq); every current row of every tracked table against its latest ledger entry;
then each signed checkpoint (from outside the database) against both chains.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session, aliased

from registry.audit import checkpoints as signed
from registry.audit import ledger as records
from registry.audit import trail as audit
from registry.audit.models import AuditEntry, RecordLedgerEntry


@dataclass
class IntegrityReport:
    audit: audit.VerifyResult
    ledger: records.ChainResult
    tables: int = 0
    rows: int = 0
    discrepancies: list[records.Discrepancy] = field(default_factory=list)
    untied: list[int] = field(default_factory=list)  # audit entries not tied to the ledger
    checkpoints: int = 0
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return (
            self.audit.first_bad_seq is None
            and self.ledger.first_bad_seq is None
            and not self.discrepancies
            and not self.untied
            and not self.checkpoint_problems
        )

    def problems(self) -> list[str]:
        """One line per problem, the first of each kind first."""
        lines = []
        if self.audit.first_bad_seq is not None:
            lines.append(
                f"audit trail BROKEN at entry {self.audit.first_bad_seq}: {self.audit.problem} "
                f"({self.audit.checked} entries verified before it)"
            )
        if self.ledger.first_bad_seq is not None:
            lines.append(
                f"record ledger BROKEN at entry {self.ledger.first_bad_seq}: "
                f"{self.ledger.problem} ({self.ledger.checked} entries verified before it)"
            )
        lines.extend(
            f"audit entry {seq} is not tied to the record ledger (its ledger head differs)"
            for seq in self.untied
        )
        lines.extend(f"record {d.describe()}" for d in self.discrepancies)
        lines.extend(self.checkpoint_problems)
        return lines


def verify_all(
    session: Session,
    checkpoints: Iterable[signed.SignedCheckpoint] = (),
    key: Ed25519PublicKey | None = None,
    *,
    skip_tables: Collection[str] = (),
) -> IntegrityReport:
    """Everything ``registry audit verify`` checks; ``skip_tables`` are not compared row by row
    (a partial restore's blanked tables)."""
    report = IntegrityReport(audit.verify(session), records.verify_chain(session.connection()))
    connection = session.connection()
    report.untied = untied_entries(session)
    report.tables, report.rows, report.discrepancies = records.compare_all(connection, skip_tables)
    if report.audit.first_bad_seq is None and report.ledger.first_bad_seq is None:
        report.checkpoints, report.checkpoint_problems = signed.check(connection, checkpoints, key)
    return report


def untied_entries(session: Session, limit: int = 100) -> list[int]:
    """Audit entries whose recorded ledger head is not the ledger's entry at that seq."""
    ledger_entry = aliased(RecordLedgerEntry)
    rows = session.scalars(
        sa.select(AuditEntry.seq)
        .outerjoin(ledger_entry, ledger_entry.seq == AuditEntry.ledger_seq)
        .where(
            AuditEntry.ledger_seq.is_not(None),
            sa.or_(
                sa.and_(AuditEntry.ledger_seq == 0, AuditEntry.ledger_hash != records.GENESIS_HASH),
                sa.and_(
                    AuditEntry.ledger_seq > 0,
                    sa.or_(ledger_entry.seq.is_(None), ledger_entry.hash != AuditEntry.ledger_hash),
                ),
            ),
        )
        .order_by(AuditEntry.seq)
        .limit(limit)
    )
    return list(rows)
