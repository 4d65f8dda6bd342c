"""Shapes the API itself adds around the services' own schemas (identity.schemas etc.)."""
from marshmallow import Schema, fields, validate

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
