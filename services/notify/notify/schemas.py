"""What notify's RPC methods take and give (marshmallow)."""
from marshmallow import (EXCLUDE, Schema, ValidationError, fields, validate, validates,
                         validates_schema)

from .activities import ACTIVITY_KINDS
from .catalog import KINDS
from .models import STATUSES

SUBJECT_MAX = 200
BODY_MAX = 20000


class EmailTemplateInputSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=SUBJECT_MAX))
    body = fields.String(required=True, validate=validate.Length(min=1, max=BODY_MAX))

    @validates("subject")
    def _one_line(self, value, **kwargs):
        if "\n" in value or "\r" in value:
            raise ValidationError("The subject must be a single line.")
        if not value.strip():
            raise ValidationError("The subject must not be blank.")

    @validates("body")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("The body must not be blank.")


class PlaceholderSchema(Schema):
    name = fields.String()
    description = fields.String()
    sensitive = fields.Boolean()
    optional = fields.Boolean()


class EmailTemplateSchema(Schema):
    """One kind of email in one language: the wording in use and what it may contain."""

    key = fields.String()
    language = fields.String()
    description = fields.String()
    subject = fields.String()
    body = fields.String()
    customized = fields.Boolean()
    updated_at = fields.DateTime(allow_none=True)
    placeholders = fields.List(fields.Nested(PlaceholderSchema))


class OutgoingMailSchema(Schema):
    """An email in the queue as staff see it: secrets masked, the HTML left out."""

    id = fields.String()
    kind = fields.String()
    language = fields.String()
    to = fields.String(attribute="to_address")
    to_name = fields.String()
    from_name = fields.String()
    reply_to = fields.String()
    subject = fields.String()
    text_body = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.Method("_next_attempt_at")
    last_error = fields.String(allow_none=True)
    message_id = fields.String()
    event_id = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)

    def _next_attempt_at(self, mail):
        return mail.next_attempt_at.isoformat() if mail.status == "queued" else None


class OutgoingMailDetailSchema(OutgoingMailSchema):
    html_body = fields.String()


class MailListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATUSES))
    kind = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(tuple(KINDS)))
    to = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else ("yes", 1 and "true" are refused)."""

    default_error_messages = {"invalid": "Use true or false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class NotificationPreferenceInputSchema(Schema):
    """What to change for one kind of activity; either or both."""

    email = StrictBoolean(metadata={"description": "Email the organization's address."})
    feed = StrictBoolean(metadata={"description": "Add an entry to the staff feed."})

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send email, feed or both.", "_schema")


class NotificationPreferenceSchema(Schema):
    """How staff hear of one kind of customer activity."""

    kind = fields.String(validate=validate.OneOf(tuple(ACTIVITY_KINDS)))
    description = fields.String()
    email = fields.Boolean()
    feed = fields.Boolean()
    customized = fields.Boolean(metadata={"description": "False while the default applies."})


class PartySchema(Schema):
    id = fields.String()
    name = fields.String()


class DocumentSchema(Schema):
    type = fields.String()
    id = fields.String()
    number = fields.String(allow_none=True)


class FeedEntrySchema(Schema):
    """One customer activity in the staff feed."""

    id = fields.String()
    kind = fields.String()
    summary = fields.String(metadata={"description": "One line, in the organization's "
                                                    "language."})
    customer = fields.Nested(PartySchema)
    contact = fields.Nested(PartySchema, allow_none=True)
    document = fields.Nested(DocumentSchema, allow_none=True)
    details = fields.Dict(metadata={"description": "The rest of the event: changed fields, "
                                                   "rating, message …"})
    occurred_at = fields.DateTime()
    read = fields.Boolean()
    read_at = fields.DateTime(allow_none=True)


class FeedQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    unread = fields.Boolean(load_default=None, allow_none=True,
                            truthy={"true", True}, falsy={"false", False})
    kind = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(tuple(ACTIVITY_KINDS)))
    customer_id = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(min=1, max=36))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


def page_of(items, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": (total + per_page - 1) // per_page}
