"""Signatories may point to a manager post (issue 22)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SIGNER = (
    "manager_of_id IS NOT NULL OR (name IS NOT NULL AND surname IS NOT NULL AND title IS NOT NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manager_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_signatories_manager_of_id_organizations"),
            "organizations",
            ["manager_of_id"],
            ["id"],
        )
        batch_op.alter_column("name", existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column("surname", existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column("title", existing_type=sa.String(length=200), nullable=True)
        batch_op.create_check_constraint(batch_op.f("ck_signatories_signer"), SIGNER)


def downgrade() -> None:
    # A signatory that names only a post has no written name: it is closed (kept, not deleted),
    # with a dash where the name was, since the old schema cannot say "the post's holder".
    op.execute(
        "UPDATE signatories SET status = 'closed', name = COALESCE(name, '-'), "
        "surname = COALESCE(surname, '-'), title = COALESCE(title, '-') "
        "WHERE name IS NULL OR surname IS NULL OR title IS NULL"
    )
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_signatories_signer"), type_="check")
        batch_op.alter_column("title", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("surname", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("name", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_signatories_manager_of_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("manager_of_id")
