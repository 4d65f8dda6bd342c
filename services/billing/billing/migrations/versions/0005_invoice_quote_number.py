"""invoices: the quote an invoice was raised from

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.add_column(sa.Column('quote_number', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.drop_column('quote_number')
