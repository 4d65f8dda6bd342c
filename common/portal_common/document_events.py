"""Shapes shared by the events services publish about a customer's document.

Activity events carry the customer, the contact who acted (null when staff did) and the
document ``{type, id, number}``; comment events (``comment_added`` when a customer
commented, ``staff_replied`` when staff's comment is to be emailed to the customer's
contact) carry the document flat, its author's name and the body. A service subclasses
these for its own document types (see quotes' and timesheets' events).
"""
from marshmallow import Schema, fields, validate


def document_schema(types: list[str] | None = None) -> type[Schema]:
    """The ``document`` of an activity event; its ``type`` one of ``types`` when given."""
    checked = validate.OneOf(types) if types else None

    class Document(Schema):
        type = fields.String(required=True, validate=checked)
        id = fields.String(required=True)
        number = fields.String(required=True)

    return Document


def activity_schema(document_schema: type[Schema]) -> type[Schema]:
    """The base of a service's activity events about documents of ``document_schema``."""
    nested = document_schema

    class Activity(Schema):
        customer_id = fields.String(required=True)
        contact_id = fields.String(required=True, allow_none=True)
        document = fields.Nested(nested, required=True)

    return Activity


class CommentEvent(Schema):
    """A comment on a customer's document (``contact_id``: who commented, or whom to
    email)."""

    document_type = fields.String(required=True)
    document_id = fields.String(required=True)
    document_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True, allow_none=True)
    author_name = fields.String(required=True)
    body = fields.String(required=True)
