"""What identity's RPC methods take and give, validated with marshmallow."""
import re
from zoneinfo import available_timezones

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from .countries import COUNTRY_CODES

# The words of identity's refusals. The portal translates each of them (gateway
# portal/messages.py keeps the same sentences as keys), so change both together.
TOO_LONG = "Use at most {max} characters."
FILL_IN = "Fill in this field."
CONTROL_CHARACTERS = "Remove the control characters (such as line breaks) from this field."
NOT_AN_EMAIL = "Not a valid email address."
PHONE_CHARACTERS = "Use digits, spaces and + ( ) - . only."
COUNTRY_CODE = "Use a two-letter ISO 3166 country code, e.g. ES."
POSTAL_CODE_CHARACTERS = "Use letters, digits, spaces and hyphens only."
WEB_ADDRESS = "Enter a web address such as https://www.example.com."
RATING = "Choose a rating from 1 to 5."

LANGUAGES = ("es", "en")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="Use a three-letter ISO 4217 code, e.g. EUR.")
SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                       error="Use lower-case letters, digits and hyphens.")
_TIMEZONES = frozenset(available_timezones())
# Control characters (C0, DEL, C1) and the Unicode line/paragraph separators. NUL in
# particular would be refused by PostgreSQL itself, as an error instead of an answer.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control_characters(pattern):
    def check(value):
        if isinstance(value, str) and pattern.search(value):
            raise ValidationError(CONTROL_CHARACTERS)
    return check


def text(max_length: int, *, required: bool = False, multiline: bool = False,
         **kwargs) -> fields.String:
    """Free text: at most ``max_length`` characters and no control characters (line
    breaks only where ``multiline``); ``required`` also refuses a blank value."""
    validators = [_no_control_characters(_CONTROL_MULTILINE if multiline else _CONTROL),
                  _length(max_length, required)]
    if required:
        kwargs["required"] = True
        kwargs.setdefault("error_messages", {"required": FILL_IN, "null": FILL_IN})
    else:
        kwargs.setdefault("load_default", "")
    return fields.String(validate=validators, **kwargs)


def _length(max_length: int, required: bool):
    def check(value):
        if required and not value.strip():
            raise ValidationError(FILL_IN)
        if len(value) > max_length:
            raise ValidationError(TOO_LONG.format(max=max_length))
    return check


def _country(value):
    if value and value not in COUNTRY_CODES:
        raise ValidationError(COUNTRY_CODE)


_WEB_ADDRESS = re.compile(r"(https?://)?[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*"
                          r"\.[^\W\d_]{2,}(?::\d{1,5})?(?:[/?#][^\s<>\"'`\\]*)?",
                          re.IGNORECASE)


def _website(value):
    """Blank, or a web address (the scheme is optional; only http and https)."""
    if not value:
        return
    if len(value) > 200:
        raise ValidationError(TOO_LONG.format(max=200))
    if not _WEB_ADDRESS.fullmatch(value):
        raise ValidationError(WEB_ADDRESS)


COUNTRY = _country
PHONE = validate.And(validate.Length(max=40, error=TOO_LONG),
                     validate.Regexp(r"^[0-9+()\-. ]*$", error=PHONE_CHARACTERS))
POSTAL_CODE = validate.And(validate.Length(max=20, error=TOO_LONG),
                           validate.Regexp(r"^[0-9A-Za-z \-]*$", error=POSTAL_CODE_CHARACTERS))
WEBSITE = _website


