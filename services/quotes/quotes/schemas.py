"""What quotes's RPC methods take and give (marshmallow). Amounts are strings."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal_common.money import quantize, to_wire
from portal_common.text import reject_markup

from .models import QUOTE_STATUSES

CURRENCY = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
NUMBER = dict(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))


def _amount(**kwargs):
    return fields.Decimal(as_string=True, allow_nan=False, **kwargs)


class Money(fields.String):
    """A Decimal as the string of its document's currency ('1234.50', JPY '1235')."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return to_wire(value, _currency_of(obj))


def _currency_of(obj) -> str:
    for owner in (obj, getattr(obj, "quote", None), getattr(obj, "sales_order", None)):
        currency = getattr(owner, "currency", None)
        if currency:
            return currency
    return "XXX"


def _percent(rate) -> str | None:
    """A rate as people write it: '21', '7.5'."""
    return None if rate is None else format(Decimal(str(rate)).normalize(), "f")


class Plain(fields.String):
    """A quantity or percentage as people write it ('2', '1.5', '10'), however stored."""

    def _serialize(self, value, attr, obj, **kwargs):
        return _percent(value)


class UnitPrice(fields.String):
    """A rate with at least its currency's decimals ('10.00', '10.005', JPY '1000')."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        currency = _currency_of(obj)
        if quantize(Decimal(str(value)), currency) == value:
            return to_wire(value, currency)
        return _percent(value)


# --- input ---------------------------------------------------------------------

class LineInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    quantity = _amount(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                                 error="Must be greater than 0."))
    rate = _amount(required=True, validate=validate.Range(min=0))
    discount = _amount(load_default=0, validate=validate.Range(min=0, max=100))
    tax_id = fields.String(load_default=None, allow_none=True)


class _DocumentSchema(Schema):
    """What a quote and a sales order share."""

    currency = CURRENCY
    date = fields.Date(required=True)
    reference = fields.String(load_default="", validate=validate.Length(max=100))
    notes = fields.String(load_default="")
    lines = fields.List(fields.Nested(LineInputSchema), required=True,
                        validate=validate.Length(min=1))


class QuoteUpdateSchema(_DocumentSchema):
    """The whole document again (the gateway merges the current values in)."""

    expiry_date = fields.Date(load_default=None, allow_none=True)
    terms = fields.String(load_default="")
    number = fields.String(**NUMBER)  # optional: a new number, checked like on creation
    customer_id = fields.String()  # optional: may only repeat the quote's own

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("expiry_date") and data.get("date") and data["expiry_date"] < data["date"]:
            raise ValidationError("The expiry date cannot be before the quote date.",
                                  "expiry_date")


class QuoteCreateSchema(QuoteUpdateSchema):
    customer_id = fields.String(required=True)


class SalesOrderCreateSchema(_DocumentSchema):
    customer_id = fields.String(required=True)
    number = fields.String(**NUMBER)
    expected_shipment_date = fields.Date(load_default=None, allow_none=True)
    quote_id = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _dates(self, data, **kwargs):
        shipment = data.get("expected_shipment_date")
        if shipment and data.get("date") and shipment < data["date"]:
            raise ValidationError("The expected shipment date cannot be before the order date.",
                                  "expected_shipment_date")


class AcceptSchema(Schema):
    contact_name = fields.String(required=True, validate=validate.Length(max=200))
    signature_name = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Length(max=200))


class DeclineSchema(Schema):
    contact_name = fields.String(required=True, validate=validate.Length(max=200))
    reason = fields.String(load_default="", allow_none=True,
                           validate=[validate.Length(max=2000), reject_markup])


class CommentInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=4000),
                                                  reject_markup])
    author_name = fields.String(load_default="", validate=validate.Length(max=200))
    show_in_portal = fields.Boolean(load_default=False, metadata={
        "description": "Staff only: whether the customer sees it (theirs always show)."})
    email_customer = fields.Boolean(load_default=False, metadata={
        "description": "Staff only, with show_in_portal: email the customer's contact."})

    @validates_schema
    def _not_blank(self, data, **kwargs):
        if "body" in data and not data["body"].strip():
            raise ValidationError("The comment is empty.", "body")


class FulfilSchema(Schema):
    invoice_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


QUOTE_FILTERS = ["draft", "sent", "viewed", "accepted", "declined", "expired", "invoiced",
                 "awaiting", "all"]
QUOTE_SORTS = ["date", "number", "total", "expiry_date"]
SALES_ORDER_FILTERS = ["open", "confirmed", "fulfilled", "closed", "all"]
SALES_ORDER_SORTS = ["date", "number", "total", "expected_shipment_date"]


def _sorts(names):
    return [prefix + name for name in names for prefix in ("", "-")]


class _PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class QuoteQuerySchema(_PageQuerySchema):
    """``status``: an effective status, ``awaiting`` (sent or viewed, not expired) or all."""

    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(QUOTE_FILTERS))
    sort = fields.String(load_default="-date", validate=validate.OneOf(_sorts(QUOTE_SORTS)))


class PortalQuoteQuerySchema(QuoteQuerySchema):
    """The portal's list: never drafts."""

    status = fields.String(validate=validate.OneOf([s for s in QUOTE_FILTERS if s != "draft"]))


