"""What a customer reads when a payment is refused, in the page's language.

A refusal with a Cp code shows that code's customer message from the one table
(portal_common.payment_codes): short, polite, no internals. An ordinary decline
(insufficient funds, expired card, wrong CVC…) has no Cp code: the customer reads the
decline reason, ours for the usual decline codes, else the gateway's own words.
"""
from flask_babel import gettext as _, lazy_gettext as _l

from portal_common.payment_codes import CODES

from .i18n import current_language

DECLINE_REASONS = {
    "insufficient_funds": _l("The card has insufficient funds."),
    "expired_card": _l("The card has expired."),
    "incorrect_cvc": _l("The card's security code (CVC) is incorrect."),
    "invalid_cvc": _l("The card's security code (CVC) is incorrect."),
    "incorrect_number": _l("The card number is incorrect."),
    "invalid_expiry_month": _l("The card's expiry date is incorrect."),
    "invalid_expiry_year": _l("The card's expiry date is incorrect."),
    "processing_error": _l("The card could not be processed. Please try again."),
    "card_declined": _l("The card was declined."),
    "generic_decline": _l("The card was declined."),
    "do_not_honor": _l("The card was declined."),
    "authentication_required": _l("The card needs authentication, which was not completed."),
}


def cp_message(cp_code: str | None) -> str | None:
    """The customer message of a Cp code in the page's language, None for no known code."""
    code = CODES.get(cp_code or "")
    return code.customer_message(current_language()) if code else None


def decline_message(decline_code: str | None, gateway_message: str | None = None) -> str:
    """An ordinary decline's reason: ours for a known code, else the gateway's own."""
    if decline_code in DECLINE_REASONS:
        return str(DECLINE_REASONS[decline_code])
    if gateway_message:
        return gateway_message
    return _("The payment was declined.")


def refusal_message(details: dict | None, fallback: str = "") -> str:
    """The message for billing's PaymentRefused details (or a failed attempt's fields)."""
    details = details or {}
    return (cp_message(details.get("cp_code"))
            or decline_message(details.get("decline_code"),
                               details.get("gateway_message") or details.get("message")
                               or fallback))
