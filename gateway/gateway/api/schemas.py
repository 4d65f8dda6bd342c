"""Shapes the API itself adds around the services' own schemas (identity.schemas etc.)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from billing.schemas import (CreditApplySchema, InvoiceSchema, LineInputSchema,
                             PaymentCreateSchema, RetainerApplySchema, TaxSchema)
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


class CustomerPageSchema(PageSchema):
    items = fields.List(fields.Nested(CustomerSchema), required=True)


class EmailTemplateListSchema(Schema):
    items = fields.List(fields.Nested(EmailTemplateSchema), required=True)


class OutgoingMailPageSchema(PageSchema):
    items = fields.List(fields.Nested(OutgoingMailSchema), required=True)


class NotificationPreferenceListSchema(Schema):
    items = fields.List(fields.Nested(NotificationPreferenceSchema), required=True)


class LinkedFeedEntrySchema(FeedEntrySchema):
    link = fields.String(required=True, metadata={
        "description": "Where this API shows it: the document, else the customer."})


class FeedPageSchema(PageSchema):
    items = fields.List(fields.Nested(LinkedFeedEntrySchema), required=True)
    unread = fields.Integer(required=True, metadata={
        "description": "Unread entries matching kind and customer_id."})


class FeedReadAllSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many were unread."})


class ReviewPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReviewSchema), required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("ready", "not_ready")))
    services = fields.Dict(keys=fields.String(),
                           values=fields.String(validate=validate.OneOf(("up", "down"))))


# --- billing: the API's bodies around billing's own schemas -----------------------------

class InvoiceBodySchema(Schema):
    """billing's InvoiceCreateSchema with ``line_items`` for ``lines``; the currency is the
    customer's unless given."""

    customer_id = fields.String(required=True)
    number = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=40))
    kind = fields.String(load_default="invoice", validate=validate.OneOf(["invoice", "retainer"]))
    date = fields.Date(required=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    allow_partial_payments = fields.Boolean(load_default=True)
    notes = fields.String(load_default="")
    line_items = fields.List(fields.Nested(LineInputSchema), required=True,
                             validate=validate.Length(min=1))

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("due_date") and data.get("date") and data["due_date"] < data["date"]:
            raise ValidationError("The due date cannot be before the invoice date.", "due_date")


class CreditNoteBodySchema(Schema):
    customer_id = fields.String(required=True)
    number = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=40))
    date = fields.Date(required=True)
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    line_items = fields.List(fields.Nested(LineInputSchema), required=True,
                             validate=validate.Length(min=1))


class PaymentBodySchema(PaymentCreateSchema):
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"), metadata={
        "description": "The customer's currency unless given."})


class CreditApplyBodySchema(CreditApplySchema):
    customer_id = fields.String(required=True)


class RetainerApplyBodySchema(RetainerApplySchema):
    customer_id = fields.String(required=True)


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)


class TaxListSchema(Schema):
    items = fields.List(fields.Nested(TaxSchema), required=True)
