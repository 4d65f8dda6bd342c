"""The staff API's shapes for quotes and sales orders, around quotes's own schemas
(quotes.schemas), as .schemas does around billing's: ``line_items`` for ``lines``, the
currency the customer's unless given, the staff comment's defaults; and the pages and
details the routes answer with."""
from marshmallow import Schema, fields, validate

from quotes.schemas import (CommentInputSchema, CommentSchema, LineInputSchema,
                            QuoteCreateSchema, QuoteSchema, QuoteUpdateSchema,
                            SalesOrderCreateSchema, SalesOrderSchema)

from .schemas import _line_items, _money, _optional_currency, list_of, page_of


# --- bodies --------------------------------------------------------------------------------

class QuoteBodySchema(QuoteCreateSchema):
    """quotes's QuoteCreateSchema with ``line_items`` for ``lines``; the currency is the
    customer's unless given, the number the next QT-… unless given."""

    currency = _optional_currency()
    lines = _line_items(LineInputSchema)


class QuoteUpdateBodySchema(QuoteUpdateSchema):
    """What PATCH /quotes/{id} takes: any part of the quote but its customer."""

    class Meta:
        exclude = ("customer_id",)

    currency = _optional_currency()
    lines = _line_items(LineInputSchema)


class SalesOrderBodySchema(SalesOrderCreateSchema):
    currency = _optional_currency()
    lines = _line_items(LineInputSchema)
    quote_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "The quote it comes from: one of yours, for the same customer."})


class QuoteCommentBodySchema(CommentInputSchema):
    """quotes's comment as staff write it; the author is "Staff" unless named."""

    author_name = fields.String(load_default="Staff", validate=validate.Length(min=1, max=200))


# --- answers -------------------------------------------------------------------------------

class QuoteRevisionSchema(Schema):
    """A superseded revision, as it stood when the next one was made."""

    revision = fields.Integer()
    status = fields.String()
    date = fields.Date()
    expiry_date = fields.Date(allow_none=True)
    total = _money()
    decline_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    superseded_at = fields.DateTime()


class QuoteDetailSchema(QuoteSchema):
    revisions = fields.List(fields.Nested(QuoteRevisionSchema), metadata={
        "description": "The superseded revisions, oldest first."})
    comments = fields.List(fields.Nested(CommentSchema))


QuotePageSchema = page_of(QuoteSchema, "QuotePageSchema")
QuoteCommentListSchema = list_of(CommentSchema, "QuoteCommentListSchema")


class ConvertedInvoiceSchema(Schema):
    id = fields.String()
    number = fields.String()
    status = fields.String(metadata={"example": "sent"})
    total = _money()
    currency = fields.String()


class QuoteConversionSchema(Schema):
    quote = fields.Nested(QuoteSchema, required=True)
    invoice = fields.Nested(ConvertedInvoiceSchema, required=True, metadata={
        "description": "The sent invoice billing made of it (GET /invoices/{id})."})


SalesOrderPageSchema = page_of(SalesOrderSchema, "SalesOrderPageSchema")
