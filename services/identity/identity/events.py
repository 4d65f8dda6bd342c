"""The events identity publishes: one schema each, past-tense names."""
from marshmallow import Schema, fields


class OrganizationRef(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    email = fields.String(required=True)
    language = fields.String(required=True)
    timezone = fields.String(required=True)


class ContactInvited(Schema):
    """Portal access was given (or given again) and the invitation must be sent."""

    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    language = fields.String(required=True)
    organization = fields.Nested(OrganizationRef, required=True)
    invitation_token = fields.String(required=True, metadata={"sensitive": True})
    invitation_expires_at = fields.DateTime(required=True)
    password = fields.String(load_default=None, allow_none=True, metadata={"sensitive": True})
    reinvite = fields.Boolean(load_default=False)


class ContactPortalEnabled(Schema):
    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    password_set_by_staff = fields.Boolean(required=True)


class ContactPortalDisabled(Schema):
    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)


class ContactDeleted(Schema):
    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)


class CustomerDeleted(Schema):
    customer_id = fields.String(required=True)


SCHEMAS = {
    "contact_invited": ContactInvited(),
    "contact_portal_enabled": ContactPortalEnabled(),
    "contact_portal_disabled": ContactPortalDisabled(),
    "contact_deleted": ContactDeleted(),
    "customer_deleted": CustomerDeleted(),
}
