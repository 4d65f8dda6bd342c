"""The events notify consumes, read tolerantly: only what notify needs, the rest ignored.

The publisher owns each event's schema (``identity.events``); these are the
reader's side of that contract, so notify keeps working when identity adds a
field.
"""
from datetime import timezone

from marshmallow import EXCLUDE, Schema, fields


class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class OrganizationRef(_Tolerant):
    id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    email = fields.String(load_default="")
    language = fields.String(load_default=None, allow_none=True)
    timezone = fields.String(load_default="UTC", allow_none=True)


class ContactInvited(_Tolerant):
    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    name = fields.String(load_default="", allow_none=True)
    language = fields.String(load_default=None, allow_none=True)
    organization = fields.Nested(OrganizationRef, required=True)
    invitation_token = fields.String(required=True)
    invitation_expires_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    password = fields.String(load_default=None, allow_none=True)
    reinvite = fields.Boolean(load_default=False)


class Envelope(_Tolerant):
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    occurred_at = fields.String(load_default=None, allow_none=True)
    organization_id = fields.String(required=True)
    payload = fields.Dict(required=True)