class SalesOrderQuerySchema(_PageQuerySchema):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(SALES_ORDER_FILTERS))
    sort = fields.String(load_default="-date",
                         validate=validate.OneOf(_sorts(SALES_ORDER_SORTS)))


class PortalSalesOrderQuerySchema(SalesOrderQuerySchema):
    pass


# --- output --------------------------------------------------------------------

class LineSchema(Schema):
    position = fields.Integer()
    name = fields.String()
    description = fields.String()
    quantity = Plain()
    rate = UnitPrice()
    discount = Plain()
    tax_id = fields.String(allow_none=True)
    tax_name = fields.String(allow_none=True)
    tax_rate = fields.Method("_tax_rate", metadata={"type": "string", "nullable": True})
    amount = Money()
    tax_amount = Money()

    def _tax_rate(self, line):
        return _percent(line.tax_rate)


def tax_rows(document) -> list[dict]:
    """The document's tax per tax (name and rate as its lines keep them), in the order the
    lines first use them: what its totals show between the subtotal and the total."""
    rows: dict[tuple, dict] = {}
    for line in document.lines:
        if line.tax_id or line.tax_name:
            key = (line.tax_name or "", _percent(line.tax_rate))
            row = rows.setdefault(key, {"name": key[0], "rate": key[1], "amount": Decimal(0)})
            row["amount"] += line.tax_amount
    return [{**row, "amount": to_wire(row["amount"], document.currency)}
            for row in rows.values()]


TAXES = dict(metadata={"type": "array", "items": {"type": "object"},
                       "description": "The tax per tax: name, rate, amount."})


class QuoteSchema(Schema):
    id = fields.String()
    number = fields.String()
    revision = fields.Integer()
    customer_id = fields.String()
    status = fields.Method("_status", metadata={"type": "string", "enum": [
        s for s in QUOTE_STATUSES]})
    date = fields.Date()
    expiry_date = fields.Date(allow_none=True)
    reference = fields.String()
    currency = fields.String()
    notes = fields.String()
    terms = fields.String()
    subtotal = Money()
    tax_total = Money()
    total = Money()
    taxes = fields.Function(tax_rows, **TAXES)
    lines = fields.List(fields.Nested(LineSchema))
    sent_at = fields.DateTime(allow_none=True)
    first_viewed_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by_contact_id = fields.String(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    signature_name = fields.String(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    invoice_id = fields.String(allow_none=True)
    invoice_number = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime(allow_none=True)

    def _status(self, quote):
        from .quotes import effective_status
        return effective_status(quote)


class CommentSchema(Schema):
    id = fields.String()
    author_type = fields.String()
    author_name = fields.String()
    body = fields.String()
    show_in_portal = fields.Boolean()
    emailed = fields.Boolean()
    revision = fields.Integer()
    created_at = fields.DateTime()


class SalesOrderSchema(Schema):
    id = fields.String()
    number = fields.String()
    customer_id = fields.String()
    status = fields.String()
    date = fields.Date()
    expected_shipment_date = fields.Date(allow_none=True)
    reference = fields.String()
    currency = fields.String()
    notes = fields.String()
    subtotal = Money()
    tax_total = Money()
    total = Money()
    taxes = fields.Function(tax_rows, **TAXES)
    lines = fields.List(fields.Nested(LineSchema))
    quote_id = fields.String(allow_none=True)
    invoice_id = fields.String(allow_none=True)
    invoice_number = fields.String(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    fulfilled_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    first_viewed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
