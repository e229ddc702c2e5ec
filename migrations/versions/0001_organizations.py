"""organizations: identities, versions, links, DETSİS numbers

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 19:41:25.656492
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('detsis_numbers',
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("length(number) = 8 AND substr(number, 1, 1) <> '0'", name=op.f('ck_detsis_numbers_format')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_detsis_numbers'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('detsis_no', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['detsis_no'], ['detsis_numbers.number'], name=op.f('fk_organizations_detsis_no_detsis_numbers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('detsis_no', name=op.f('uq_organizations_detsis_no'))
    )
    op.create_table('organization_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.CheckConstraint('predecessor_id <> successor_id', name=op.f('ck_organization_links_not_self')),
    sa.ForeignKeyConstraint(['predecessor_id'], ['organizations.id'], name=op.f('fk_organization_links_predecessor_id_organizations')),
    sa.ForeignKeyConstraint(['successor_id'], ['organizations.id'], name=op.f('fk_organization_links_successor_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_links')),
    sa.UniqueConstraint('predecessor_id', 'successor_id', name='uq_organization_links_pair')
    )
    with op.batch_alter_table('organization_links', schema=None) as batch_op:
        batch_op.create_index('ix_organization_links_successor', ['successor_id'], unique=False)

    op.create_table('organization_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=True),
    sa.Column('english_name', sa.String(length=300), nullable=True),
    sa.Column('search_text', sa.String(length=420), nullable=False),
    sa.Column('sort_key', sa.String(length=600).with_variant(sa.String(length=600, collation='C'), 'postgresql'), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('unit_type', sa.String(length=80), nullable=True),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('fax', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('web', sa.String(length=300), nullable=True),
    sa.Column('kep_addresses', sa.JSON(), nullable=False),
    sa.Column('certificate_pem', sa.Text(), nullable=True),
    sa.Column('corresponds_externally', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=True),
    sa.CheckConstraint("level IN ('central', 'provincial', 'abroad')", name=op.f('ck_organization_versions_level')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_organization_versions_status')),
    sa.CheckConstraint('province_code IS NULL OR (province_code BETWEEN 1 AND 81)', name=op.f('ck_organization_versions_province_code')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_organization_versions_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_versions_organization_id_organizations')),
    sa.ForeignKeyConstraint(['parent_id'], ['organizations.id'], name=op.f('fk_organization_versions_parent_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_versions')),
    sa.UniqueConstraint('organization_id', 'version', name='uq_organization_versions_org_version')
    )
    with op.batch_alter_table('organization_versions', schema=None) as batch_op:
        batch_op.create_index('ix_organization_versions_org_from', ['organization_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_organization_versions_parent_from', ['parent_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_organization_versions_sort_key', ['sort_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('organization_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_organization_versions_sort_key')
        batch_op.drop_index('ix_organization_versions_parent_from')
        batch_op.drop_index('ix_organization_versions_org_from')

    op.drop_table('organization_versions')
    with op.batch_alter_table('organization_links', schema=None) as batch_op:
        batch_op.drop_index('ix_organization_links_successor')

    op.drop_table('organization_links')
    op.drop_table('organizations')
    op.drop_table('detsis_numbers')
