"""A unit's registered letterhead and its "Bilgi için" contact person

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 22:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letterhead", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("info_person", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organization_versions", schema=None) as batch_op:
        batch_op.drop_column("info_person")
        batch_op.drop_column("letterhead")
