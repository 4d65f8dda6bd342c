"""The events notify publishes: one schema each, past-tense names."""
from marshmallow import Schema, fields


class EmailSent(Schema):
    """An email left for its recipient (accepted by the SMTP server, or written to a file)."""

    mail_id = fields.String(required=True)
    kind = fields.String(required=True)
    to = fields.String(required=True)
    source_event_id = fields.String(required=True)
    message_id = fields.String(required=True)
    attempts = fields.Integer(required=True)
    sent_at = fields.DateTime(required=True)


class EmailFailed(Schema):
    """An email was given up on: refused for good, or out of attempts."""

    mail_id = fields.String(required=True)
    kind = fields.String(required=True)
    to = fields.String(required=True)
    source_event_id = fields.String(required=True)
    attempts = fields.Integer(required=True)
    error = fields.String(required=True)


SCHEMAS = {
    "email_sent": EmailSent(),
    "email_failed": EmailFailed(),
}
