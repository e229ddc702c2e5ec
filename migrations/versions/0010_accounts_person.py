"""Accounts are people: a person key, deactivation (issue 19)

Existing accounts get no person key (NULL): the registry never held their identifiers, and a
made-up key would falsely state that two accounts are different people. Such an account may still
submit, but it may not approve or reject, and nobody may approve its requests, until an admin sets
its person with ``registry users set-person ID`` (``registry users list --needs-person`` lists
them; docs/security.md, "Accounts and people"). Accounts already inactive are taken as
deactivated at the upgrade.

The ``scope`` CHECK on users stays as it is: a deactivated account keeps the unit it last acted
for as the record of its scope, and the scope ends because the account does. (Changing a CHECK
would make SQLite rebuild ``users``, which every other table references.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_users_person_key"), ["person_key"], unique=False)
    op.execute("UPDATE users SET deactivated_at = CURRENT_TIMESTAMP WHERE NOT active")


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild of ``users`` would fail on
    # the foreign keys of every table that references it.
    op.drop_index(op.f("ix_users_person_key"), table_name="users")
    op.execute("ALTER TABLE users DROP COLUMN deactivated_at")
    op.execute("ALTER TABLE users DROP COLUMN person_key")
