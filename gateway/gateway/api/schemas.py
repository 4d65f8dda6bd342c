"""Shapes the API itself adds around the services' own schemas (identity.schemas etc.)."""
from marshmallow import Schema, fields, validate

from billing.schemas import (CommentInputSchema, CommentSchema, CreditApplySchema,
                             CreditNoteCreateSchema, CreditNoteSchema, InvoiceCreateSchema,
                             InvoiceSchema, LineInputSchema, PaymentCreateSchema,
                             RecurringProfileCreateSchema, RecurringProfileSchema,
                             RefundCreateSchema, RetainerApplySchema, TaxSchema)
from identity.schemas import CustomerSchema, ReviewSchema
from notify.schemas import (EmailTemplateSchema, FeedEntrySchema, NotificationPreferenceSchema,
                            OutgoingMailSchema)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    details = fields.Dict(metadata={"description": "For validation errors: field → messages."})


class ErrorSchema(Schema):
    """Every error answer: ``{"error": {"code", "message", "details"}}``."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class PageSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


def page_of(item: type[Schema], name: str) -> type[PageSchema]:
    """A page of ``item``s (the services' list pages): total, page, per_page, pages and
    the items. ``name`` is the class's, for marshmallow and apispec."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item), required=True)})


def list_of(item: type[Schema], name: str) -> type[Schema]:
    """All of something at once: just the ``item``s."""
    return type(name, (Schema,), {"items": fields.List(fields.Nested(item), required=True)})


CustomerPageSchema = page_of(CustomerSchema, "CustomerPageSchema")
EmailTemplateListSchema = list_of(EmailTemplateSchema, "EmailTemplateListSchema")
OutgoingMailPageSchema = page_of(OutgoingMailSchema, "OutgoingMailPageSchema")
NotificationPreferenceListSchema = list_of(NotificationPreferenceSchema,
                                           "NotificationPreferenceListSchema")


class LinkedFeedEntrySchema(FeedEntrySchema):
    link = fields.String(required=True, metadata={
        "description": "Where this API shows it: the document, else the customer."})


class FeedPageSchema(PageSchema):
    items = fields.List(fields.Nested(LinkedFeedEntrySchema), required=True)
    unread = fields.Integer(required=True, metadata={
        "description": "Unread entries matching kind and customer_id."})


class FeedReadAllSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many were unread."})


ReviewPageSchema = page_of(ReviewSchema, "ReviewPageSchema")


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("ready", "not_ready")))
    services = fields.Dict(keys=fields.String(),
                           values=fields.String(validate=validate.OneOf(("up", "down"))))


# --- billing: the API's bodies around billing's own schemas -----------------------------

def _line_items(line_schema: type[Schema] = LineInputSchema):
    """A service's ``lines`` (billing's unless ``line_schema`` says), named ``line_items``
    in the API."""
    return fields.List(fields.Nested(line_schema), required=True,
                       validate=validate.Length(min=1), data_key="line_items")


def _optional_currency():
    return fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"), metadata={
        "description": "The customer's currency unless given."})


class InvoiceBodySchema(InvoiceCreateSchema):
    """billing's InvoiceCreateSchema with ``line_items`` for ``lines``; the currency is the
    customer's unless given."""

    currency = _optional_currency()
    lines = _line_items()
    recurring_profile_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "One of your recurring profiles that is not deleted."})


class CreditNoteBodySchema(CreditNoteCreateSchema):
    currency = _optional_currency()
    lines = _line_items()


class PaymentBodySchema(PaymentCreateSchema):
    currency = _optional_currency()


class CreditApplyBodySchema(CreditApplySchema):
    customer_id = fields.String(required=True)


class RetainerApplyBodySchema(RetainerApplySchema):
    customer_id = fields.String(required=True)


class CommentBodySchema(CommentInputSchema):
    """billing's comment; the author is "Staff" unless named."""

    author_name = fields.String(load_default="Staff", validate=validate.Length(min=1, max=200))


class RefundBodySchema(RefundCreateSchema):
    customer_id = fields.String(required=True)


class RecurringProfileBodySchema(RecurringProfileCreateSchema):
    """billing's RecurringProfileCreateSchema with ``line_items`` for ``lines``; the currency
    is the customer's unless given."""

    currency = _optional_currency()
    lines = _line_items()


class RecurringProfileListQuerySchema(Schema):
    customer_id = fields.String()


RecurringProfileListSchema = list_of(RecurringProfileSchema, "RecurringProfileListSchema")
InvoicePageSchema = page_of(InvoiceSchema, "InvoicePageSchema")
TaxListSchema = list_of(TaxSchema, "TaxListSchema")


# --- billing: what the issue-4 routes give (documentation of billing's answers) -----------

def _money(description=""):
    return fields.String(metadata={"description": description or "Rounded to the currency.",
                                   "example": "1234.50"})


class InvoiceTaxSchema(Schema):
    tax_id = fields.String()
    name = fields.String()
    rate = fields.String(metadata={"description": "Percent."})
    amount = _money("This tax summed over the lines.")


class InvoicePaymentSchema(Schema):
    payment_id = fields.String()
    number = fields.String()
    date = fields.Date()
    mode = fields.String()
    reference = fields.String()
    amount = _money("What this payment paid of the invoice.")


class InvoiceCreditSchema(Schema):
    source = fields.String(validate=validate.OneOf(["credit_note", "payment", "retainer"]))
    source_id = fields.String()
    number = fields.String()
    date = fields.Date()
    amount = _money()


