"""EBYS facts of every unit as a projection (issue 27)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

NUMBER = sa.String(length=8).with_variant(sa.String(length=8, collation="C"), "postgresql")
PATH = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")
SORT_KEY = sa.String(length=600).with_variant(sa.String(length=600, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "ebys_facts",
        sa.Column("detsis_no", NUMBER, nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("sort_key", SORT_KEY, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("corresponds_externally", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("has_kep", sa.Boolean(), nullable=False),
        sa.Column("own_kep", sa.JSON(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_xml", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("detsis_no", name=op.f("pk_ebys_facts")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_ebys_facts_organization_id")),
    )
    with op.batch_alter_table("ebys_facts", schema=None) as batch_op:
        batch_op.create_index("ix_ebys_facts_path", ["path"])
        batch_op.create_index("ix_ebys_facts_changed_at", ["changed_at"])
    op.create_table(
        "ebys_facts_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "rebuilt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ebys_facts_state")),
    )


def downgrade() -> None:
    op.drop_table("ebys_facts_state")
    op.drop_table("ebys_facts")
