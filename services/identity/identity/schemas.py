"""What identity's RPC methods take and give, validated with marshmallow."""
import re
from zoneinfo import available_timezones

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, validate, validates

LANGUAGES = ("es", "en")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="Use a three-letter ISO 4217 code, e.g. EUR.")
COUNTRY = validate.Regexp(r"^([A-Z]{2})?$", error="Use a two-letter ISO 3166 country code, e.g. ES.")
PHONE = validate.Regexp(r"^[0-9+()\-. ]{0,40}$", error="Use digits, spaces and + ( ) - . only.")
SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                       error="Use lower-case letters, digits and hyphens.")
_TIMEZONES = frozenset(available_timezones())


def text(max_length: int, **kwargs) -> fields.String:
    kwargs.setdefault("load_default", "")
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


class EmailOrBlank(fields.Email):
    """An email address, or an empty string where the address is optional."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip() == "":
            return ""
        return super()._deserialize(value.strip() if isinstance(value, str) else value,
                                    attr, data, **kwargs).lower()

    def _validate(self, value):
        if value != "":  # the blank allowed above is not an address to check
            super()._validate(value)


class AddressSchema(Schema):
    attention = text(100)
    street = text(200)
    street2 = text(200)
    city = text(100)
    state = text(100)
    postal_code = text(20)
    country = fields.String(load_default="", validate=COUNTRY)


class OrganizationCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    slug = fields.String(load_default=None, validate=SLUG)
    currency = fields.String(load_default="USD", validate=CURRENCY)
    timezone = fields.String(load_default="UTC")
    language = fields.String(load_default="es", validate=validate.OneOf(LANGUAGES))
    phone = fields.String(load_default="", validate=PHONE)
    website = text(200)
    street = text(200)
    city = text(100)
    state = text(100)
    postal_code = text(20)
    country = fields.String(load_default="", validate=COUNTRY)

    @validates("timezone")
    def _known_timezone(self, value, **kwargs):
        if value not in _TIMEZONES:
            raise ValidationError("Unknown time zone; use an IANA name such as Europe/Madrid.")


class OrganizationUpdateSchema(OrganizationCreateSchema):
    class Meta:
        exclude = ("slug",)


class OrganizationSchema(Schema):
    id = fields.String()
    name = fields.String()
    slug = fields.String()
    email = fields.String()
    currency = fields.String()
    timezone = fields.String()
    language = fields.String()
    phone = fields.String()
    website = fields.String()
    street = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    country = fields.String()
    created_at = fields.DateTime()


class ContactInputSchema(Schema):
    first_name = text(100)
    last_name = text(100)
    email = EmailOrBlank(load_default="")
    phone = fields.String(load_default="", validate=PHONE)
    is_primary = fields.Boolean(load_default=False)


class ContactUpdateSchema(ContactInputSchema):
    pass


class ContactSchema(Schema):
    id = fields.String()
    customer_id = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    name = fields.String()
    email = fields.String()
    phone = fields.String()
    is_primary = fields.Boolean()
    portal_enabled = fields.Boolean()
    portal_status = fields.Method("_portal_status")
    created_at = fields.DateTime()

    def _portal_status(self, contact) -> str:
        if not contact.portal_enabled:
            return "disabled"
        return "active" if contact.password_hash else "invited"


ADDRESS_PARTS = ("attention", "street", "street2", "city", "state", "postal_code", "country")


class CustomerInputSchema(Schema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    company_name = text(200)
    email = EmailOrBlank(load_default="")
    phone = fields.String(load_default="", validate=PHONE)
    website = text(200)
    currency = fields.String(load_default=None, validate=CURRENCY)
    language = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(LANGUAGES))
    allow_ach = fields.Boolean(load_default=False)
    billing_address = fields.Nested(AddressSchema, load_default=None)
    shipping_address = fields.Nested(AddressSchema, load_default=None)


class CustomerCreateSchema(CustomerInputSchema):
    contacts = fields.List(fields.Nested(ContactInputSchema), load_default=list,
                           validate=validate.Length(max=100))


class CustomerSchema(Schema):
    id = fields.String()
    display_name = fields.String()
    company_name = fields.String()
    email = fields.String()
    phone = fields.String()
    website = fields.String()
    currency = fields.String()
    language = fields.String(allow_none=True)
    allow_ach = fields.Boolean()
    billing_address = fields.Method("_billing")
    shipping_address = fields.Method("_shipping")
    contacts = fields.List(fields.Nested(ContactSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _billing(self, customer):
        return {part: getattr(customer, f"billing_{part}") for part in ADDRESS_PARTS}

    def _shipping(self, customer):
        return {part: getattr(customer, f"shipping_{part}") for part in ADDRESS_PARTS}


class CustomerListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=200))
    portal = fields.String(load_default=None, validate=validate.OneOf(("enabled", "disabled")))
    sort = fields.String(load_default="display_name", validate=validate.OneOf(
        ("display_name", "-display_name", "created_at", "-created_at")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class PortalEnableSchema(Schema):
    contact_ids = fields.List(fields.String(validate=validate.Length(max=36)), required=True,
                              validate=validate.Length(min=1, max=100))
    password = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=128))


class BulkEnableSchema(Schema):
    customer_ids = fields.List(fields.String(validate=validate.Length(max=36)), required=True,
                               validate=validate.Length(min=1, max=500))


class PortalResultSchema(Schema):
    enabled = fields.List(fields.Dict())
    skipped = fields.List(fields.Dict())


def page_of(items, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": (total + per_page - 1) // per_page}