class InvoiceDetailSchema(InvoiceSchema):
    taxes = fields.List(fields.Nested(InvoiceTaxSchema))
    payments = fields.List(fields.Nested(InvoicePaymentSchema))
    credits = fields.List(fields.Nested(InvoiceCreditSchema))
    comments = fields.List(fields.Nested(CommentSchema))


CommentListSchema = list_of(CommentSchema, "CommentListSchema")
CreditNotePageSchema = page_of(CreditNoteSchema, "CreditNotePageSchema")


class PaymentSummarySchema(Schema):
    id = fields.String()
    customer_id = fields.String()
    number = fields.String(metadata={"example": "PAY-000001"})
    date = fields.Date()
    mode = fields.String()
    reference = fields.String()
    amount = _money()
    unapplied = _money("What is not applied to any invoice (the customer's credit).")
    currency = fields.String()
    applies_to = fields.List(fields.String(validate=validate.OneOf(["invoice", "retainer"])))


PaymentPageSchema = page_of(PaymentSummarySchema, "PaymentPageSchema")


class ReceiptApplicationSchema(Schema):
    invoice_id = fields.String()
    invoice_number = fields.String()
    invoice_kind = fields.String()
    invoice_date = fields.Date()
    invoice_total = _money()
    amount = _money("What the payment paid of this invoice.")


class RefundSchema(Schema):
    id = fields.String()
    number = fields.String(metadata={"example": "RFD-000001"})
    source = fields.String(validate=validate.OneOf(["credit_note", "payment", "retainer"]))
    source_id = fields.String()
    amount = _money()
    currency = fields.String()
    date = fields.Date()
    mode = fields.String()
    reference = fields.String()


class CreditNoteApplicationSchema(Schema):
    invoice_id = fields.String()
    invoice_number = fields.String()
    date = fields.Date()
    amount = _money()


class CreditNoteDetailSchema(CreditNoteSchema):
    applications = fields.List(fields.Nested(CreditNoteApplicationSchema))
    refunds = fields.List(fields.Nested(RefundSchema))


class ReceiptSchema(PaymentSummarySchema):
    applications = fields.List(fields.Nested(ReceiptApplicationSchema))
    refunds = fields.List(fields.Nested(RefundSchema))


class StatementMovementSchema(Schema):
    date = fields.Date()
    type = fields.String(validate=validate.OneOf(
        ["invoice", "retainer_invoice", "payment", "credit_note", "refund",
         "retainer_applied"]))
    document_id = fields.String()
    number = fields.String()
    description = fields.String()
    amount = _money()
    effect = _money("What it does to the balance, signed: the invoice's total, minus a "
                    "payment or credit note, plus a refund; 0 for retainer invoices and "
                    "retainers applied, shown for information.")
    balance = _money("The running balance after this movement.")


class StatementSchema(Schema):
    currency = fields.String()
    start = fields.Date()
    end = fields.Date()
    opening_balance = _money()
    invoiced = _money()
    paid = _money("Payments less refunds.")
    credited = _money()
    closing_balance = _money("opening_balance + invoiced − paid − credited.")
    movements = fields.List(fields.Nested(StatementMovementSchema))
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "Pass it as cursor for the next page; null on the last one."})


# --- online payments: the organization's payment gateway (Stripe) -------------------------

SECRET_KEY_PATTERN = validate.Regexp(r"^(sk|rk)_[A-Za-z0-9_]{1,250}$",
                                     error="Give the Stripe secret key (sk_… or rk_…).")


class PaymentGatewayBodySchema(Schema):
    """What PUT /payment-gateway takes; every field may be left out to keep its value (the
    first PUT needs both keys). Secrets are written here and never read back."""

    secret_key = fields.String(validate=SECRET_KEY_PATTERN, load_only=True, metadata={
        "description": "Stripe secret key; never returned, only secret_key_set and its last "
                       "four characters."})
    publishable_key = fields.String(validate=validate.Regexp(
        r"^pk_[A-Za-z0-9_]{1,250}$", error="Give the Stripe publishable key (pk_…)."))
    webhook_secret = fields.String(
        allow_none=True, load_only=True,
        validate=validate.Regexp(r"^whsec_[A-Za-z0-9_+/=]{1,250}$",
                                 error="Give the webhook signing secret (whsec_…)."),
        metadata={"description": "Signing secret of the endpoint "
                                 "/webhooks/stripe/{organization_id}; never returned."})
    api_base = fields.Url(require_tld=False, schemes={"http", "https"}, metadata={
        "description": "https://api.stripe.com (the default), or a localstripe for tests."})
    supported_currencies = fields.List(fields.String(validate=validate.Regexp(r"^[A-Z]{3}$")),
                                       validate=validate.Length(min=1))
    supports_recurring = fields.Boolean()
    reference_transactions = fields.Boolean(metadata={
        "description": "Charging a saved card is enabled on the merchant account."})
    require_billing_address = fields.Boolean()
    require_postal_code = fields.Boolean()
    duplicate_window_minutes = fields.Integer(validate=validate.Range(min=0, max=1440))


class PaymentGatewaySchema(Schema):
    """The settings as the API shows them: never a secret, only whether it is set."""

    provider = fields.String(metadata={"example": "stripe"})
    publishable_key = fields.String()
    api_base = fields.String()
    supported_currencies = fields.List(fields.String())
    supports_recurring = fields.Boolean()
    reference_transactions = fields.Boolean()
    require_billing_address = fields.Boolean()
    require_postal_code = fields.Boolean()
    duplicate_window_minutes = fields.Integer()
    secret_key_set = fields.Boolean()
    secret_key_last4 = fields.String(allow_none=True)
    webhook_secret_set = fields.Boolean()
    updated_at = fields.DateTime()