class EmailOrBlank(fields.Email):
    """An email address, or an empty string where the address is optional."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip() == "":
            return ""
        return super()._deserialize(value.strip() if isinstance(value, str) else value,
                                    attr, data, **kwargs).lower()

    def _validate(self, value):
        if value != "":  # the blank allowed above is not an address to check
            if len(value) > 254:
                raise ValidationError(TOO_LONG.format(max=254))
            super()._validate(value)


class AddressSchema(Schema):
    attention = text(100)
    street = text(200)
    street2 = text(200)
    city = text(100)
    state = text(100)
    postal_code = fields.String(load_default="", validate=POSTAL_CODE)
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
    portal_show_sales_orders = fields.Boolean()
    portal_show_projects = fields.Boolean()
    created_at = fields.DateTime()


class PortalPreferencesSchema(Schema):
    """The sections the organization's customers see besides invoices, payments and
    statements (both off by default; off, the section is hidden and its pages are 404)."""

    portal_show_sales_orders = fields.Boolean(data_key="show_sales_orders", metadata={
        "description": "Customers see their sales orders (and the invoices raised from them)."})
    portal_show_projects = fields.Boolean(data_key="show_projects_and_timesheets", metadata={
        "description": "Customers see their active projects and approve timesheets."})


class ContactInputSchema(Schema):
    first_name = text(100)
    last_name = text(100)
    email = EmailOrBlank(load_default="")
    phone = fields.String(load_default="", validate=PHONE)
    is_primary = fields.Boolean(load_default=False)


class ContactUpdateSchema(ContactInputSchema):
    pass


class ForwardedContactSchema(Schema):
    """Someone a portal contact forwarded a document to, kept as a contact of the customer."""

    email = EmailOrBlank(required=True, error_messages={"required": FILL_IN, "null": FILL_IN})
    name = text(200)

    @validates("email")
    def _present(self, value, **kwargs):
        if not value:
            raise ValidationError(FILL_IN)


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
    website = fields.String(load_default="", validate=WEBSITE)
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


# --- what a contact does in the portal ------------------------------------------------

class CompanyDetailsSchema(Schema):
    """The portal's "company" section of My details (the display name stays staff's)."""

    company_name = text(200)
    email = EmailOrBlank(load_default="")
    phone = fields.String(load_default="", validate=PHONE)
    website = fields.String(load_default="", validate=WEBSITE)


class ContactDetailsSchema(Schema):
    """The portal's "contact" section: the logged-in contact's own details. The
    email address is the user name and is changed by staff only."""

    first_name = text(100)
    last_name = text(100)
    phone = fields.String(load_default="", validate=PHONE)


# section -> (schema, what the fields belong to, the column prefix)
DETAIL_SECTIONS = {
    "company": (CompanyDetailsSchema, "customer", ""),
    "billing_address": (AddressSchema, "customer", "billing_"),
    "shipping_address": (AddressSchema, "customer", "shipping_"),
    "contact": (ContactDetailsSchema, "contact", ""),
}


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True, validate=validate.Length(max=128))
    new_password = fields.String(required=True, validate=validate.Length(max=128))


class CustomerMessageInputSchema(Schema):
    subject = text(200, required=True)
    message = text(5000, required=True, multiline=True)


class CustomerMessageSchema(Schema):
    id = fields.String()
    customer_id = fields.String()
    contact_id = fields.String()
    subject = fields.String()
    message = fields.String()
    created_at = fields.DateTime()


class ReviewInputSchema(Schema):
    rating = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=1, max=5, error=RATING),
                            error_messages={"required": RATING, "null": RATING,
                                            "invalid": RATING})
    message = text(2000, required=True, multiline=True)


class ReviewSchema(Schema):
    id = fields.String()
    customer_id = fields.String()
    customer_name = fields.String(metadata={"description": "The customer's display name now."})
    contact_id = fields.String()
    contact_name = fields.String(metadata={"description": "The contact's name now."})
    contact_email = fields.String()
    rating = fields.Integer(metadata={"description": "1 (poor) to 5 (excellent)."})
    message = fields.String()
    created_at = fields.DateTime()


class ReviewQuerySchema(Schema):
    """Filters, sort and page of a review list."""

    class Meta:
        unknown = EXCLUDE

    rating = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5),
                            metadata={"description": "Only reviews with this rating (1-5)."})
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(
        ("created_at", "-created_at", "rating", "-rating")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class CustomerReviewQuerySchema(ReviewQuerySchema):
    contact_id = fields.String(load_default=None, validate=validate.Length(max=36),
                               metadata={"description": "Only this contact's reviews."})


class ReviewListQuerySchema(CustomerReviewQuerySchema):
    customer_id = fields.String(load_default=None, validate=validate.Length(max=36),
                                metadata={"description": "Only this customer's reviews."})


def page_of(items, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": (total + per_page - 1) // per_page}
