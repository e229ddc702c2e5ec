"""Batches of change requests filed together by an importer

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 23:18:41.513336
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('importer', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_change_batches_submitted_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_batches'))
    )
    with op.batch_alter_table('change_batches', schema=None) as batch_op:
        batch_op.create_index('ix_change_batches_source', ['importer', 'source_sha256'], unique=False)

    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_change_requests_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_change_requests_batch_id_change_batches'), 'change_batches', ['batch_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_change_requests_batch_id_change_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_change_requests_batch_id'))
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('change_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_change_batches_source')

    op.drop_table('change_batches')
