"""The events identity publishes: one schema each, past-tense names."""
from marshmallow import Schema, fields, validate


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


class Change(Schema):
    field = fields.String(required=True)
    old = fields.String(required=True)
    new = fields.String(required=True)


class CustomerDetailsUpdated(Schema):
    """A contact changed the customer's or their own details in the portal.

    ``changes`` holds only the fields whose value changed (never empty: when
    nothing changed, nothing is published). Address fields are named without the
    section's prefix (``city``, not ``billing_city``).
    """

    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    section = fields.String(required=True, validate=validate.OneOf(
        ("company", "billing_address", "shipping_address", "contact")))
    changes = fields.List(fields.Nested(Change), required=True, validate=validate.Length(min=1))


class ContactPasswordChanged(Schema):
    """A contact changed their portal password (their other sessions were ended)."""

    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    language = fields.String(required=True, metadata={
        "description": "The customer's language, else the organization's."})


class CustomerMessageSent(Schema):
    """A contact wrote to the business from the portal ("Send email")."""

    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    message_id = fields.String(required=True)
    subject = fields.String(required=True)
    message = fields.String(required=True)
    contact_email = fields.String(required=True)
    contact_name = fields.String(required=True)


class ContactAdded(Schema):
    """A contact was added to a customer other than by staff (``via``: "forward", a portal
    contact forwarded a document to this address). Portal access is not given."""

    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    email = fields.String(required=True)
    via = fields.String(required=True, validate=validate.OneOf(("forward",)))


class ReviewSubmitted(Schema):
    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    review_id = fields.String(required=True)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    message = fields.String(required=True)


SCHEMAS = {
    "contact_invited": ContactInvited(),
    "contact_portal_enabled": ContactPortalEnabled(),
    "contact_portal_disabled": ContactPortalDisabled(),
    "contact_deleted": ContactDeleted(),
    "customer_deleted": CustomerDeleted(),
    "customer_details_updated": CustomerDetailsUpdated(),
    "contact_password_changed": ContactPasswordChanged(),
    "customer_message_sent": CustomerMessageSent(),
    "review_submitted": ReviewSubmitted(),
    "contact_added": ContactAdded(),
}
