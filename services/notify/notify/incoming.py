"""The events notify consumes, read tolerantly: only what notify needs, the rest ignored.

The publisher owns each event's schema (``identity.events``); these are the
reader's side of that contract, so notify keeps working when identity adds a
field.
"""
from datetime import timezone

from marshmallow import EXCLUDE, Schema, fields, post_load, validate


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


# A document's number: "QT-00001", "TS-00001", or for a project (timesheets) its name.
NUMBER_MAX = 200


class DocumentRef(_Tolerant):
    type = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    number = fields.String(load_default="", allow_none=True,
                           validate=validate.Length(max=NUMBER_MAX))


class ActivityPayload(_Tolerant):
    """What every customer-activity event carries; the rest is kept as the entry's details.

    Later events may add ``reason``, ``comment``, ``amount`` and ``currency``,
    ``error_code`` and ``remedy`` (a string, or one per language): the staff
    emails show them when they are there.
    """

    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    contact_id = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(max=36))
    document = fields.Nested(DocumentRef, load_default=None, allow_none=True)


class FieldChange(Schema):
    field = fields.String(required=True, validate=validate.Length(min=1, max=60))
    old = fields.Raw(load_default=None, allow_none=True)
    new = fields.Raw(load_default=None, allow_none=True)

    class Meta:
        unknown = EXCLUDE


class CustomerDetailsUpdated(ActivityPayload):
    section = fields.String(required=True, validate=validate.Length(min=1, max=40))
    changes = fields.List(fields.Nested(FieldChange), required=True,
                          validate=validate.Length(min=1))


class ReviewSubmitted(ActivityPayload):
    review_id = fields.String(required=True)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    message = fields.String(load_default="", allow_none=True)


class CustomerMessageSent(ActivityPayload):
    message_id = fields.String(required=True)
    subject = fields.String(required=True, validate=validate.Length(min=1))
    message = fields.String(required=True, validate=validate.Length(min=1))
    contact_email = fields.Email(load_default="", allow_none=True)
    contact_name = fields.String(load_default="", allow_none=True)


# billing's events name their invoice in their own fields (billing.events); read here into
# the common shape: ``document`` and, for a comment, ``comment`` and who wrote it.
BILLING_DOCUMENT_TYPES = {"invoice": "invoice", "retainer": "retainer_invoice"}


class InvoiceViewed(ActivityPayload):
    """billing's ``invoice_viewed``: a customer opened an invoice in the portal the first
    time. No contact is named: the customer is who viewed it."""

    invoice_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    kind = fields.String(load_default="invoice")
    currency = fields.String(load_default="", allow_none=True)
    total = fields.String(load_default=None, allow_none=True)
    balance = fields.String(load_default=None, allow_none=True)

    @post_load
    def _document(self, data, **kwargs):
        document_type = BILLING_DOCUMENT_TYPES.get(data["kind"], "invoice")
        data["document"] = {"type": document_type, "id": data["invoice_id"],
                            "number": data["number"]}
        return data


class CommentAdded(ActivityPayload):
    """A customer's comment on a document (billing: ``document_type`` "invoice"; quotes:
    "quote"; timesheets: "approval" or "project", whose number is the project's name)."""

    document_type = fields.String(required=True, validate=validate.Length(min=1, max=40))
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    document_number = fields.String(load_default="", allow_none=True,
                                    validate=validate.Length(max=NUMBER_MAX))
    author_name = fields.String(load_default="", allow_none=True)
    body = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def _document(self, data, **kwargs):
        data["document"] = {"type": data["document_type"], "id": data["document_id"],
                            "number": data["document_number"] or ""}
        data["comment"] = data["body"]
        data["contact_name"] = data["author_name"] or ""
        return data


class PaidInvoice(_Tolerant):
    invoice_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    number = fields.String(load_default="", allow_none=True, validate=validate.Length(max=60))
    amount = fields.String(load_default=None, allow_none=True)


