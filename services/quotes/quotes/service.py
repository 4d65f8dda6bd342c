"""quotes over nameko RPC: load → act → commit → dump. Amounts travel as strings.

Taxes and invoices are billing's: asked over RPC (``billing.list_taxes`` when a line names a
tax, ``billing.create_invoice`` to convert an accepted quote, ``billing.get_invoice`` to
fulfil a sales order). Business errors are quotes.exceptions (billing's pass through).
"""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import comments, idempotency, quotes, sales_orders
from .dependencies import BillingRpc, quotes_database
from .models import Outbox, ProcessedEvent
from .schemas import CommentSchema, QuoteSchema, SalesOrderSchema

quote_schema = QuoteSchema()
comment_schema = CommentSchema()
sales_order_schema = SalesOrderSchema()


class QuotesService(HealthRpc, OutboxRelay):
    name = "quotes"

    db = quotes_database()
    billing = BillingRpc()  # an RpcProxy("billing") answering within a timeout
    outbox_model = Outbox
    processed_model = ProcessedEvent

    def _commit(self):
        self.db.commit()
        self.relay_outbox()

    def _create(self, operation, organization_id, idempotency_key, request, act):
        """Run a create once per idempotency key (see idempotency.py) and commit it."""
        return idempotency.once(self.db, organization_id, operation, idempotency_key, request,
                                act, self._commit)

    def _taxes(self, organization_id):
        """billing's taxes of the organization, asked only when a line names one."""
        return lambda: self.billing.list_taxes(organization_id)

    def _page(self, page, schema):
        return {**page, "items": schema.dump(page["items"], many=True)}

    def _saved(self, schema, obj):
        """Commit what an operation did, then ``obj`` dumped."""
        self._commit()
        return schema.dump(obj)

    def _portal_quote(self, act, organization_id, customer_id, contact_id, quote_id, *data):
        """A customer's step on a quote (``act``), committed; the quote as the portal shows
        it."""
        quote = act(self.db, organization_id, customer_id, contact_id, quote_id, *data)
        detail = quotes.quote_detail(self.db, quote, portal=True)
        self._commit()
        return detail

    # quotes: staff
    @rpc
    def create_quote(self, organization_id, data, idempotency_key=None):
        """Quote (draft); the number is QT-00001… unless given."""
        return self._create("create_quote", organization_id, idempotency_key, data,
                            lambda: quote_schema.dump(quotes.create_quote(
                                self.db, organization_id, data,
                                self._taxes(organization_id))))

    @rpc
    def update_quote(self, organization_id, quote_id, data):
        """Quote; a declined or expired quote gets a new revision (a draft again)."""
        return self._saved(quote_schema, quotes.update_quote(
            self.db, organization_id, quote_id, data, self._taxes(organization_id)))

    @rpc
    def send_quote(self, organization_id, quote_id):
        return self._saved(quote_schema, quotes.send_quote(self.db, organization_id, quote_id))

    @rpc
    def list_quote_page(self, organization_id, query=None):
        """{"items": [Quote], "total", "page", "per_page", "pages"}."""
        return self._page(quotes.list_quote_page(self.db, organization_id, query),
                          quote_schema)

    @rpc
    def get_quote(self, organization_id, quote_id, customer_id=None):
        """QuoteDetail; for a customer a draft is not found and only shown comments come."""
        return quotes.get_quote_detail(self.db, organization_id, quote_id, customer_id)

    @rpc
    def convert_quote_to_invoice(self, organization_id, quote_id):
        """{"quote": Quote, "invoice": {id, number, status, total, currency}}."""
        quote, invoice = quotes.convert_quote_to_invoice(
            self.db, organization_id, quote_id, self.billing.create_invoice)
        self._commit()
        return {"quote": quote_schema.dump(quote), "invoice": invoice}

    # quotes: the customer
    @rpc
    def portal_quote_page(self, organization_id, customer_id, query=None):
        return self._page(quotes.portal_quote_page(self.db, organization_id, customer_id,
                                                   query), quote_schema)

    @rpc
    def mark_quote_viewed(self, organization_id, customer_id, contact_id, quote_id):
        return self._portal_quote(quotes.mark_quote_viewed, organization_id, customer_id,
                                  contact_id, quote_id)

    @rpc
    def accept_quote(self, organization_id, customer_id, contact_id, quote_id, data):
        return self._portal_quote(quotes.accept_quote, organization_id, customer_id,
                                  contact_id, quote_id, data)

    @rpc
    def decline_quote(self, organization_id, customer_id, contact_id, quote_id, data):
        return self._portal_quote(quotes.decline_quote, organization_id, customer_id,
                                  contact_id, quote_id, data)

    @rpc
    def count_awaiting_approval(self, organization_id, customer_id):
        """The portal home's figure: the customer's quotes sent or viewed, not expired."""
        return quotes.count_awaiting_approval(self.db, organization_id, customer_id)

    # comments
    @rpc
    def add_quote_comment(self, organization_id, quote_id, data, customer_id=None,
                          contact_id=None):
        """Comment; with customer_id it is the customer's (shown in the portal, announced)."""
        return self._saved(comment_schema, comments.add_quote_comment(
            self.db, organization_id, quote_id, data, customer_id, contact_id))

    @rpc
    def list_quote_comments(self, organization_id, quote_id, customer_id=None):
        return comment_schema.dump(comments.list_quote_comments(
            self.db, organization_id, quote_id, customer_id), many=True)

    # sales orders
    @rpc
    def create_sales_order(self, organization_id, data, idempotency_key=None):
        """SalesOrder (open); the number is SO-00001… unless given."""
        return self._create("create_sales_order", organization_id, idempotency_key, data,
                            lambda: sales_order_schema.dump(sales_orders.create_sales_order(
                                self.db, organization_id, data,
                                self._taxes(organization_id))))

    @rpc
    def list_sales_order_page(self, organization_id, query=None):
        return self._page(sales_orders.list_sales_order_page(self.db, organization_id, query),
                          sales_order_schema)

    @rpc
    def portal_sales_order_page(self, organization_id, customer_id, query=None):
        return self._page(sales_orders.portal_sales_order_page(
            self.db, organization_id, customer_id, query), sales_order_schema)

    @rpc
    def get_sales_order(self, organization_id, sales_order_id, customer_id=None):
        return sales_order_schema.dump(sales_orders.get_sales_order(
            self.db, organization_id, sales_order_id, customer_id))

    @rpc
    def get_sales_order_by_number(self, organization_id, customer_id, number):
        return sales_order_schema.dump(sales_orders.get_sales_order_by_number(
            self.db, organization_id, customer_id, number))

    @rpc
    def confirm_sales_order(self, organization_id, sales_order_id):
        return self._saved(sales_order_schema, sales_orders.confirm_sales_order(
            self.db, organization_id, sales_order_id))

    @rpc
    def fulfil_sales_order(self, organization_id, sales_order_id, data):
        """confirmed → fulfilled with billing's invoice {"invoice_id"} (the customer's)."""
        return self._saved(sales_order_schema, sales_orders.fulfil_sales_order(
            self.db, organization_id, sales_order_id, data, self.billing.get_invoice))

    @rpc
    def close_sales_order(self, organization_id, sales_order_id):
        return self._saved(sales_order_schema, sales_orders.close_sales_order(
            self.db, organization_id, sales_order_id))

    @rpc
    def mark_sales_order_viewed(self, organization_id, customer_id, contact_id,
                                sales_order_id):
        return self._saved(sales_order_schema, sales_orders.mark_sales_order_viewed(
            self.db, organization_id, customer_id, contact_id, sales_order_id))
