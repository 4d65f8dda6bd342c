"""What billing's RPC methods take and give (marshmallow). Amounts are strings."""
from portal_common.money import to_wire
from portal_common.text import reject_markup
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

CURRENCY = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))


class Money(fields.Field):
    """Dumps a Decimal as the string of its document's currency ('1234.50', JPY '1235')."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return to_wire(value, _currency_of(obj))


def _currency_of(obj) -> str:
    for owner in (obj, getattr(obj, "invoice", None), getattr(obj, "credit_note", None),
                  getattr(obj, "payment", None)):
        currency = getattr(owner, "currency", None)
        if currency:
            return currency
    return "XXX"


def _amount(**kwargs):
    return fields.Decimal(as_string=True, allow_nan=False, **kwargs)


# --- input ---------------------------------------------------------------------

class TaxCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rate = _amount(required=True, validate=validate.Range(min=0, max=100))
    is_default = fields.Boolean(load_default=False)


class LineInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    quantity = _amount(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                                 error="Must be greater than 0."))
    rate = _amount(required=True, validate=validate.Range(min=0))
    discount = _amount(load_default=0, validate=validate.Range(min=0, max=100))
    tax_id = fields.String(load_default=None, allow_none=True)


PAYMENT_GATEWAYS = ["stripe"]


class InvoiceCreateSchema(Schema):
    customer_id = fields.String(required=True)
    number = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=40))
    kind = fields.String(load_default="invoice", validate=validate.OneOf(["invoice", "retainer"]))
    date = fields.Date(required=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    currency = CURRENCY
    allow_partial_payments = fields.Boolean(load_default=True)
    notes = fields.String(load_default="")
    lines = fields.List(fields.Nested(LineInputSchema), required=True,
                        validate=validate.Length(min=1))
    payment_gateways = fields.List(fields.String(validate=validate.OneOf(PAYMENT_GATEWAYS)),
                                   load_default=list)
    recurring_profile_id = fields.String(load_default=None, allow_none=True)
    sales_order_number = fields.String(load_default=None, allow_none=True,
                                       validate=validate.Length(max=40))
    quote_number = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Length(max=40), metadata={
                                     "description": "The quote this invoice was raised from."})

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("due_date") and data.get("date") and data["due_date"] < data["date"]:
            raise ValidationError("The due date cannot be before the invoice date.", "due_date")


class CreditNoteCreateSchema(Schema):
    customer_id = fields.String(required=True)
    number = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=40))
    date = fields.Date(required=True)
    currency = CURRENCY
    lines = fields.List(fields.Nested(LineInputSchema), required=True,
                        validate=validate.Length(min=1))


class ApplicationInputSchema(Schema):
    invoice_id = fields.String(required=True)
    amount = _amount(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                               error="Must be greater than 0."))


class PaymentCreateSchema(Schema):
    customer_id = fields.String(required=True)
    amount = _amount(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                               error="Must be greater than 0."))
    currency = CURRENCY
    date = fields.Date(required=True)
    mode = fields.String(required=True,
                         validate=validate.OneOf(["cash", "cheque", "bank_transfer", "other"]))
    reference = fields.String(load_default="", validate=validate.Length(max=100))
    applications = fields.List(fields.Nested(ApplicationInputSchema), load_default=list)


class CreditApplySchema(ApplicationInputSchema):
    """Apply a credit note, or the unapplied part of a payment, to an invoice."""

    credit_note_id = fields.String(load_default=None, allow_none=True)
    payment_id = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _one_source(self, data, **kwargs):
        if bool(data.get("credit_note_id")) == bool(data.get("payment_id")):
            raise ValidationError("Give either credit_note_id or payment_id.", "_schema")


class RetainerApplySchema(ApplicationInputSchema):
    retainer_invoice_id = fields.String(required=True)


class CommentInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=4000),
                                                  reject_markup])
    author_name = fields.String(load_default="", validate=validate.Length(max=200))
    show_in_portal = fields.Boolean(load_default=False, metadata={
        "description": "Staff only: whether the customer sees it (theirs always show)."})

    @validates_schema
    def _not_blank(self, data, **kwargs):
        if not data.get("body", "").strip():
            raise ValidationError("The comment is empty.", "body")


class RecurringProfileCreateSchema(Schema):
    customer_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    frequency = fields.String(required=True, validate=validate.OneOf(
        ["weekly", "monthly", "quarterly", "yearly"]))
    start_date = fields.Date(required=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    currency = CURRENCY
    lines = fields.List(fields.Nested(LineInputSchema), required=True,
                        validate=validate.Length(min=1))

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("end_date") and data.get("start_date") and \
                data["end_date"] < data["start_date"]:
            raise ValidationError("The end date cannot be before the start date.", "end_date")


REFUND_SOURCES = ["credit_note", "payment", "retainer"]


class RefundCreateSchema(Schema):
    source = fields.String(required=True, validate=validate.OneOf(REFUND_SOURCES))
    source_id = fields.String(required=True)
    amount = _amount(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                               error="Must be greater than 0."))
    date = fields.Date(required=True)
    mode = fields.String(required=True,
                         validate=validate.OneOf(["cash", "cheque", "bank_transfer", "other"]))
    reference = fields.String(load_default="", validate=validate.Length(max=100))


STATUSES = ["draft", "sent", "viewed", "partially_paid", "paid", "void", "overdue"]


KINDS = ["invoice", "retainer"]
ORDERS = ["asc", "desc"]
INVOICE_SORTS = ["date", "due_date", "total", "number"]


class InvoiceListQuerySchema(Schema):
    """Filters, order and page of ``list_invoice_page``; ``status`` is the effective one."""

    customer_id = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    sort = fields.String(load_default="date", validate=validate.OneOf(INVOICE_SORTS))
    order = fields.String(load_default="desc", validate=validate.OneOf(ORDERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class PortalInvoiceQuerySchema(Schema):
    """The portal's invoice list: ``unpaid`` is every open invoice with a balance (overdue
    ones included); drafts and void invoices are never listed."""

    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(["unpaid", "partially_paid", "overdue",
                                                    "paid"]))
    sort = fields.String(load_default="date", validate=validate.OneOf(INVOICE_SORTS))
    order = fields.String(load_default="desc", validate=validate.OneOf(ORDERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PaymentQuerySchema(Schema):
    """Payments with at least one application to an invoice (``kind`` invoice) or to a
    retainer invoice (``retainer``)."""

    customer_id = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    sort = fields.String(load_default="date", validate=validate.OneOf(["date", "amount"]))
    order = fields.String(load_default="desc", validate=validate.OneOf(ORDERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class StatementQuerySchema(Schema):
    """A customer's statement for [start, end] in one currency, one page at a time."""

    start = fields.Date(required=True)
    end = fields.Date(required=True)
    currency = CURRENCY
    cursor = fields.String(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class CreditNoteQuerySchema(Schema):
    customer_id = fields.String()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# --- output --------------------------------------------------------------------

class TaxSchema(Schema):
    id = fields.String()
    organization_id = fields.String()
    name = fields.String()
    rate = fields.Decimal(as_string=True)
    is_default = fields.Boolean()


class LineSchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    quantity = fields.Decimal(as_string=True)
    rate = fields.Decimal(as_string=True)
    discount = fields.Decimal(as_string=True)
    tax_id = fields.String(allow_none=True)
    amount = Money()
    tax_amount = Money()


class InvoiceSchema(Schema):
    id = fields.String()
    organization_id = fields.String()
    customer_id = fields.String()
    kind = fields.String()
    number = fields.String()
    date = fields.Date()
    due_date = fields.Date()
    currency = fields.String()
    status = fields.Method("_status")
    allow_partial_payments = fields.Boolean()
    first_viewed_at = fields.DateTime(allow_none=True)
    notes = fields.String()
    subtotal = Money()
    tax_total = Money()
    total = Money()
    balance = Money()
    retainer_available = Money()
    lines = fields.List(fields.Nested(LineSchema))
    payment_gateways = fields.List(fields.String())
    sales_order_number = fields.String(allow_none=True)
    quote_number = fields.String(allow_none=True)
    recurring_profile_id = fields.String(allow_none=True)
    recurring_profile_deleted = fields.Method("_profile_deleted")
    sent_at = fields.DateTime(allow_none=True)

    def _status(self, invoice):
        from .operations import effective_status
        return effective_status(invoice)

    def _profile_deleted(self, invoice) -> bool:
        profile = invoice.recurring_profile
        return profile is not None and profile.status == "deleted"


class InvoiceSummarySchema(Schema):
    """One row of the portal's invoice list."""

    id = fields.String()
    number = fields.String()
    kind = fields.String()
    date = fields.Date()
    due_date = fields.Date()
    currency = fields.String()
    status = fields.Method("_status")
    total = Money()
    balance = Money()
    retainer_available = Money()
    first_viewed_at = fields.DateTime(allow_none=True)
    allow_partial_payments = fields.Boolean()
    payment_gateways = fields.List(fields.String())  # may it be paid online

    def _status(self, invoice):
        from .operations import effective_status
        return effective_status(invoice)


class RecurringProfileSchema(Schema):
    id = fields.String()
    customer_id = fields.String()
    name = fields.String()
    frequency = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    currency = fields.String()
    total = Money()
    status = fields.String()
    deleted_at = fields.DateTime(allow_none=True)
    lines = fields.Raw()


class CommentSchema(Schema):
    id = fields.String()
    invoice_id = fields.String()
    author_type = fields.String()
    author_name = fields.String()
    body = fields.String()
    show_in_portal = fields.Boolean()
    created_at = fields.DateTime()


class CreditNoteSchema(Schema):
    id = fields.String()
    organization_id = fields.String()
    customer_id = fields.String()
    number = fields.String()
    date = fields.Date()
    currency = fields.String()
    subtotal = Money()
    tax_total = Money()
    total = Money()
    remaining = Money()
    lines = fields.List(fields.Nested(LineSchema))


class PaymentApplicationSchema(Schema):
    invoice_id = fields.String()
    amount = Money()


class PaymentSchema(Schema):
    id = fields.String()
    number = fields.String()
    organization_id = fields.String()
    customer_id = fields.String()
    amount = Money()
    unapplied = Money()
    currency = fields.String()
    date = fields.Date()
    mode = fields.String()
    reference = fields.String()
    applications = fields.List(fields.Nested(PaymentApplicationSchema))


class CreditApplicationSchema(Schema):
    id = fields.String()
    source = fields.String()
    credit_note_id = fields.String(allow_none=True)
    payment_id = fields.String(allow_none=True)
    retainer_invoice_id = fields.String(allow_none=True)
    invoice_id = fields.String()
    amount = Money()
