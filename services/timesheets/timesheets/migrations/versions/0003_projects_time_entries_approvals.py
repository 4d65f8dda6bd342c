"""projects, tasks, time entries, approvals of time entries, comments, approval counters

``approvals`` (0002) held only what the portal home counted, with no project and no
entries; no call ever created one (only tests wrote rows). It becomes the customer's
approval of a project's time entries: number, project, period, pending|approved|rejected,
the decision and the first view. Its old rows cannot belong to any project, so they are
removed and the table rebuilt with the new columns (the count's index is kept).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:00:00
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('billing_method', sa.String(length=20), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'inactive')", name='ck_projects_status'),
    sa.CheckConstraint("billing_method IN ('fixed_cost', 'project_hours', 'task_hours', 'staff_hours')",
                       name='ck_projects_billing_method'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_projects_organization_id', 'projects', ['organization_id'])
    op.create_index('ix_projects_org_customer_status', 'projects',
                    ['organization_id', 'customer_id', 'status'])

    op.create_table('tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('billable', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_tasks_organization_id', 'tasks', ['organization_id'])
    op.create_index('ix_tasks_project_id', 'tasks', ['project_id'])

    op.create_table('time_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('staff_name', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('billable', sa.Boolean(), nullable=False),
    sa.Column('billed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('minutes > 0 AND minutes <= 1440', name='ck_time_entries_minutes'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_time_entries_organization_id', 'time_entries', ['organization_id'])
    op.create_index('ix_time_entries_task_id', 'time_entries', ['task_id'])
    op.create_index('ix_time_entries_project_date', 'time_entries', ['project_id', 'date'])

    op.drop_index('ix_approvals_org_customer_status', table_name='approvals')
    op.drop_table('approvals')
    op.create_table('approvals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_contact_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by_name', sa.String(length=200), nullable=True),
    sa.Column('first_viewed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_viewed_by_contact_id', sa.String(length=36), nullable=True),
    sa.Column('submitted_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_approvals_status'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_approvals_org_number')
    )
    op.create_index('ix_approvals_org_customer_status', 'approvals',
                    ['organization_id', 'customer_id', 'status'])
    op.create_index('ix_approvals_project_id', 'approvals', ['project_id'])

    op.create_table('approval_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('approval_id', sa.String(length=36), nullable=False),
    sa.Column('time_entry_id', sa.String(length=36), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['approval_id'], ['approvals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['time_entry_id'], ['time_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_approval_entries_approval_id', 'approval_entries', ['approval_id'])
    op.create_index('ix_approval_entries_time_entry_id', 'approval_entries', ['time_entry_id'])
    op.create_index('uq_approval_entries_active', 'approval_entries', ['time_entry_id'],
                    unique=True, postgresql_where=sa.text('active'),
                    sqlite_where=sa.text('active = 1'))

    op.create_table('comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.Column('author_type', sa.String(length=20), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('show_in_portal', sa.Boolean(), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("target_type IN ('project', 'approval')", name='ck_comments_target_type'),
    sa.CheckConstraint("author_type IN ('staff', 'customer')", name='ck_comments_author_type'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_comments_organization_id', 'comments', ['organization_id'])
    op.create_index('ix_comments_target', 'comments', ['target_type', 'target_id'])

    op.create_table('document_counters',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('prefix', sa.String(length=10), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id', 'prefix')
    )


def downgrade():
    op.drop_table('document_counters')
    op.drop_index('ix_comments_target', table_name='comments')
    op.drop_index('ix_comments_organization_id', table_name='comments')
    op.drop_table('comments')
    op.drop_index('uq_approval_entries_active', table_name='approval_entries')
    op.drop_index('ix_approval_entries_time_entry_id', table_name='approval_entries')
    op.drop_index('ix_approval_entries_approval_id', table_name='approval_entries')
    op.drop_table('approval_entries')
    op.drop_index('ix_approvals_project_id', table_name='approvals')
    op.drop_index('ix_approvals_org_customer_status', table_name='approvals')
    op.drop_table('approvals')
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
    op.drop_index('ix_time_entries_project_date', table_name='time_entries')
    op.drop_index('ix_time_entries_task_id', table_name='time_entries')
    op.drop_index('ix_time_entries_organization_id', table_name='time_entries')
    op.drop_table('time_entries')
    op.drop_index('ix_tasks_project_id', table_name='tasks')
    op.drop_index('ix_tasks_organization_id', table_name='tasks')
    op.drop_table('tasks')
    op.drop_index('ix_projects_org_customer_status', table_name='projects')
    op.drop_index('ix_projects_organization_id', table_name='projects')
    op.drop_table('projects')
