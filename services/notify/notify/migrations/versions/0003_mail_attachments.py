"""mail attachments (a forwarded document's PDF)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_attachments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('mail_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mail.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_mail_attachments_mail_id', 'mail_attachments', ['mail_id'], unique=False)


def downgrade():
    op.drop_index('ix_mail_attachments_mail_id', table_name='mail_attachments')
    op.drop_table('mail_attachments')
