"""What notify's RPC methods take and give (marshmallow)."""
import base64
import binascii
import re

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


class AttachmentInfoSchema(Schema):
    """A file sent with a mail: what it was, not its bytes."""

    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "Bytes."})


class OutgoingMailDetailSchema(OutgoingMailSchema):
    html_body = fields.String()
    attachments = fields.List(fields.Nested(AttachmentInfoSchema))


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


# --- a document forwarded by email (send_document_email) --------------------------------

DOCUMENT_TYPES = ("invoice", "quote", "sales_order", "receipt", "statement")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Base64 of ATTACHMENT_MAX_BYTES is this long; longer text is refused before decoding it.
_BASE64_MAX = (ATTACHMENT_MAX_BYTES + 2) // 3 * 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _one_line(max_length: int, *, required: bool = True) -> fields.String:
    """A name or number: no line breaks or other control characters."""
    def check(value):
        if _CONTROL.search(value):
            raise ValidationError("Remove the control characters (such as line breaks).")
        if required and not value.strip():
            raise ValidationError("Fill in this field.")
    validators = [validate.Length(max=max_length), check]
    if required:
        return fields.String(required=True, validate=validators)
    return fields.String(load_default="", allow_none=True, validate=validators)


class Base64Pdf(fields.String):
    """A PDF sent as base64: decoded to bytes here, at most ATTACHMENT_MAX_BYTES."""

    default_error_messages = {
        "not_base64": "Not valid base64.",
        "too_big": f"The file is larger than {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MiB.",
        "empty": "The file is empty.",
        "not_pdf": "The file is not a PDF.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = "".join(super()._deserialize(value, attr, data, **kwargs).split())
        if len(text) > _BASE64_MAX:
            raise self.make_error("too_big")
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise self.make_error("not_base64") from None
        if not content:
            raise self.make_error("empty")
        if len(content) > ATTACHMENT_MAX_BYTES:
            raise self.make_error("too_big")
        if not content.startswith(b"%PDF-"):
            raise self.make_error("not_pdf")
        return content


class AttachmentSchema(Schema):
    filename = _one_line(200)
    content_base64 = Base64Pdf(required=True)

    @validates("filename")
    def _plain_pdf_name(self, value, **kwargs):
        if "/" in value or "\\" in value:
            raise ValidationError("A file name, without folders.")
        if not value.lower().endswith(".pdf"):
            raise ValidationError("The file name must end in .pdf.")


class DocumentEmailInputSchema(Schema):
    """What the portal sends to forward a document: who to, in which language, what it is,
    who forwarded it, an optional message, and the PDF."""

    to_email = fields.Email(required=True, validate=validate.Length(max=254))
    to_name = _one_line(200, required=False)
    language = fields.String(required=True, validate=validate.OneOf(("es", "en")))
    document_type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    document_number = _one_line(60)
    sender_name = _one_line(200)
    customer_name = _one_line(200)
    organization_name = _one_line(200)
    reply_to = fields.Email(load_default="", allow_none=True, validate=validate.Length(max=254))
    message = fields.String(load_default="", allow_none=True,
                            validate=validate.Length(max=2000))
    attachment = fields.Nested(AttachmentSchema, required=True)

    @validates("message")
    def _no_control_characters(self, value, **kwargs):
        if value and _CONTROL_MULTILINE.search(value):
            raise ValidationError("Remove the control characters.")
