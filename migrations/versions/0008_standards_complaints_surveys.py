"""Published service standards tables, complaints and their events, survey responses; the
complaint answer time of a unit's places of application

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 22:45:24.748234
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_standard_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_service_standard_tables_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_standard_tables")),
        sa.UniqueConstraint(
            "organization_id", "version", name=op.f("uq_service_standard_tables_organization_id")
        ),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=20), nullable=False),
        sa.Column("access_key_hash", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("service_name", sa.String(length=500), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("first_place_id", sa.Integer(), nullable=False),
        sa.Column("second_place_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("response_days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("level IN ('first', 'second')", name=op.f("ck_complaints_level")),
        sa.CheckConstraint(
            "status IN ('received', 'in_review', 'answered', 'closed')",
            name=op.f("ck_complaints_status"),
        ),
        sa.CheckConstraint(
            "subject IN ('table_not_kept', 'extra_documents', 'time_exceeded', 'service_missing')",
            name=op.f("ck_complaints_subject"),
        ),
        sa.CheckConstraint(
            "response_days BETWEEN 1 AND 90", name=op.f("ck_complaints_response_days")
        ),
        sa.ForeignKeyConstraint(
            ["first_place_id"],
            ["organizations.id"],
            name=op.f("fk_complaints_first_place_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_complaints_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["second_place_id"],
            ["organizations.id"],
            name=op.f("fk_complaints_second_place_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_complaints_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_complaints_tracking_code")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_first_place", ["first_place_id", "status"], unique=False
        )
        batch_op.create_index("ix_complaints_open_due", ["status", "level", "due_on"], unique=False)
        batch_op.create_index(
            "ix_complaints_second_place", ["second_place_id", "status"], unique=False
        )

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_survey_responses_score")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_survey_responses_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_survey_responses_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index("ix_survey_responses_organization", ["organization_id"], unique=False)
        batch_op.create_index("ix_survey_responses_service", ["service_id"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=160), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_events_complaint", ["complaint_id", "id"], unique=False)

    with op.batch_alter_table("service_standard_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_standard_contacts", schema=None) as batch_op:
        batch_op.drop_column("response_days")

    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_events_complaint")

    op.drop_table("complaint_events")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_service")
        batch_op.drop_index("ix_survey_responses_organization")

    op.drop_table("survey_responses")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_second_place")
        batch_op.drop_index("ix_complaints_open_due")
        batch_op.drop_index("ix_complaints_first_place")

    op.drop_table("complaints")
    op.drop_table("service_standard_tables")
