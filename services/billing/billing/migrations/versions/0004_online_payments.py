"""online payments: gateway settings, payment attempts, webhook events, saved methods

A payment attempt's invoices are rows of ``attempt_invoices``; a partial unique index on
the invoice over the rows still in flight makes two unsettled attempts of one invoice
impossible. Payments gain the attempt they settle (unique: one payment per attempt).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:20:00
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TS = portal_common.db.UTCDateTime(timezone=True)
MONEY = sa.Numeric(precision=18, scale=3)


def upgrade():
    op.create_table('gateway_settings',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('secret_key', sa.String(length=255), nullable=False),
    sa.Column('publishable_key', sa.String(length=255), nullable=False),
    sa.Column('webhook_secret', sa.String(length=255), nullable=True),
    sa.Column('api_base', sa.String(length=255), nullable=False),
    sa.Column('supported_currencies', sa.JSON(), nullable=False),
    sa.Column('supports_recurring', sa.Boolean(), nullable=False),
    sa.Column('reference_transactions', sa.Boolean(), nullable=False),
    sa.Column('require_billing_address', sa.Boolean(), nullable=False),
    sa.Column('require_postal_code', sa.Boolean(), nullable=False),
    sa.Column('duplicate_window_minutes', sa.Integer(), nullable=False),
    sa.Column('updated_at', TS, nullable=True),
    sa.PrimaryKeyConstraint('organization_id')
    )

    with op.batch_alter_table('payments') as batch_op:
        batch_op.add_column(sa.Column('attempt_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_payments_attempt_id', ['attempt_id'])

    op.create_table('payment_attempts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('request_key', sa.String(length=255), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('saved_method_id', sa.String(length=36), nullable=True),
    sa.Column('gateway_method_id', sa.String(length=255), nullable=True),
    sa.Column('gateway_customer_id', sa.String(length=255), nullable=True),
    sa.Column('save_method', sa.Boolean(), nullable=False),
    sa.Column('auto_charge', sa.Boolean(), nullable=False),
    sa.Column('setup_intent_id', sa.String(length=255), nullable=True),
    sa.Column('intent_id', sa.String(length=255), nullable=True),
    sa.Column('client_secret', sa.String(length=255), nullable=True),
    sa.Column('payment_id', sa.String(length=36), nullable=True),
    sa.Column('cp_code', sa.String(length=10), nullable=True),
    sa.Column('decline_code', sa.String(length=80), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_at', TS, nullable=True),
    sa.Column('updated_at', TS, nullable=True),
    sa.Column('settled_at', TS, nullable=True),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_payment_attempts_idempotency_key'),
    sa.UniqueConstraint('organization_id', 'request_key',
                        name='uq_payment_attempts_org_request_key')
    )
    op.create_index('ix_payment_attempts_organization_id', 'payment_attempts',
                    ['organization_id'])
    op.create_index('ix_payment_attempts_customer_id', 'payment_attempts', ['customer_id'])
    op.create_index('ix_payment_attempts_status_updated', 'payment_attempts',
                    ['status', 'updated_at'])
    op.create_index('ix_payment_attempts_intent', 'payment_attempts', ['intent_id'])

    op.create_table('attempt_invoices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('attempt_id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('in_flight', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['payment_attempts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_attempt_invoices_attempt_id', 'attempt_invoices', ['attempt_id'])
    op.create_index('ix_attempt_invoices_invoice_id', 'attempt_invoices', ['invoice_id'])
    op.create_index('uq_attempt_invoices_in_flight', 'attempt_invoices', ['invoice_id'],
                    unique=True, postgresql_where=sa.text('in_flight'),
                    sqlite_where=sa.text('in_flight = 1'))

    op.create_table('stripe_events',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('event_type', sa.String(length=80), nullable=False),
    sa.Column('received_at', TS, nullable=True),
    sa.PrimaryKeyConstraint('organization_id', 'event_id')
    )

    op.create_table('gateway_customers',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('gateway_customer_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', TS, nullable=True),
    sa.PrimaryKeyConstraint('organization_id', 'customer_id')
    )

    op.create_table('saved_methods',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('gateway_method_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('brand', sa.String(length=40), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=True),
    sa.Column('exp_year', sa.Integer(), nullable=True),
    sa.Column('billing_name', sa.String(length=200), nullable=False),
    sa.Column('billing_address', sa.JSON(), nullable=False),
    sa.Column('created_at', TS, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'gateway_method_id',
                        name='uq_saved_methods_org_gateway_method')
    )
    op.create_index('ix_saved_methods_organization_id', 'saved_methods', ['organization_id'])
    op.create_index('ix_saved_methods_customer_id', 'saved_methods', ['customer_id'])


def downgrade():
    op.drop_index('ix_saved_methods_customer_id', table_name='saved_methods')
    op.drop_index('ix_saved_methods_organization_id', table_name='saved_methods')
    op.drop_table('saved_methods')
    op.drop_table('gateway_customers')
    op.drop_table('stripe_events')
    op.drop_index('uq_attempt_invoices_in_flight', table_name='attempt_invoices')
    op.drop_index('ix_attempt_invoices_invoice_id', table_name='attempt_invoices')
    op.drop_index('ix_attempt_invoices_attempt_id', table_name='attempt_invoices')
    op.drop_table('attempt_invoices')
    op.drop_index('ix_payment_attempts_intent', table_name='payment_attempts')
    op.drop_index('ix_payment_attempts_status_updated', table_name='payment_attempts')
    op.drop_index('ix_payment_attempts_customer_id', table_name='payment_attempts')
    op.drop_index('ix_payment_attempts_organization_id', table_name='payment_attempts')
    op.drop_table('payment_attempts')
    with op.batch_alter_table('payments') as batch_op:
        batch_op.drop_constraint('uq_payments_attempt_id', type_='unique')
        batch_op.drop_column('attempt_id')
    op.drop_table('gateway_settings')
