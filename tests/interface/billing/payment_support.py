"""What the online payment interface tests share: billing with an event sink, an
organization whose Stripe is the run's localstripe, invoices to pay, and the browser's part
(Stripe.js confirmCardSetup, as localstripe's stand-in sends it)."""
import json
import time
import uuid

import eventlet
import pytest
import requests
import stripe
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from billing.service import BillingService
from tests.support.localstripe import SECRET_KEY

CUSTOMER = "50000000-0000-0000-0000-0000000000c1"
OTHER_CUSTOMER = "50000000-0000-0000-0000-0000000000c2"
WEBHOOK_SECRET = "whsec_billing_tests"
PUBLISHABLE_KEY = "pk_test_billing"
GOOD_CARD = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"
DECLINED_ON_SETUP = "4000000000000002"


class PaymentEvents:
    """Stands in for notify: records billing's payment events."""

    name = "billing_payment_events"
    received = []

    @event_handler("billing", "payment_succeeded")
    def on_succeeded(self, envelope):
        self.received.append(envelope)

    @event_handler("billing", "payment_failed")
    def on_failed(self, envelope):
        self.received.append(envelope)

    @event_handler("billing", "payment_pending")
    def on_pending(self, envelope):
        self.received.append(envelope)


@pytest.fixture
def billing(container_factory, service_config):
    PaymentEvents.received = []
    container_factory(BillingService, service_config).start()
    container_factory(PaymentEvents, service_config).start()
    with ServiceRpcProxy("billing", service_config, timeout=30) as proxy:
        yield proxy


def events_of(org, event_type, count=1, timeout=10.0):
    """The org's events of this type once ``count`` have arrived."""
    deadline = time.monotonic() + timeout
    while True:
        found = [e for e in PaymentEvents.received
                 if e["organization_id"] == org and e["event_type"] == event_type]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        eventlet.sleep(0.1)


def settings_data(localstripe, **extra):
    data = {"secret_key": SECRET_KEY, "publishable_key": PUBLISHABLE_KEY,
            "webhook_secret": WEBHOOK_SECRET, "api_base": localstripe.url,
            "supported_currencies": ["EUR", "USD", "JPY"]}
    data.update(extra)
    return data


def new_org(billing, localstripe, tax=True, **settings):
    org = str(uuid.uuid4())
    if tax:
        billing.create_tax(org, {"name": "IVA", "rate": "21", "is_default": True})
    billing.set_gateway_settings(org, settings_data(localstripe, **settings))
    return org


def sent_invoice(billing, org, rate="100.00", customer=CUSTOMER, **extra):
    data = {"customer_id": customer, "date": "2026-11-01", "due_date": "2026-12-01",
            "currency": "EUR", "payment_gateways": ["stripe"],
            "lines": [{"name": "Work", "quantity": "1", "rate": rate}]}
    data.update(extra)
    created = billing.create_invoice(org, data)
    return billing.send_invoice(org, created["id"])


def browser_confirms_card_setup(localstripe, client_secret, number=GOOD_CARD,
                                name="Ana Pérez", postal_code="28001"):
    """What Stripe.js confirmCardSetup does in the customer's browser (localstripe's
    stand-in): the card goes to the gateway with the publishable key, never to us."""
    setup_id = client_secret.split("_secret_")[0]
    response = requests.post(
        f"{localstripe.url}/v1/setup_intents/{setup_id}/confirm", timeout=10,
        data=json.dumps({"key": PUBLISHABLE_KEY, "use_stripe_sdk": True,
                         "client_secret": client_secret,
                         "payment_method_data": {
                             "type": "card",
                             "card": {"number": number, "exp_month": 12, "exp_year": 2031,
                                      "cvc": "123"},
                             "billing_details": {"name": name,
                                                 "address": {"postal_code": postal_code}}}}))
    return response


def pay_by_card(billing, localstripe, org, invoice_ids, number=GOOD_CARD, customer=CUSTOMER,
                **data):
    """start_payment → the browser confirms → complete_payment, as the portal does it."""
    attempt = billing.start_payment(org, customer, {"invoice_ids": invoice_ids,
                                                    "method": "card", **data})
    assert attempt["next_action"] == "confirm_card_setup"
    browser_confirms_card_setup(localstripe, attempt["client_secret"], number)
    return billing.complete_payment(org, customer, attempt["id"])


def save_card(billing, localstripe, org, customer=CUSTOMER, number=GOOD_CARD):
    setup = billing.start_method_setup(org, customer, None)
    assert browser_confirms_card_setup(localstripe, setup["client_secret"],
                                       number).status_code == 200
    return billing.complete_method_setup(org, customer, setup["setup_intent_id"])


def intents_of(localstripe, org):
    return [pi for pi in localstripe.payment_intents()
            if (pi.get("metadata") or {}).get("organization_id") == org]


def signed(payload: dict, secret=WEBHOOK_SECRET) -> tuple[str, str]:
    """A webhook body and its Stripe-Signature header, signed as Stripe signs them."""
    body = json.dumps(payload)
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret)
    return body, f"t={timestamp},v1={signature}"


def intent_event(intent: dict, event_type: str, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_{uuid.uuid4().hex[:14]}", "object": "event",
            "type": event_type, "created": int(time.time()), "livemode": False,
            "data": {"object": intent}, "api_version": "2020-08-27"}
