"""Reference data for EBYS: file plan, places, code tables, managers, identifiers, budget
types, officers' contacts, e-Yazışma versions (issue 22)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('categories',
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('plural_name', sa.String(length=100), nullable=True),
    sa.Column('parent_code', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_categories_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_categories_valid_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('key', 'version', name='uq_categories_key_version')
    )
    op.create_index('ix_categories_code', 'categories', ['code'], unique=False)
    op.create_index('ix_categories_key_from', 'categories', ['key', 'valid_from'], unique=False)
    op.create_table('places',
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=True),
    sa.Column('area_code', sa.String(length=10), nullable=True),
    sa.Column('country_code', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("kind IN ('province', 'district', 'country')", name=op.f('ck_places_kind')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_places_status')),
    sa.CheckConstraint('number > 0', name=op.f('ck_places_number')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_places_valid_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('key', 'version', name='uq_places_key_version')
    )
    op.create_index('ix_places_key_from', 'places', ['key', 'valid_from'], unique=False)
    op.create_index('ix_places_number', 'places', ['number'], unique=False)
    op.create_table('unit_types',
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('plural_name', sa.String(length=100), nullable=True),
    sa.Column('parent_code', sa.Integer(), nullable=True),
    sa.Column('addressee_cut', sa.String(length=40), nullable=True),
    sa.Column('addressee_add', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_unit_types_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_unit_types_valid_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_types')),
    sa.UniqueConstraint('key', 'version', name='uq_unit_types_key_version')
    )
    op.create_index('ix_unit_types_code', 'unit_types', ['code'], unique=False)
    op.create_index('ix_unit_types_key_from', 'unit_types', ['key', 'valid_from'], unique=False)
    op.create_table('budget_profiles',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('budget_type', sa.String(length=30), nullable=False),
    sa.Column('legal_entity', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("budget_type IN ('general_budget', 'special_budget', 'regulatory_body', 'social_security', 'local_administration', 'state_enterprise', 'revolving_fund', 'other')", name=op.f('ck_budget_profiles_budget_type')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_budget_profiles_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_budget_profiles_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_budget_profiles_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_profiles')),
    sa.UniqueConstraint('key', 'version', name='uq_budget_profiles_key_version')
    )
    op.create_index('ix_budget_profiles_key_from', 'budget_profiles', ['key', 'valid_from'], unique=False)
    op.create_index('ix_budget_profiles_organization', 'budget_profiles', ['organization_id'], unique=False)
    op.create_table('eyp_versions',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('package_version', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_eyp_versions_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_eyp_versions_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_eyp_versions_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eyp_versions')),
    sa.UniqueConstraint('key', 'version', name='uq_eyp_versions_key_version')
    )
    op.create_index('ix_eyp_versions_key_from', 'eyp_versions', ['key', 'valid_from'], unique=False)
    op.create_index('ix_eyp_versions_organization', 'eyp_versions', ['organization_id'], unique=False)
    op.create_table('file_plan_codes',
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('retention_unit_years', sa.Integer(), nullable=True),
    sa.Column('retention_archive_years', sa.Integer(), nullable=True),
    sa.Column('disposition', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('group_start', sa.String(length=20), nullable=True),
    sa.Column('group_end', sa.String(length=20), nullable=True),
    sa.Column('search_text', sa.String(length=400), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("disposition IS NULL OR disposition IN ('archive', 'review', 'destroy')", name=op.f('ck_file_plan_codes_disposition')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_file_plan_codes_status')),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_file_plan_codes_level')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_file_plan_codes_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_file_plan_codes_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_plan_codes')),
    sa.UniqueConstraint('key', 'version', name='uq_file_plan_codes_key_version')
    )
    op.create_index('ix_file_plan_codes_key_from', 'file_plan_codes', ['key', 'valid_from'], unique=False)
    op.create_index('ix_file_plan_codes_organization_code', 'file_plan_codes', ['organization_id', 'code'], unique=False)
    op.create_table('manager_posts',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('appointment', sa.String(length=20), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=True),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("appointment IN ('asaleten', 'vekaleten', 'gorevlendirme')", name=op.f('ck_manager_posts_appointment')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_manager_posts_status')),
    sa.CheckConstraint('until IS NULL OR until >= since', name=op.f('ck_manager_posts_post_range')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_manager_posts_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_manager_posts_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager_posts')),
    sa.UniqueConstraint('key', 'version', name='uq_manager_posts_key_version')
    )
    op.create_index('ix_manager_posts_key_from', 'manager_posts', ['key', 'valid_from'], unique=False)
    op.create_index('ix_manager_posts_organization', 'manager_posts', ['organization_id', 'since'], unique=False)
    op.create_index('ix_manager_posts_person', 'manager_posts', ['person_key'], unique=False)
    op.create_table('unit_identifiers',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('uets', sa.String(length=20), nullable=True),
    sa.Column('kutuk_no', sa.String(length=30), nullable=True),
    sa.Column('tax_no', sa.String(length=10), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_unit_identifiers_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_unit_identifiers_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_unit_identifiers_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_identifiers')),
    sa.UniqueConstraint('key', 'version', name='uq_unit_identifiers_key_version')
    )
    op.create_index('ix_unit_identifiers_key_from', 'unit_identifiers', ['key', 'valid_from'], unique=False)
    op.create_index('ix_unit_identifiers_kutuk_no', 'unit_identifiers', ['kutuk_no'], unique=False)
    op.create_index('ix_unit_identifiers_organization', 'unit_identifiers', ['organization_id'], unique=False)
    op.create_index('ix_unit_identifiers_uets', 'unit_identifiers', ['uets'], unique=False)
    op.create_table('officer_contacts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_officer_contacts_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_officer_contacts_valid_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_officer_contacts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_officer_contacts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officer_contacts')),
    sa.UniqueConstraint('key', 'version', name='uq_officer_contacts_key_version')
    )
    op.create_index('ix_officer_contacts_key_from', 'officer_contacts', ['key', 'valid_from'], unique=False)
    op.create_index('ix_officer_contacts_organization', 'officer_contacts', ['organization_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_officer_contacts_organization', table_name='officer_contacts')
    op.drop_index('ix_officer_contacts_key_from', table_name='officer_contacts')
    op.drop_table('officer_contacts')
    op.drop_index('ix_unit_identifiers_uets', table_name='unit_identifiers')
    op.drop_index('ix_unit_identifiers_organization', table_name='unit_identifiers')
    op.drop_index('ix_unit_identifiers_kutuk_no', table_name='unit_identifiers')
    op.drop_index('ix_unit_identifiers_key_from', table_name='unit_identifiers')
    op.drop_table('unit_identifiers')
    op.drop_index('ix_manager_posts_person', table_name='manager_posts')
    op.drop_index('ix_manager_posts_organization', table_name='manager_posts')
    op.drop_index('ix_manager_posts_key_from', table_name='manager_posts')
    op.drop_table('manager_posts')
    op.drop_index('ix_file_plan_codes_organization_code', table_name='file_plan_codes')
    op.drop_index('ix_file_plan_codes_key_from', table_name='file_plan_codes')
    op.drop_table('file_plan_codes')
    op.drop_index('ix_eyp_versions_organization', table_name='eyp_versions')
    op.drop_index('ix_eyp_versions_key_from', table_name='eyp_versions')
    op.drop_table('eyp_versions')
    op.drop_index('ix_budget_profiles_organization', table_name='budget_profiles')
    op.drop_index('ix_budget_profiles_key_from', table_name='budget_profiles')
    op.drop_table('budget_profiles')
    op.drop_index('ix_unit_types_key_from', table_name='unit_types')
    op.drop_index('ix_unit_types_code', table_name='unit_types')
    op.drop_table('unit_types')
    op.drop_index('ix_places_number', table_name='places')
    op.drop_index('ix_places_key_from', table_name='places')
    op.drop_table('places')
    op.drop_index('ix_categories_key_from', table_name='categories')
    op.drop_index('ix_categories_code', table_name='categories')
    op.drop_table('categories')
