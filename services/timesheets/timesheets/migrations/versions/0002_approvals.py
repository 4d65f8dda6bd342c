"""approvals: the table the portal counts (awaiting the customer)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approvals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('project_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'viewed', 'approved', 'rejected')", name='ck_approvals_status'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_approvals_org_customer_status', 'approvals', ['organization_id', 'customer_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_approvals_org_customer_status', table_name='approvals')
    op.drop_table('approvals')
