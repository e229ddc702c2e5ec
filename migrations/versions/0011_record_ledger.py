"""Tamper evidence: record-state ledger and checkpoints (issue 20)

The ledger starts empty; ``migrations/env.py`` seals the rows already there (their state is
recorded with the revision as its source) once the schema reaches the models' revision, as it
does after every later migration. Audit entries older than the ledger keep NULL ledger fields
(their hashes were computed without them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_ledger",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_record_ledger")),
    )
    op.create_index(
        "ix_record_ledger_row", "record_ledger", ["table_name", "row_key", "seq"], unique=False
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.execute("INSERT INTO ledger_head (id, last_seq, last_hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.Column("ledger_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    # Plain ALTER TABLE … ADD COLUMN: nullable columns need no table rebuild on SQLite.
    op.add_column("audit_log", sa.Column("ledger_seq", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("ledger_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE audit_log DROP COLUMN ledger_hash")
    op.execute("ALTER TABLE audit_log DROP COLUMN ledger_seq")
    op.drop_table("audit_checkpoints")
    op.drop_table("ledger_head")
    op.drop_index("ix_record_ledger_row", table_name="record_ledger")
    op.drop_table("record_ledger")
