"""Stripe's webhooks (signed as Stripe signs them) and reconciliation when Stripe did not
answer: every outcome settles exactly once, whatever the order things arrive in."""
import socket

import pytest
import requests

from billing.exceptions import PaymentInProgress, WebhookSignatureInvalid
from tests.support.localstripe import SECRET_KEY

from .payment_support import (CUSTOMER, billing, browser_confirms_card_setup,  # noqa: F401
                              events_of, intent_event, intents_of, new_org, save_card,
                              sent_invoice, signed)


def stripe_intent(localstripe, intent_id, **changes):
    """The PaymentIntent as localstripe holds it, as Stripe would send it in an event."""
    response = requests.get(f"{localstripe.url}/v1/payment_intents/{intent_id}",
                            auth=(SECRET_KEY, ""), timeout=10)
    response.raise_for_status()
    return {**response.json(), **changes}


def deliver(billing, org, event, secret=None):  # noqa: F811
    body, header = signed(event, secret) if secret else signed(event)
    return billing.handle_stripe_webhook(org, body, header)


def test_ach_is_pending_until_the_webhook_and_a_replay_changes_nothing(billing,  # noqa: F811
                                                                        localstripe):
    org = new_org(billing, localstripe, supported_currencies=["USD"])
    invoice = sent_invoice(billing, org, "250.00", currency="USD")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "ach", "contact_id": "c-9"})
    assert (attempt["status"], attempt["next_action"]) == (
        "requires_confirmation", "confirm_us_bank_account_payment")
    [intent] = intents_of(localstripe, org)
    assert (intent["amount"], intent["currency"]) == (25000, "usd")

    processing = intent_event(stripe_intent(localstripe, intent["id"], status="processing"),
                              "payment_intent.processing")
    assert deliver(billing, org, processing) == {"handled": True}
    pending = billing.get_payment_attempt(org, CUSTOMER, attempt["id"])
    assert (pending["status"], pending["payment_id"]) == ("pending", None)
    assert billing.get_invoice(org, invoice["id"])["status"] == "sent"  # never paid before
    with pytest.raises(PaymentInProgress):  # and never paid twice meanwhile
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    assert events_of(org, "payment_pending")[0]["payload"]["amount"] == "250.00"

    succeeded = intent_event(stripe_intent(localstripe, intent["id"], status="succeeded",
                                           amount_received=25000),
                             "payment_intent.succeeded")
    assert deliver(billing, org, succeeded) == {"handled": True}
    assert deliver(billing, org, succeeded) == {"handled": False}  # the same event again
    # a late failure or processing after the success changes nothing
    late = intent_event(stripe_intent(localstripe, intent["id"],
                                      status="requires_payment_method",
                                      last_payment_error={"code": "payment_method_not_available",
                                                          "message": "Bank refused."}),
                        "payment_intent.payment_failed")
    deliver(billing, org, late)
    deliver(billing, org, processing | {"id": "evt_another_processing"})

    settled = billing.get_payment_attempt(org, CUSTOMER, attempt["id"])
    assert settled["status"] == "succeeded"
    receipt = billing.get_payment(org, settled["payment_id"])
    assert (receipt["mode"], receipt["amount"]) == ("ach", "250.00")
    assert billing.get_invoice(org, invoice["id"])["status"] == "paid"
    assert billing.payment_page(org, {"customer_id": CUSTOMER})["total"] == 1
    assert len(events_of(org, "payment_succeeded")) == 1
    assert events_of(org, "payment_failed", timeout=1) == []


def test_success_arriving_before_processing_settles_once(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, supported_currencies=["USD"])
    invoice = sent_invoice(billing, org, "80.00", currency="USD")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "ach"})
    [intent] = intents_of(localstripe, org)
    deliver(billing, org, intent_event(stripe_intent(localstripe, intent["id"],
                                                     status="succeeded"),
                                       "payment_intent.succeeded"))
    deliver(billing, org, intent_event(stripe_intent(localstripe, intent["id"],
                                                     status="processing"),
                                       "payment_intent.processing"))
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == "succeeded"
    assert billing.payment_page(org, {"customer_id": CUSTOMER})["total"] == 1
    assert events_of(org, "payment_pending", timeout=1) == []


