"""The ebys role: read-only machine clients of one institution (issue 23)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin')"
SCOPE_BEFORE = "(role IN ('coordinator', 'institution_approver')) = (organization_id IS NOT NULL)"
ROLES_AFTER = "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin', 'ebys')"
SCOPE_AFTER = (
    "(role IN ('coordinator', 'institution_approver', 'ebys')) = (organization_id IS NOT NULL)"
)


def _replace(role: str, scope: str) -> None:
    # batch mode: SQLite rebuilds the table to change a CHECK constraint.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_scope"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), role)
        batch_op.create_check_constraint(op.f("ck_users_scope"), scope)


def upgrade() -> None:
    _replace(ROLES_AFTER, SCOPE_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE role = 'ebys')")
    op.execute("DELETE FROM users WHERE role = 'ebys'")
    _replace(ROLES_BEFORE, SCOPE_BEFORE)
