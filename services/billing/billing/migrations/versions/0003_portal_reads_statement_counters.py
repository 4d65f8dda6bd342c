"""portal reads, statement indexes, counters, idempotency, comments, recurring profiles, refunds

Payments gain a number (existing ones numbered PAY-000001… per organization in the order
they were recorded) and credit applications a date (the day they were applied); counters
start at the highest number each organization already uses.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 16:15:00
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

STATEMENT = ['organization_id', 'customer_id', 'date', 'id']
PREFIXES = {'invoices': ("INV-", "RET-"), 'credit_notes': ("CN-",), 'payments': ("PAY-",)}


def upgrade():
    op.create_table('recurring_profiles',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deleted_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_recurring_profiles_organization_id', 'recurring_profiles', ['organization_id'])
    op.create_index('ix_recurring_profiles_customer_id', 'recurring_profiles', ['customer_id'])

    op.create_table('refunds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_refunds_org_number')
    )
    op.create_index('ix_refunds_organization_id', 'refunds', ['organization_id'])
    op.create_index('ix_refunds_customer_id', 'refunds', ['customer_id'])
    op.create_index('ix_refunds_source_id', 'refunds', ['source_id'])
    op.create_index('ix_refunds_statement', 'refunds', STATEMENT)

    op.create_table('invoice_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('author_type', sa.String(length=20), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('show_in_portal', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_invoice_comments_organization_id', 'invoice_comments', ['organization_id'])
    op.create_index('ix_invoice_comments_invoice_id', 'invoice_comments', ['invoice_id'])

    op.create_table('document_counters',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('prefix', sa.String(length=10), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id', 'prefix')
    )

    op.create_table('idempotency_keys',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('operation', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'operation', 'key',
                        name='uq_idempotency_keys_org_operation_key')
    )

    with op.batch_alter_table('invoices') as batch_op:
        batch_op.add_column(sa.Column('payment_gateways', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sales_order_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('recurring_profile_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_invoices_recurring_profile_id', 'recurring_profiles',
                                    ['recurring_profile_id'], ['id'])
        batch_op.create_index('ix_invoices_statement', STATEMENT)
    op.execute("UPDATE invoices SET payment_gateways = '[]'")
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.alter_column('payment_gateways', existing_type=sa.JSON(), nullable=False)

    op.create_index('ix_invoices_retainer_statement', 'invoices', STATEMENT,
                    postgresql_where=sa.text("kind = 'retainer'"),
                    sqlite_where=sa.text("kind = 'retainer'"))
    op.create_index('ix_credit_notes_statement', 'credit_notes', STATEMENT)

    with op.batch_alter_table('payments') as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=40), nullable=True))
    payments = sa.table('payments', sa.column('id'), sa.column('organization_id'),
                        sa.column('created_at'), sa.column('number'))
    conn = op.get_bind()
    counters = {}
    for row in conn.execute(sa.select(payments.c.id, payments.c.organization_id)
                            .order_by(payments.c.created_at, payments.c.id)):
        counters[row.organization_id] = counters.get(row.organization_id, 0) + 1
        conn.execute(payments.update().where(payments.c.id == row.id)
                     .values(number=f"PAY-{counters[row.organization_id]:06d}"))
    with op.batch_alter_table('payments') as batch_op:
        batch_op.alter_column('number', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint('uq_payments_org_number', ['organization_id', 'number'])
        batch_op.create_index('ix_payments_statement', STATEMENT)

    with op.batch_alter_table('credit_applications') as batch_op:
        batch_op.add_column(sa.Column('date', sa.Date(), nullable=True))
    if conn.dialect.name == 'postgresql':
        op.execute("UPDATE credit_applications SET date = (applied_at AT TIME ZONE 'UTC')::date")
    else:
        op.execute("UPDATE credit_applications SET date = date(applied_at)")
    op.execute("UPDATE credit_applications SET date = CURRENT_DATE WHERE date IS NULL")
    with op.batch_alter_table('credit_applications') as batch_op:
        batch_op.alter_column('date', existing_type=sa.Date(), nullable=False)
    op.create_index('ix_credit_applications_retainer_statement', 'credit_applications',
                    STATEMENT, postgresql_where=sa.text("source = 'retainer'"),
                    sqlite_where=sa.text("source = 'retainer'"))

    # Counters start where the existing max+1 numbering had got to.
    document_counters = sa.table('document_counters', sa.column('organization_id'),
                                 sa.column('prefix'), sa.column('last_number'))
    highest = {}
    for table, prefixes in PREFIXES.items():
        for row in conn.execute(sa.text(f"SELECT organization_id, number FROM {table}")):
            for prefix in prefixes:
                digits = row.number[len(prefix):]
                if row.number.startswith(prefix) and digits.isdigit():
                    key = (row.organization_id, prefix)
                    highest[key] = max(highest.get(key, 0), int(digits))
    if highest:
        op.bulk_insert(document_counters, [
            {"organization_id": org, "prefix": prefix, "last_number": number}
            for (org, prefix), number in highest.items()])


def downgrade():
    op.drop_index('ix_credit_applications_retainer_statement', table_name='credit_applications')
    with op.batch_alter_table('credit_applications') as batch_op:
        batch_op.drop_column('date')
    with op.batch_alter_table('payments') as batch_op:
        batch_op.drop_index('ix_payments_statement')
        batch_op.drop_constraint('uq_payments_org_number', type_='unique')
        batch_op.drop_column('number')
    op.drop_index('ix_credit_notes_statement', table_name='credit_notes')
    op.drop_index('ix_invoices_retainer_statement', table_name='invoices')
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.drop_index('ix_invoices_statement')
        batch_op.drop_constraint('fk_invoices_recurring_profile_id', type_='foreignkey')
        batch_op.drop_column('recurring_profile_id')
        batch_op.drop_column('sales_order_number')
        batch_op.drop_column('payment_gateways')
    op.drop_table('idempotency_keys')
    op.drop_table('document_counters')
    op.drop_index('ix_invoice_comments_invoice_id', table_name='invoice_comments')
    op.drop_index('ix_invoice_comments_organization_id', table_name='invoice_comments')
    op.drop_table('invoice_comments')
    op.drop_index('ix_refunds_statement', table_name='refunds')
    op.drop_index('ix_refunds_source_id', table_name='refunds')
    op.drop_index('ix_refunds_customer_id', table_name='refunds')
    op.drop_index('ix_refunds_organization_id', table_name='refunds')
    op.drop_table('refunds')
    op.drop_index('ix_recurring_profiles_customer_id', table_name='recurring_profiles')
    op.drop_index('ix_recurring_profiles_organization_id', table_name='recurring_profiles')
    op.drop_table('recurring_profiles')