def test_a_wrong_signature_is_refused_and_changes_nothing(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, supported_currencies=["USD"])
    invoice = sent_invoice(billing, org, "80.00", currency="USD")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "ach"})
    [intent] = intents_of(localstripe, org)
    event = intent_event(stripe_intent(localstripe, intent["id"], status="succeeded"),
                         "payment_intent.succeeded")
    with pytest.raises(WebhookSignatureInvalid):
        deliver(billing, org, event, secret="whsec_somebody_else")
    body, header = signed(event)
    with pytest.raises(WebhookSignatureInvalid):  # a changed body
        billing.handle_stripe_webhook(org, body.replace("8000", "1"), header)
    with pytest.raises(WebhookSignatureInvalid):
        billing.handle_stripe_webhook(org, body, "")
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == \
        "requires_confirmation"
    assert billing.get_invoice(org, invoice["id"])["status"] == "sent"
    # the event was not recorded as handled: the genuine delivery still counts
    assert deliver(billing, org, event) == {"handled": True}
    assert billing.get_invoice(org, invoice["id"])["status"] == "paid"


def test_an_event_of_an_intent_that_is_not_ours_is_acknowledged(billing,  # noqa: F811
                                                                 localstripe):
    org = new_org(billing, localstripe)
    event = intent_event({"id": "pi_elsewhere", "object": "payment_intent",
                          "status": "succeeded", "metadata": {}},
                         "payment_intent.succeeded")
    assert deliver(billing, org, event) == {"handled": False}


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: Stripe hanging."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(50)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_stripe_unreachable_leaves_the_payment_processing_then_reconciliation_settles(
        billing, localstripe, monkeypatch):  # noqa: F811
    org = new_org(billing, localstripe)
    card = save_card(billing, localstripe, org)
    invoice = sent_invoice(billing, org, "64.00")
    billing.set_gateway_settings(org, {"api_base": closed_port()})

    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "saved_card",
                                                    "payment_method_id": card["id"]})
    assert (attempt["status"], attempt["payment_id"], attempt["cp_code"]) == (
        "processing", None, None)  # unknown, never failed
    assert billing.get_invoice(org, invoice["id"])["status"] == "sent"
    with pytest.raises(PaymentInProgress):
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                              "method": "saved_card",
                                              "payment_method_id": card["id"]})
    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)  # still unreachable: nothing changes
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == \
        "processing"

    billing.set_gateway_settings(org, {"api_base": localstripe.url})
    billing.reconcile_payments(org)
    settled = billing.get_payment_attempt(org, CUSTOMER, attempt["id"])
    assert settled["status"] == "succeeded"
    assert billing.get_invoice(org, invoice["id"])["status"] == "paid"
    billing.reconcile_payments(org)  # again: nothing more
    assert billing.payment_page(org, {"customer_id": CUSTOMER})["total"] == 1
    assert len(intents_of(localstripe, org)) == 1
    assert len(events_of(org, "payment_succeeded")) == 1


def test_stripe_hanging_after_the_browser_confirmed_is_settled_later(
        billing, localstripe, silent_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BILLING_STRIPE_TIMEOUT_SECONDS", "1")
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "19.00")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    browser_confirms_card_setup(localstripe, attempt["client_secret"])

    billing.set_gateway_settings(org, {"api_base": silent_server})
    waiting = billing.complete_payment(org, CUSTOMER, attempt["id"])
    assert waiting["status"] in ("requires_confirmation", "processing")
    assert waiting["payment_id"] is None
    assert billing.get_invoice(org, invoice["id"])["status"] == "sent"

    billing.set_gateway_settings(org, {"api_base": localstripe.url})
    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == "succeeded"
    assert billing.get_invoice(org, invoice["id"])["status"] == "paid"
    assert len(intents_of(localstripe, org)) == 1


def test_an_attempt_left_unconfirmed_expires_and_frees_the_invoice(
        billing, localstripe, monkeypatch):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "19.00")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)  # not yet expired
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == \
        "requires_confirmation"
    monkeypatch.setenv("BILLING_ATTEMPT_EXPIRY_SECONDS", "0")
    billing.reconcile_payments(org)
    expired = billing.get_payment_attempt(org, CUSTOMER, attempt["id"])
    assert (expired["status"], expired["decline_code"]) == ("failed", "abandoned")
    assert events_of(org, "payment_failed", timeout=1) == []  # nothing to tell staff
    assert billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})[
        "status"] == "requires_confirmation"