class _PaymentEvent(ActivityPayload):
    """What billing's payment events share: who paid, how much, how, for which invoices."""

    amount = fields.String(required=True, validate=validate.Length(min=1, max=40))
    currency = fields.String(required=True, validate=validate.Length(min=3, max=3))
    method = fields.String(load_default=None, allow_none=True)
    invoices = fields.List(fields.Nested(PaidInvoice), load_default=list)


class PaymentSucceeded(_PaymentEvent):
    """billing's ``payment_succeeded``: the payment (its number is the document staff see)
    and the invoices it paid. The paying contact also gets the receipt email."""

    payment_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    # The payment's date in billing (ISO, kept as text: the payload is also the feed
    # entry's JSON details); without it, or unreadable, the receipt gives the day the
    # event happened.
    date = fields.String(load_default=None, allow_none=True)

    @post_load
    def _document(self, data, **kwargs):
        data["document"] = {"type": "payment", "id": data["payment_id"],
                            "number": data["number"]}
        data["payment_number"] = data["number"]
        return data


class PaymentFailed(_PaymentEvent):
    """billing's ``payment_failed``: refused with a Cp code (and its remedy per language),
    or declined by the gateway without one (its decline message and code). The document is
    the invoice when one was being paid."""

    attempt_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    cp_code = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=20))
    decline_code = fields.String(load_default=None, allow_none=True)
    message = fields.String(load_default=None, allow_none=True)
    remedy = fields.Raw(load_default=None, allow_none=True)

    @post_load
    def _failure(self, data, **kwargs):
        invoices = data["invoices"]
        if len(invoices) == 1:
            data["document"] = {"type": "invoice", "id": invoices[0]["invoice_id"],
                                "number": invoices[0]["number"] or ""}
        data["error_code"] = data["cp_code"]
        if not data["cp_code"]:
            data["decline_message"] = data["message"]
        return data


# Per activity kind, when its events carry more than the common fields.
ACTIVITY_PAYLOADS = {
    "details_updated": CustomerDetailsUpdated,
    "review_submitted": ReviewSubmitted,
    "customer_message": CustomerMessageSent,
    "invoice_viewed": InvoiceViewed,
    "comment_added": CommentAdded,
    "payment_made": PaymentSucceeded,
    "payment_failed": PaymentFailed,
}


class StaffReplied(_Tolerant):
    """quotes' and timesheets' ``staff_replied``: staff answered on a document, shown in the
    portal, and asked to email the customer's contact (``contact_id``: whom to email)."""

    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    contact_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    document_type = fields.String(required=True, validate=validate.OneOf(
        ["quote", "approval", "project"]))
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    document_number = fields.String(load_default="", allow_none=True,
                                    validate=validate.Length(max=NUMBER_MAX))
    author_name = fields.String(load_default="", allow_none=True)
    body = fields.String(required=True, validate=validate.Length(min=1))


class ContactPasswordChanged(_Tolerant):
    customer_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    email = fields.Email(required=True)
    name = fields.String(load_default="", allow_none=True)
    language = fields.String(load_default=None, allow_none=True)


class CustomerRef(_Tolerant):
    id = fields.String(required=True)
    display_name = fields.String(required=True)
    language = fields.String(load_default=None, allow_none=True)   # else the organization's


class ContactRef(_Tolerant):
    id = fields.String(required=True)
    name = fields.String(load_default="", allow_none=True)
    email = fields.String(load_default="", allow_none=True)


class ActivityContext(_Tolerant):
    """identity's answer to ``get_activity_context``."""

    organization = fields.Nested(OrganizationRef, required=True)
    customer = fields.Nested(CustomerRef, required=True)
    contact = fields.Nested(ContactRef, load_default=None, allow_none=True)


class Envelope(_Tolerant):
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    occurred_at = fields.String(load_default=None, allow_none=True)
    organization_id = fields.String(required=True)
    payload = fields.Dict(required=True)
