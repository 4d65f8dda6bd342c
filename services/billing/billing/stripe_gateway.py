"""Stripe for billing: a client per call made from the organization's settings, and what a
Stripe error means for a payment.

The client talks to the settings' ``api_base`` (Stripe, or localstripe in development and
tests) with the organization's secret key, never retries on its own (an attempt's outcome is
settled by asking Stripe again, not by sending twice) and gives up after
``BILLING_STRIPE_TIMEOUT_SECONDS`` (default 20).

Errors are classified on the exception class plus ``code`` and ``decline_code`` — never on
the body's ``type`` (localstripe calls a decline an ``invalid_request_error``):

* ``Refused`` — Stripe answered and nothing was charged: a Cp code when the portal has one
  for it, else the gateway's own decline message and decline code;
* ``Unknown`` — timeout, connection lost, 5xx, rate limit: the charge may or may not have
  happened, so the attempt stays ``processing`` until Stripe is asked again.
"""
from dataclasses import dataclass

import stripe
from nameko.extensions import DependencyProvider

from portal_common.settings import env_int

FRAUD_DECLINES = frozenset({"fraudulent", "merchant_blacklist", "stolen_card", "lost_card",
                            "pickup_card"})
ADDRESS_DECLINES = frozenset({"incorrect_zip", "incorrect_address"})
DUPLICATE_DECLINES = frozenset({"duplicate_transaction"})
CURRENCY_CODES = frozenset({"invalid_currency", "currency_not_supported",
                            "amount_currency_mismatch"})
# A saved method charged off-session where the account may not do so ("reference
# transactions" in the seed's words).
OFF_SESSION_CODES = frozenset({"payment_method_unactivated", "off_session_not_allowed"})


@dataclass(frozen=True)
class Refused:
    cp_code: str | None
    decline_code: str | None
    message: str


@dataclass(frozen=True)
class Unknown:
    message: str


def _decline_code(error: stripe.StripeError) -> str | None:
    detail = getattr(error, "error", None)
    code = getattr(detail, "decline_code", None) if detail is not None else None
    if code is None and isinstance(error.json_body, dict):
        code = (error.json_body.get("error") or {}).get("decline_code")
    return code


def classify(error: Exception) -> Refused | Unknown:
    """What a Stripe error means for the attempt (see the module's docstring)."""
    if isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
        return Refused("Cp3002", None, "The payment gateway refused the merchant credentials.")
    if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError,
                          stripe.IdempotencyError)):
        return Unknown(type(error).__name__)
    if isinstance(error, stripe.CardError):
        code, decline = error.code, _decline_code(error)
        message = error.user_message or str(error) or "The card was declined."
        for reason in (decline, code):
            if reason in FRAUD_DECLINES:
                return Refused("Cp3003", decline, message)
            if reason in ADDRESS_DECLINES:
                return Refused("Cp3004", decline, message)
            if reason in DUPLICATE_DECLINES:
                return Refused("Cp3005", decline, message)
            if reason in OFF_SESSION_CODES:
                return Refused("Cp3001", decline, message)
        return Refused(None, decline or code, message)
    if isinstance(error, stripe.InvalidRequestError):
        code, param = error.code, getattr(error, "param", None)
        message = str(error) or "The payment gateway refused the request."
        if code == "amount_too_small":
            return Refused("Cp4001", None, message)
        if code in CURRENCY_CODES or param == "currency":
            return Refused("Cp4003", None, message)
        if code in OFF_SESSION_CODES or param == "off_session":
            return Refused("Cp3001", None, message)
        return Refused(None, code, message)
    if isinstance(error, stripe.StripeError):
        status = error.http_status
        if status is None or status >= 500:
            return Unknown(type(error).__name__)
        return Refused(None, error.code, str(error) or "The payment gateway refused it.")
    raise error


def timeout_seconds() -> int:
    return env_int("BILLING_STRIPE_TIMEOUT_SECONDS", 20)


def make_client(settings) -> stripe.StripeClient:
    """A StripeClient for one organization's settings (secret key, API base)."""
    return stripe.StripeClient(
        settings.secret_key, base_addresses={"api": settings.api_base},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout_seconds()))


class StripeGateway(DependencyProvider):
    """Injects ``make_client``: services call it with an organization's settings."""

    def get_dependency(self, worker_ctx):
        return make_client
