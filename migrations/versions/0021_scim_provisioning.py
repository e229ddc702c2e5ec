"""HR provisioning over SCIM 2.0: the hr role and personnel links (issue 24)

The ``hr`` role (an institution's HR system) and ``personnel`` (a person HR provisioned who has
no registry role yet, or lost it on a move to another institution), both given an organization;
and the HR system's id of an account, the person's name in parts, as SCIM carries them, and
when the HR system deleted the account.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin', 'ebys')"
SCOPE_BEFORE = (
    "(role IN ('coordinator', 'institution_approver', 'ebys')) = (organization_id IS NOT NULL)"
)
ROLES_AFTER = (
    "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin', 'ebys', 'hr', "
    "'personnel')"
)
SCOPE_AFTER = (
    "(role IN ('coordinator', 'institution_approver', 'ebys', 'hr', 'personnel')) = "
    "(organization_id IS NOT NULL)"
)


def upgrade() -> None:
    # batch mode: SQLite rebuilds the table to change a CHECK constraint.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("given_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("family_name", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("deleted_by_hr_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_scope"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), ROLES_AFTER)
        batch_op.create_check_constraint(op.f("ck_users_scope"), SCOPE_AFTER)


def downgrade() -> None:
    # Accounts of the two new roles cannot exist before this revision: their tokens and
    # sessions go with them (as 0018's downgrade does for ebys).
    gone = "SELECT id FROM users WHERE role IN ('hr', 'personnel')"
    op.execute(f"DELETE FROM api_tokens WHERE user_id IN ({gone})")
    op.execute(f"DELETE FROM sign_in_sessions WHERE user_id IN ({gone})")
    op.execute("DELETE FROM users WHERE role IN ('hr', 'personnel')")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_scope"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), ROLES_BEFORE)
        batch_op.create_check_constraint(op.f("ck_users_scope"), SCOPE_BEFORE)
        batch_op.drop_column("deleted_by_hr_at")
        batch_op.drop_column("family_name")
        batch_op.drop_column("given_name")
        batch_op.drop_column("external_id")
