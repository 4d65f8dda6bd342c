"""The events billing publishes: one schema each, past-tense names. Amounts are strings."""
from marshmallow import Schema, fields


class _InvoiceEvent(Schema):
    invoice_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    number = fields.String(required=True)
    kind = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.String(required=True)
    balance = fields.String(required=True)


class InvoiceCreated(_InvoiceEvent):
    pass


class InvoiceUpdated(_InvoiceEvent):
    pass


class InvoiceSent(_InvoiceEvent):
    due_date = fields.Date(required=True)


class InvoiceVoided(_InvoiceEvent):
    pass


class InvoiceViewed(_InvoiceEvent):
    """The customer opened the invoice in the portal for the first time."""


class TaxCreated(Schema):
    tax_id = fields.String(required=True)
    name = fields.String(required=True)
    rate = fields.String(required=True)
    is_default = fields.Boolean(required=True)


class CreditNoteCreated(Schema):
    credit_note_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    number = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.String(required=True)


class Applied(Schema):
    invoice_id = fields.String(required=True)
    amount = fields.String(required=True)
    invoice_balance = fields.String(required=True)
    invoice_status = fields.String(required=True)


class PaymentRecorded(Schema):
    payment_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    date = fields.Date(required=True)
    mode = fields.String(required=True)
    unapplied = fields.String(required=True)
    applications = fields.List(fields.Nested(Applied), required=True)


class CreditApplied(Schema):
    customer_id = fields.String(required=True)
    source = fields.String(required=True)
    source_id = fields.String(required=True)
    currency = fields.String(required=True)
    remaining = fields.String(required=True)
    application = fields.Nested(Applied, required=True)


class RetainerApplied(CreditApplied):
    pass


class CommentAdded(Schema):
    """A customer commented on one of their documents in the portal."""

    document_type = fields.String(required=True)  # invoice
    document_id = fields.String(required=True)
    document_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    author_name = fields.String(required=True)
    body = fields.String(required=True)


class RecurringProfileCreated(Schema):
    recurring_profile_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    frequency = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.String(required=True)


class RecurringProfileDeleted(Schema):
    recurring_profile_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)


class RefundRecorded(Schema):
    refund_id = fields.String(required=True)
    number = fields.String(required=True)
    customer_id = fields.String(required=True)
    source = fields.String(required=True)
    source_id = fields.String(required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    date = fields.Date(required=True)
    mode = fields.String(required=True)
    remaining = fields.String(required=True)  # what is left of the source to apply or refund


SCHEMAS = {
    "tax_created": TaxCreated(),
    "invoice_created": InvoiceCreated(),
    "invoice_updated": InvoiceUpdated(),
    "invoice_sent": InvoiceSent(),
    "invoice_voided": InvoiceVoided(),
    "invoice_viewed": InvoiceViewed(),
    "credit_note_created": CreditNoteCreated(),
    "payment_recorded": PaymentRecorded(),
    "credit_applied": CreditApplied(),
    "retainer_applied": RetainerApplied(),
    "comment_added": CommentAdded(),
    "recurring_profile_created": RecurringProfileCreated(),
    "recurring_profile_deleted": RecurringProfileDeleted(),
    "refund_recorded": RefundRecorded(),
}


class PaidInvoice(Schema):
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    amount = fields.String(required=True)


class PaymentSucceeded(Schema):
    """An online payment went through: the receipt exists, the invoices are updated."""

    payment_id = fields.String(required=True)
    number = fields.String(required=True)
    attempt_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    contact_id = fields.String(allow_none=True, required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    method = fields.String(required=True)  # card | saved_card | ach
    date = fields.Date(required=True)
    invoices = fields.List(fields.Nested(PaidInvoice), required=True)


class PaymentFailed(Schema):
    """An online payment was refused (nothing charged): the Cp code and the staff remedy."""

    attempt_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    contact_id = fields.String(allow_none=True, required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    method = fields.String(required=True)
    invoices = fields.List(fields.Nested(PaidInvoice), required=True)
    cp_code = fields.String(allow_none=True, required=True)
    decline_code = fields.String(allow_none=True, required=True)
    message = fields.String(required=True)
    remedy = fields.Dict(allow_none=True, required=True)  # {"es", "en"} or null


class PaymentPending(Schema):
    """A bank payment is on its way: the invoices stay unpaid until it settles."""

    attempt_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    contact_id = fields.String(allow_none=True, required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    method = fields.String(required=True)
    invoices = fields.List(fields.Nested(PaidInvoice), required=True)


SCHEMAS.update({
    "payment_succeeded": PaymentSucceeded(),
    "payment_failed": PaymentFailed(),
    "payment_pending": PaymentPending(),
})
