"""POST /webhooks/stripe/<organization_id> against real billing: no session, API key or
CSRF token, only Stripe's signature over the raw body, checked with the organization's
own signing secret. A wrong or missing signature is a 400 and changes nothing."""
import hashlib
import hmac
import json
import time

import pytest

from tests.interface.gateway.billing_api import error
from tests.interface.gateway.online_payments import (WEBHOOK_SECRET, configure_gateway,
                                                     customer_with_portal, save_card,
                                                     saved_method_ids, stripe_invoice,
                                                     attempt_id)


def signed(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header as Stripe computes it (HMAC-SHA256 of "t.payload")."""
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(),
                      hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(kind: str, intent: dict) -> str:
    return json.dumps({"id": f"evt_{int(time.time() * 1e6)}", "object": "event", "type": kind,
                       "created": int(time.time()), "livemode": False,
                       "api_version": "2020-08-27", "data": {"object": intent}})


def post(client, organization_id, payload, signature=None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(f"/webhooks/stripe/{organization_id}", data=payload, headers=headers)


@pytest.fixture
def paid(api, client, org, localstripe):
    """An invoice of Marta's paid with her saved card: the PaymentIntent behind it."""
    configure_gateway(api, localstripe)
    customer, portal = customer_with_portal(api, client, org)
    invoice = stripe_invoice(api, customer, "45.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    path = f"/invoices/{invoice['id']}/pay"
    attempt_id(portal.post_form(path, {"method": f"saved:{method_id}"}))
    intent = localstripe.payment_intents()[-1]
    assert intent["status"] == "succeeded" and intent["amount"] == 4500
    return invoice, intent


def payments_of(api, invoice_id) -> list:
    return api.get(f"/invoices/{invoice_id}").json["payments"]


def test_a_wrong_or_missing_signature_is_refused_and_changes_nothing(client, org, api,
                                                                     localstripe):
    configure_gateway(api, localstripe)
    customer, _portal = customer_with_portal(api, client, org)
    invoice = stripe_invoice(api, customer, "45.00")
    payload = event("payment_intent.succeeded", {
        "id": "pi_forged", "object": "payment_intent", "amount": 4500, "currency": "eur",
        "status": "succeeded", "metadata": {"invoice_id": invoice["id"]}})

    wrong = post(client, org["id"], payload, signed(payload, "whsec_not_the_secret"))
    assert error(wrong, 400, "webhook_signature_invalid")
    stale = post(client, org["id"], payload, signed(payload, WEBHOOK_SECRET,
                                                    int(time.time()) - 3600))
    assert error(stale, 400, "webhook_signature_invalid")
    changed = post(client, org["id"], payload.replace("4500", "4501"),
                   signed(payload, WEBHOOK_SECRET))
    assert error(changed, 400, "webhook_signature_invalid")
    assert error(post(client, org["id"], payload), 400)
    assert payments_of(api, invoice["id"]) == []
    assert api.get(f"/invoices/{invoice['id']}").json["balance"] == "45.00"


def test_an_unknown_organization_is_answered_like_a_bad_signature(client):
    """Nothing tells a caller which organizations exist; an address that cannot be an
    organization id is not even passed on."""
    payload = event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    assert error(post(client, "no-such-org", payload, signed(payload, WEBHOOK_SECRET)), 400,
                 "webhook_signature_invalid")
    assert post(client, "not an id!", payload, signed(payload, WEBHOOK_SECRET)).status_code \
        == 404


def test_a_signed_event_is_received_and_a_replay_pays_nothing_twice(client, org, api, paid):
    invoice, intent = paid
    assert len(payments_of(api, invoice["id"])) == 1
    payload = event("payment_intent.succeeded", intent)
    for _ in range(2):  # the same event delivered twice
        response = post(client, org["id"], payload, signed(payload, WEBHOOK_SECRET))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.json == {"received": True}
    assert len(payments_of(api, invoice["id"])) == 1
    assert api.get(f"/invoices/{invoice['id']}").json["status"] == "paid"
