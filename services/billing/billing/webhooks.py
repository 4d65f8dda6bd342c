"""Stripe's webhooks for an organization: verified, handled once, in any order.

The signature is checked by the stripe SDK itself (``stripe.Webhook.construct_event``) with
the organization's signing secret; an event id already handled (``stripe_events``, in the
same transaction as its effect) does nothing again. A PaymentIntent event settles its
attempt through ``payments.apply_intent`` on the attempt's locked row, which never moves a
succeeded attempt: a late "processing" or "payment_failed" after a success changes nothing.
"""
import logging

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import payments, saved_methods
from .exceptions import WebhookSignatureInvalid
from .gateway_settings import find_settings
from .models import GatewayCustomer, PaymentAttempt, StripeEvent

log = logging.getLogger(__name__)

INTENT_EVENTS = ("payment_intent.succeeded", "payment_intent.processing",
                 "payment_intent.payment_failed", "payment_intent.canceled")


def _invalid() -> WebhookSignatureInvalid:
    return WebhookSignatureInvalid("The webhook signature is not valid.",
                                   {"signature": ["Not valid."]})


def handle(session, commit, make_client, organization_id: str, payload: str,
           signature: str) -> dict:
    settings = find_settings(session, organization_id)
    if settings is None or not settings.webhook_secret:
        raise _invalid()
    try:
        event = stripe.Webhook.construct_event(payload, signature or "",
                                               settings.webhook_secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise _invalid() from None
    session.add(StripeEvent(organization_id=organization_id, event_id=event.id,
                            event_type=event.type))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        log.info("stripe_event_duplicate", extra={"event_id": event.id})
        return {"handled": False}
    handled = False
    obj = event.data.object
    if event.type in INTENT_EVENTS:
        handled = _intent_event(session, organization_id, obj)
    elif event.type == "setup_intent.succeeded":
        handled = _setup_event(session, make_client, settings, organization_id, obj)
    commit()
    if handled and event.type == "payment_intent.succeeded":
        attempt = _attempt_of(session, organization_id, obj, lock=False)
        if attempt is not None:
            payments.after_success(session, commit, make_client, settings, attempt)
    log.info("stripe_event_handled", extra={"event_id": event.id, "event_type": event.type,
                                            "handled": handled})
    return {"handled": handled}


def _attempt_of(session, organization_id, intent, lock=True) -> PaymentAttempt | None:
    """The attempt of this PaymentIntent (by its id, or the attempt id we put in its
    metadata when the create's answer never reached us), row-locked."""
    attempt_id = session.scalar(select(PaymentAttempt.id).where(
        PaymentAttempt.organization_id == organization_id,
        PaymentAttempt.intent_id == intent["id"]))
    if attempt_id is None:
        try:
            attempt_id = intent["metadata"]["attempt_id"]
        except (KeyError, TypeError):
            return None
    attempt = session.get(PaymentAttempt, attempt_id, with_for_update=lock,
                          populate_existing=True)
    if attempt is None or attempt.organization_id != organization_id:
        return None
    return attempt


def _intent_event(session, organization_id, intent) -> bool:
    attempt = _attempt_of(session, organization_id, intent)
    if attempt is None:
        return False
    payments.apply_intent(session, attempt, intent)
    return True


def _setup_event(session, make_client, settings, organization_id, setup) -> bool:
    """A card set up outside a payment ("add a card"): kept if it is ours and not yet."""
    customer = session.scalar(select(GatewayCustomer).where(
        GatewayCustomer.organization_id == organization_id,
        GatewayCustomer.gateway_customer_id == setup["customer"]))
    if customer is None or not setup["payment_method"]:
        return False
    metadata = setup["metadata"] or {}
    if "attempt_id" in metadata:
        return False  # a payment's card: its attempt keeps or drops it
    try:
        saved_methods.store(session, make_client(settings), organization_id,
                            customer.customer_id, setup["payment_method"])
    except stripe.StripeError:
        return False
    return True
