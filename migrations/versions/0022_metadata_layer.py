"""Data elements, e-government applications and data-sharing integrations (issue 26)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # fmt: off
    op.create_table('data_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('data_type', sa.String(length=10), nullable=False),
    sa.Column('format', sa.String(length=200), nullable=True),
    sa.Column('code_list', sa.String(length=300), nullable=True),
    sa.Column('unit', sa.String(length=50), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('legislation_id', sa.Integer(), nullable=True),
    sa.Column('provision', sa.String(length=200), nullable=True),
    sa.Column('personal_data', sa.String(length=10), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("data_type IN ('text', 'integer', 'decimal', 'date', 'datetime', 'boolean', 'code', 'binary')", name=op.f('ck_data_elements_data_type')),
    sa.CheckConstraint("personal_data IN ('none', 'ordinary', 'special')", name=op.f('ck_data_elements_personal_data')),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_data_elements_status')),
    sa.ForeignKeyConstraint(['legislation_id'], ['legislation.id'], name=op.f('fk_data_elements_legislation_id_legislation')),
    sa.ForeignKeyConstraint(['owner_id'], ['organizations.id'], name=op.f('fk_data_elements_owner_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_elements'))
    )
    op.create_index('ix_data_elements_owner', 'data_elements', ['owner_id', 'status'], unique=False)
    op.create_table('integrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('consumer_id', sa.Integer(), nullable=False),
    sa.Column('legislation_id', sa.Integer(), nullable=True),
    sa.Column('provision', sa.String(length=200), nullable=True),
    sa.Column('protocol_no', sa.String(length=100), nullable=True),
    sa.Column('protocol_date', sa.Date(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('api_description', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('web_service', 'file_transfer', 'e_devlet')", name=op.f('ck_integrations_channel')),
    sa.CheckConstraint("status IN ('planned', 'in_use', 'retired')", name=op.f('ck_integrations_status')),
    sa.CheckConstraint('provider_id <> consumer_id', name=op.f('ck_integrations_two_parties')),
    sa.ForeignKeyConstraint(['consumer_id'], ['organizations.id'], name=op.f('fk_integrations_consumer_id_organizations')),
    sa.ForeignKeyConstraint(['legislation_id'], ['legislation.id'], name=op.f('fk_integrations_legislation_id_legislation')),
    sa.ForeignKeyConstraint(['provider_id'], ['organizations.id'], name=op.f('fk_integrations_provider_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrations'))
    )
    op.create_index('ix_integrations_consumer', 'integrations', ['consumer_id', 'status'], unique=False)
    op.create_index('ix_integrations_provider', 'integrations', ['provider_id', 'status'], unique=False)
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('hosting', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("hosting IN ('kamu_net', 'own_data_centre', 'shared_data_centre', 'other')", name=op.f('ck_applications_hosting')),
    sa.CheckConstraint("status IN ('planned', 'in_use', 'retired')", name=op.f('ck_applications_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['organizations.id'], name=op.f('fk_applications_owner_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    op.create_index('ix_applications_owner', 'applications', ['owner_id', 'status'], unique=False)
    op.create_table('document_elements',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_elements_document_id_documents')),
    sa.ForeignKeyConstraint(['element_id'], ['data_elements.id'], name=op.f('fk_document_elements_element_id_data_elements')),
    sa.PrimaryKeyConstraint('document_id', 'element_id', name=op.f('pk_document_elements'))
    )
    op.create_index('ix_document_elements_element', 'document_elements', ['element_id'], unique=False)
    op.create_table('service_elements',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("direction IN ('input', 'output')", name=op.f('ck_service_elements_direction')),
    sa.ForeignKeyConstraint(['element_id'], ['data_elements.id'], name=op.f('fk_service_elements_element_id_data_elements')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_elements_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'element_id', 'direction', name=op.f('pk_service_elements'))
    )
    op.create_index('ix_service_elements_element', 'service_elements', ['element_id'], unique=False)
    op.create_table('integration_elements',
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['data_elements.id'], name=op.f('fk_integration_elements_element_id_data_elements')),
    sa.ForeignKeyConstraint(['integration_id'], ['integrations.id'], name=op.f('fk_integration_elements_integration_id_integrations')),
    sa.PrimaryKeyConstraint('integration_id', 'element_id', name=op.f('pk_integration_elements'))
    )
    op.create_index('ix_integration_elements_element', 'integration_elements', ['element_id'], unique=False)
    op.create_table('application_services',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('e_devlet', 'portal', 'mobile')", name=op.f('ck_application_services_channel')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_services_application_id_applications')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_application_services_service_id_services')),
    sa.PrimaryKeyConstraint('application_id', 'service_id', 'channel', name=op.f('pk_application_services'))
    )
    op.create_index('ix_application_services_service', 'application_services', ['service_id'], unique=False)
    op.create_table('application_integrations',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('offers', 'uses')", name=op.f('ck_application_integrations_role')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_integrations_application_id_applications')),
    sa.ForeignKeyConstraint(['integration_id'], ['integrations.id'], name=op.f('fk_application_integrations_integration_id_integrations')),
    sa.PrimaryKeyConstraint('application_id', 'integration_id', 'role', name=op.f('pk_application_integrations'))
    )
    op.create_index('ix_application_integrations_integration', 'application_integrations', ['integration_id'], unique=False)
    # fmt: on


def downgrade() -> None:
    op.drop_table('application_integrations')
    op.drop_table('application_services')
    op.drop_table('integration_elements')
    op.drop_table('service_elements')
    op.drop_table('document_elements')
    op.drop_table('applications')
    op.drop_table('integrations')
    op.drop_table('data_elements')
