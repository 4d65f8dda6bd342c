"""billing's ``payment_succeeded`` → the receipt email to the contact who paid.

Queued in the same transaction as the staff's "payment made" (feed entry and/or
email), under the same handled-event record, so a redelivered event sends no
second receipt. It goes whatever the staff's notification preferences say: it
is the customer's own confirmation, not a notice to staff.
"""
import logging
from datetime import date

from portal_common import settings

from . import payments
from .catalog import PAYMENT_RECEIPT, language_or_default
from .dateformat import format_date, format_day
from .mail_queue import MailRequest

log = logging.getLogger(__name__)


def receipt_url(slug: str, payment_id: str) -> str:
    """The receipt page of the portal (the gateway's route for one payment)."""
    return f"{settings.portal_base_url()}/portal/{slug}/payments/{payment_id}"


def _payment_date(activity, language: str) -> str:
    """billing's date of the payment; else the day the event happened, where the
    organization is."""
    try:
        return format_day(date.fromisoformat(activity.payload.get("date") or ""), language)
    except ValueError:
        return format_date(activity.occurred_at, language,
                           activity.organization.get("timezone"))


def receipt_request(activity) -> MailRequest | None:
    """The receipt for an :class:`notify.activity_events.Activity` of kind ``payment_made``,
    to the paying contact, in the customer's language (else the organization's). None when
    the event names no contact with an email address (logged)."""
    payload, organization = activity.payload, activity.organization
    contact = activity.context.get("contact") or {}
    if not contact.get("email"):
        log.warning("payment_receipt_without_address", extra={
            "event_id": activity.event_id, "organization_id": activity.organization_id,
            "contact_id": payload.get("contact_id")})
        return None
    customer = activity.context["customer"]
    language = language_or_default(customer.get("language"), organization.get("language"))
    currency = payload["currency"]
    return MailRequest(
        kind=PAYMENT_RECEIPT.key, organization_id=activity.organization_id,
        event_id=activity.event_id, to_address=contact["email"],
        to_name=contact.get("name") or "", language=language,
        organization_name=organization["name"], reply_to=organization.get("email") or "",
        context={
            "contact_name": contact.get("name") or contact["email"],
            "customer_name": customer["display_name"],
            "organization_name": organization["name"],
            "amount": f"{payload['amount']} {currency}",
            "payment_number": payload["number"],
            "payment_date": _payment_date(activity, language),
            "invoices": payments.invoice_lines(payload.get("invoices"), currency),
            "method": payments.method_label(payload.get("method"), language),
            "receipt_url": receipt_url(organization["slug"], payload["payment_id"]),
        })
