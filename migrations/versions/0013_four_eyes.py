"""Four eyes on name resolution and synonyms; cross-institution approvals (issue 19)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_request_institutions",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["change_requests.id"],
            name=op.f("fk_change_request_institutions_request_id_change_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["organizations.id"],
            name=op.f("fk_change_request_institutions_institution_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["users.id"],
            name=op.f("fk_change_request_institutions_approved_by_users"),
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "institution_id", name=op.f("pk_change_request_institutions")
        ),
    )
    with op.batch_alter_table("change_request_institutions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_request_institutions_institution", ["institution_id"], unique=False
        )
    # Service requests still waiting for their institution keep waiting for it.
    op.execute(
        "INSERT INTO change_request_institutions (request_id, institution_id) "
        "SELECT id, institution_id FROM change_requests "
        "WHERE entity = 'service' AND status = 'submitted' AND institution_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("change_request_institutions", schema=None) as batch_op:
        batch_op.drop_index("ix_change_request_institutions_institution")
    op.drop_table("change_request_institutions")
