"""One satisfaction rating per client, service and day (issue 25)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_rating_claims",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_survey_rating_claims_service_id_services"),
        ),
        sa.PrimaryKeyConstraint(
            "service_id", "rated_on", "client_key", name=op.f("pk_survey_rating_claims")
        ),
    )


def downgrade() -> None:
    op.drop_table("survey_rating_claims")
