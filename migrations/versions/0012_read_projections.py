"""Projections for expensive public reads (issue 20)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CODE = sa.String(length=24).with_variant(sa.String(length=24, collation="C"), "postgresql")
NUMBER = sa.String(length=8).with_variant(sa.String(length=8, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "projection_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "rebuilt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_state")),
    )
    op.create_table(
        "once_only_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("service_name", sa.String(length=500), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("organization_no", NUMBER, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("document_code", CODE, nullable=False),
        sa.Column("document_name", sa.String(length=300), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("issuer_no", NUMBER, nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=False),
        sa.Column("issuer_unit_no", NUMBER, nullable=False),
        sa.Column("annual_volume", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("same_institution", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_once_only_rows")),
    )
    with op.batch_alter_table("once_only_rows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_once_only_rows_order", ["rank", "service_code", "document_code", "issuer_no"]
        )
        batch_op.create_index("ix_once_only_rows_pair", ["issuer_id", "organization_id"])
        for column in ("service_id", "unit_id", "organization_id", "document_id", "issuer_unit_id"):
            batch_op.create_index(batch_op.f(f"ix_once_only_rows_{column}"), [column])
    op.create_table(
        "dataflow_issuers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataflow_issuers")),
    )
    with op.batch_alter_table("dataflow_issuers", schema=None) as batch_op:
        for column in ("document_id", "unit_id", "service_id"):
            batch_op.create_index(batch_op.f(f"ix_dataflow_issuers_{column}"), [column])
    op.create_table(
        "dataflow_edges",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("source_no", NUMBER, nullable=False),
        sa.Column("target_no", NUMBER, nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("service_count", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("source_id", "target_id", name=op.f("pk_dataflow_edges")),
    )
    with op.batch_alter_table("dataflow_edges", schema=None) as batch_op:
        batch_op.create_index("ix_dataflow_edges_order", ["source_no", "target_no"])
        batch_op.create_index(batch_op.f("ix_dataflow_edges_target_id"), ["target_id"])


def downgrade() -> None:
    op.drop_table("dataflow_edges")
    op.drop_table("dataflow_issuers")
    op.drop_table("once_only_rows")
    op.drop_table("projection_state")
