"""billing over nameko RPC: load → act → commit → dump. Amounts travel as strings."""
from nameko.timer import timer

from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc
from portal_common.settings import env_int

from . import operations as ops
from . import (comments, gateway_settings, idempotency, payments, reads, recurring, refunds,
               saved_methods, statement, webhooks)
from .dependencies import billing_database
from .stripe_gateway import StripeGateway
from .models import Outbox, ProcessedEvent
from .schemas import (CommentSchema, CreditApplicationSchema, CreditNoteSchema, InvoiceSchema,
                      InvoiceSummarySchema, PaymentSchema, RecurringProfileSchema, TaxSchema)

tax_schema = TaxSchema()
invoice_schema = InvoiceSchema()
summary_schema = InvoiceSummarySchema()
comment_schema = CommentSchema()
profile_schema = RecurringProfileSchema()
credit_note_schema = CreditNoteSchema()
payment_schema = PaymentSchema()
application_schema = CreditApplicationSchema()


RECONCILE_INTERVAL_SECONDS = env_int("BILLING_RECONCILE_INTERVAL_SECONDS", 30)


class BillingService(HealthRpc, OutboxRelay):
    name = "billing"

    db = billing_database()
    stripe_client = StripeGateway()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    def _commit(self):
        self.db.commit()
        self.relay_outbox()

    def _create(self, operation, organization_id, idempotency_key, request, act):
        """Run a create once per idempotency key (see idempotency.py) and commit it."""
        return idempotency.once(self.db, organization_id, operation, idempotency_key, request,
                                act, self._commit)

    # taxes
    @rpc
    def create_tax(self, organization_id, data, idempotency_key=None):
        return self._create("create_tax", organization_id, idempotency_key, data,
                            lambda: tax_schema.dump(ops.create_tax(self.db, organization_id,
                                                                   data)))

    @rpc
    def list_taxes(self, organization_id):
        return tax_schema.dump(ops.list_taxes(self.db, organization_id), many=True)

    # invoices and retainer invoices
    @rpc
    def create_invoice(self, organization_id, data, idempotency_key=None, send=False):
        """A draft; with ``send`` created and sent in one transaction (a quote converted)."""
        def act():
            invoice = ops.create_invoice(self.db, organization_id, data)
            if send:
                invoice = ops.send_invoice(self.db, organization_id, invoice.id)
            return invoice_schema.dump(invoice)

        return self._create("create_invoice_sent" if send else "create_invoice",
                            organization_id, idempotency_key, data, act)

    @rpc
    def get_invoice(self, organization_id, invoice_id, customer_id=None):
        """InvoiceDetail; acting for a customer, drafts and void invoices are not found."""
        return reads.get_invoice_detail(self.db, organization_id, invoice_id, customer_id)

    @rpc
    def list_invoices(self, organization_id, customer_id=None, kind=None):
        return invoice_schema.dump(ops.list_invoices(self.db, organization_id, customer_id,
                                                     kind), many=True)

    @rpc
    def list_invoice_page(self, organization_id, query=None):
        """{"items", "total", "page", "per_page", "pages"} (filters in InvoiceListQuerySchema)."""
        page = ops.list_invoice_page(self.db, organization_id, query)
        return {**page, "items": invoice_schema.dump(page["items"], many=True)}

    @rpc
    def portal_invoice_page(self, organization_id, customer_id, query=None):
        """{"items": [InvoiceSummary], ...}: the customer's non-draft, non-void invoices."""
        page = ops.portal_invoice_page(self.db, organization_id, customer_id, query)
        return {**page, "items": summary_schema.dump(page["items"], many=True)}

    @rpc
    def update_invoice(self, organization_id, invoice_id, data):
        invoice = ops.update_invoice(self.db, organization_id, invoice_id, data)
        self._commit()
        return invoice_schema.dump(invoice)

    @rpc
    def send_invoice(self, organization_id, invoice_id):
        invoice = ops.send_invoice(self.db, organization_id, invoice_id)
        self._commit()
        return invoice_schema.dump(invoice)

    @rpc
    def void_invoice(self, organization_id, invoice_id):
        invoice = ops.void_invoice(self.db, organization_id, invoice_id)
        self._commit()
        return invoice_schema.dump(invoice)

    @rpc
    def mark_invoice_viewed(self, organization_id, customer_id, invoice_id):
        invoice = ops.mark_invoice_viewed(self.db, organization_id, customer_id, invoice_id)
        detail = reads.invoice_detail(self.db, invoice, portal=True)
        self._commit()
        return detail

    @rpc
    def add_invoice_comment(self, organization_id, invoice_id, data, customer_id=None):
        """Comment; with customer_id it is the customer's (shown in the portal, announced)."""
        comment = comments.add_invoice_comment(self.db, organization_id, invoice_id, data,
                                               customer_id)
        self._commit()
        return comment_schema.dump(comment)

    @rpc
    def list_invoice_comments(self, organization_id, invoice_id, customer_id=None):
        return comment_schema.dump(comments.list_invoice_comments(
            self.db, organization_id, invoice_id, customer_id), many=True)

    # credit notes, payments, applications
    @rpc
    def create_credit_note(self, organization_id, data, idempotency_key=None):
        return self._create("create_credit_note", organization_id, idempotency_key, data,
                            lambda: credit_note_schema.dump(ops.create_credit_note(
                                self.db, organization_id, data)))

    @rpc
    def record_payment(self, organization_id, data, idempotency_key=None):
        return self._create("record_payment", organization_id, idempotency_key, data,
                            lambda: payment_schema.dump(ops.record_payment(
                                self.db, organization_id, data)))

    @rpc
    def apply_credit(self, organization_id, customer_id, data, idempotency_key=None):
        return self._create("apply_credit", organization_id, idempotency_key,
                            [customer_id, data],
                            lambda: application_schema.dump(ops.apply_credit(
                                self.db, organization_id, customer_id, data)))

    @rpc
    def apply_retainer(self, organization_id, customer_id, data, idempotency_key=None):
        return self._create("apply_retainer", organization_id, idempotency_key,
                            [customer_id, data],
                            lambda: application_schema.dump(ops.apply_retainer(
                                self.db, organization_id, customer_id, data)))

    @rpc
    def credit_note_page(self, organization_id, query=None):
        page = reads.credit_note_page(self.db, organization_id, query)
        return {**page, "items": credit_note_schema.dump(page["items"], many=True)}

    @rpc
    def get_credit_note(self, organization_id, credit_note_id, customer_id=None):
        return reads.credit_note_detail(self.db, organization_id, credit_note_id, customer_id)

    @rpc
    def payment_page(self, organization_id, query=None):
        """{"items": [PaymentSummary], ...}; ``query`` may name a customer_id."""
        return reads.payment_page(self.db, organization_id, query)

    @rpc
    def portal_payment_page(self, organization_id, customer_id, query=None):
        return reads.payment_page(self.db, organization_id, query, customer_id=customer_id)

    @rpc
    def get_payment(self, organization_id, payment_id, customer_id=None):
        """Receipt: PaymentSummary + applications (with the invoices') + refunds."""
        return reads.receipt(self.db, organization_id, payment_id, customer_id)

    @rpc
    def record_refund(self, organization_id, customer_id, data, idempotency_key=None):
        """Refund out of a credit note, a payment's unapplied part or a retainer."""
        return self._create("record_refund", organization_id, idempotency_key,
                            [customer_id, data],
                            lambda: reads.refund_dump(refunds.record_refund(
                                self.db, organization_id, customer_id, data)))

    # recurring profiles
    @rpc
    def create_recurring_profile(self, organization_id, data, idempotency_key=None):
        return self._create("create_recurring_profile", organization_id, idempotency_key,
                            data, lambda: profile_schema.dump(
                                recurring.create_recurring_profile(self.db, organization_id,
                                                                   data)))

    @rpc
    def delete_recurring_profile(self, organization_id, profile_id):
        profile = recurring.delete_recurring_profile(self.db, organization_id, profile_id)
        self._commit()
        return profile_schema.dump(profile)

    @rpc
    def list_recurring_profiles(self, organization_id, customer_id=None):
        return profile_schema.dump(recurring.list_recurring_profiles(
            self.db, organization_id, customer_id), many=True)

    @rpc
    def get_recurring_profile(self, organization_id, profile_id):
        return profile_schema.dump(recurring.get_recurring_profile(self.db, organization_id,
                                                                   profile_id))

    # read models
    @rpc
    def statement_page(self, organization_id, customer_id, query):
        """One page of the customer's statement; ``next_cursor`` fetches the next."""
        return statement.statement_page(self.db, organization_id, customer_id, query)

    @rpc
    def dashboard_figures(self, organization_id, customer_id, currency=None):
        return ops.dashboard_figures(self.db, organization_id, customer_id, currency)

    # online payments (payments.py, saved_methods.py, webhooks.py)
    @rpc
    def set_gateway_settings(self, organization_id, data):
        """Settings {provider, publishable_key, api_base, ... secret_key_set,
        secret_key_last4, webhook_secret_set}: secrets go in, never come out."""
        settings = gateway_settings.set_settings(self.db, organization_id, data)
        self._commit()
        return gateway_settings.settings_view(settings)

    @rpc
    def get_gateway_settings(self, organization_id):
        return gateway_settings.settings_view(
            gateway_settings.get_settings(self.db, organization_id))

    @rpc
    def start_payment(self, organization_id, customer_id, data, idempotency_key=None):
        """Attempt; PaymentRefused (with its Cp code) when refused, PaymentInProgress when
        one of the invoices is being paid already."""
        return payments.start_payment(self.db, self._commit, self.stripe_client,
                                      organization_id, customer_id, data, idempotency_key)

    @rpc
    def complete_payment(self, organization_id, customer_id, attempt_id):
        """After the browser confirmed: what Stripe says now, settled (idempotent)."""
        return payments.complete_payment(self.db, self._commit, self.stripe_client,
                                         organization_id, customer_id, attempt_id)

    @rpc
    def get_payment_attempt(self, organization_id, customer_id, attempt_id):
        return payments.get_attempt(self.db, organization_id, customer_id, attempt_id)

    @rpc
    def handle_stripe_webhook(self, organization_id, payload, signature):
        """{"handled": bool}; WebhookSignatureInvalid when the signature does not verify."""
        return webhooks.handle(self.db, self._commit, self.stripe_client, organization_id,
                               payload, signature)

    @rpc
    def reconcile_payments(self, organization_id=None):
        """Ask Stripe about attempts without an outcome for a while: {checked, settled}."""
        return payments.reconcile(self.db, self._commit, self.stripe_client, organization_id)

    @timer(interval=RECONCILE_INTERVAL_SECONDS)
    def reconcile_payments_timer(self):
        return payments.reconcile(self.db, self._commit, self.stripe_client)

    @rpc
    def start_method_setup(self, organization_id, customer_id, contact_id=None):
        """{setup_intent_id, client_secret, publishable_key, api_base}: the browser runs
        Stripe.js confirmCardSetup, then complete_method_setup."""
        answer = saved_methods.start_setup(self.db, self.stripe_client, organization_id,
                                           customer_id, contact_id, payments.gateway_customer)
        self._commit()
        return answer

    @rpc
    def complete_method_setup(self, organization_id, customer_id, setup_intent_id):
        method = saved_methods.complete_setup(self.db, self.stripe_client, organization_id,
                                              customer_id, setup_intent_id)
        self._commit()
        return saved_methods.view(method)

    @rpc
    def list_saved_methods(self, organization_id, customer_id):
        return [saved_methods.view(m) for m in
                saved_methods.list_methods(self.db, organization_id, customer_id)]

    @rpc
    def update_saved_method(self, organization_id, customer_id, method_id, data):
        method = saved_methods.update_method(self.db, self.stripe_client, organization_id,
                                             customer_id, method_id, data)
        self._commit()
        return saved_methods.view(method)

    @rpc
    def remove_saved_method(self, organization_id, customer_id, method_id):
        answer = saved_methods.remove_method(self.db, self.stripe_client, organization_id,
                                             customer_id, method_id)
        self._commit()
        return answer
