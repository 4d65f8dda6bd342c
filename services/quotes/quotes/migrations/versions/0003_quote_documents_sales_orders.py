"""quotes: lines, revisions, comments and the customer's answer; sales orders; counters and
idempotency keys

Existing quotes (only counted so far) get empty reference/notes/terms, zero subtotal and
tax total (their total stays), revision 1 and updated_at = created_at; the QT- counters
start at the highest number each organization already uses.

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

MONEY = sa.Numeric(precision=18, scale=3)
QUANTITY = sa.Numeric(precision=18, scale=4)
PERCENT = sa.Numeric(precision=7, scale=4)


def _line_columns():
    return [
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('quantity', QUANTITY, nullable=False),
        sa.Column('rate', QUANTITY, nullable=False),
        sa.Column('discount', PERCENT, nullable=False),
        sa.Column('tax_id', sa.String(length=36), nullable=True),
        sa.Column('tax_name', sa.String(length=100), nullable=True),
        sa.Column('tax_rate', PERCENT, nullable=True),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('tax_amount', MONEY, nullable=False),
    ]


def upgrade():
    with op.batch_alter_table('quotes') as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('terms', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('subtotal', MONEY, nullable=True))
        batch_op.add_column(sa.Column('tax_total', MONEY, nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', portal_common.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_viewed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_viewed_by_contact_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('decided_at', portal_common.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_contact_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('decided_by_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signature_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('invoice_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('invoice_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('updated_at', portal_common.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE quotes SET reference = '', notes = '', terms = '', subtotal = 0, "
               "tax_total = 0, revision = 1, updated_at = created_at")
    with op.batch_alter_table('quotes') as batch_op:
        for name, type_ in (('reference', sa.String(length=100)), ('notes', sa.Text()),
                            ('terms', sa.Text()), ('subtotal', MONEY), ('tax_total', MONEY),
                            ('revision', sa.Integer())):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.create_unique_constraint('uq_quotes_org_number', ['organization_id', 'number'])

    op.create_table('quote_lines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    *_line_columns(),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_quote_lines_quote_id', 'quote_lines', ['quote_id'])

    op.create_table('quote_revisions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('superseded_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quote_id', 'revision', name='uq_quote_revisions_quote_revision')
    )
    op.create_index('ix_quote_revisions_quote_id', 'quote_revisions', ['quote_id'])

    op.create_table('quote_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('author_type', sa.String(length=20), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('show_in_portal', sa.Boolean(), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("author_type IN ('staff', 'customer')", name='ck_quote_comments_author_type'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_quote_comments_organization_id', 'quote_comments', ['organization_id'])
    op.create_index('ix_quote_comments_quote_id', 'quote_comments', ['quote_id'])

    op.create_table('sales_orders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('expected_shipment_date', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', MONEY, nullable=False),
    sa.Column('tax_total', MONEY, nullable=False),
    sa.Column('total', MONEY, nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=True),
    sa.Column('invoice_id', sa.String(length=36), nullable=True),
    sa.Column('invoice_number', sa.String(length=40), nullable=True),
    sa.Column('confirmed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_viewed_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal_common.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'confirmed', 'fulfilled', 'closed')", name='ck_sales_orders_status'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_sales_orders_org_number')
    )
    op.create_index('ix_sales_orders_org_customer_status', 'sales_orders',
                    ['organization_id', 'customer_id', 'status'])

    op.create_table('sales_order_lines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('sales_order_id', sa.String(length=36), nullable=False),
    *_line_columns(),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sales_order_lines_sales_order_id', 'sales_order_lines', ['sales_order_id'])

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

    # Counters start at the highest QT- number each organization already uses.
    conn = op.get_bind()
    highest = {}
    for row in conn.execute(sa.text("SELECT organization_id, number FROM quotes")):
        digits = row.number[len("QT-"):]
        if row.number.startswith("QT-") and digits.isdigit():
            highest[row.organization_id] = max(highest.get(row.organization_id, 0), int(digits))
    if highest:
        counters = sa.table('document_counters', sa.column('organization_id'),
                            sa.column('prefix'), sa.column('last_number'))
        op.bulk_insert(counters, [{"organization_id": org, "prefix": "QT-", "last_number": n}
                                  for org, n in highest.items()])


def downgrade():
    op.drop_table('idempotency_keys')
    op.drop_table('document_counters')
    op.drop_index('ix_sales_order_lines_sales_order_id', table_name='sales_order_lines')
    op.drop_table('sales_order_lines')
    op.drop_index('ix_sales_orders_org_customer_status', table_name='sales_orders')
    op.drop_table('sales_orders')
    op.drop_index('ix_quote_comments_quote_id', table_name='quote_comments')
    op.drop_index('ix_quote_comments_organization_id', table_name='quote_comments')
    op.drop_table('quote_comments')
    op.drop_index('ix_quote_revisions_quote_id', table_name='quote_revisions')
    op.drop_table('quote_revisions')
    op.drop_index('ix_quote_lines_quote_id', table_name='quote_lines')
    op.drop_table('quote_lines')
    with op.batch_alter_table('quotes') as batch_op:
        batch_op.drop_constraint('uq_quotes_org_number', type_='unique')
        for name in ('updated_at', 'invoice_number', 'invoice_id', 'decline_reason',
                     'signature_name', 'decided_by_name', 'decided_by_contact_id',
                     'decided_at', 'first_viewed_by_contact_id', 'first_viewed_at',
                     'sent_at', 'revision', 'tax_total', 'subtotal', 'terms', 'notes',
                     'reference'):
            batch_op.drop_column(name)
