"""quotes: the table the portal counts (awaiting the customer's answer)

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
    op.create_table('quotes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'sent', 'viewed', 'accepted', 'declined', 'expired', 'invoiced')", name='ck_quotes_status'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_quotes_org_customer_status', 'quotes', ['organization_id', 'customer_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_quotes_org_customer_status', table_name='quotes')
    op.drop_table('quotes')
