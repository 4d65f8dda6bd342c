"""portal preferences: show sales orders, show projects and timesheets

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations') as batch:
        batch.add_column(sa.Column('portal_show_sales_orders', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('portal_show_projects', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('organizations') as batch:
        batch.drop_column('portal_show_projects')
        batch.drop_column('portal_show_sales_orders')
