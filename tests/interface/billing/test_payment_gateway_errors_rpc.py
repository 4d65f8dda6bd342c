"""Stripe's own answers that localstripe cannot give, from a Stripe-shaped stub through the
real SDK: each Cp code Stripe decides, ordinary declines, and unknown outcomes."""
import pytest

from billing.exceptions import PaymentRefused
from portal_common.payment_codes import CODES
from tests.support import stripe_stub

from .payment_support import (CUSTOMER, billing, events_of, new_org, save_card,  # noqa: F401
                              sent_invoice)

INTENTS = "POST /v1/payment_intents"


@pytest.fixture
def stub():
    server = stripe_stub.StripeStub().start()
    yield server
    server.stop()


@pytest.fixture
def saved_card_org(billing, localstripe, stub):  # noqa: F811
    """An organization with a card saved (at localstripe), now talking to the stub."""
    org = new_org(billing, localstripe)
    card = save_card(billing, localstripe, org)
    billing.set_gateway_settings(org, {"api_base": stub.url})
    return org, card


def pay_with_saved_card(billing, org, card, rate="40.00"):  # noqa: F811
    invoice = sent_invoice(billing, org, rate)
    return invoice, {"invoice_ids": [invoice["id"]], "method": "saved_card",
                     "payment_method_id": card["id"]}


@pytest.mark.parametrize("answer, cp_code", [
    (stripe_stub.card_error("fraudulent"), "Cp3003"),
    (stripe_stub.card_error("merchant_blacklist"), "Cp3003"),
    (stripe_stub.card_error("stolen_card"), "Cp3003"),
    (stripe_stub.card_error("lost_card"), "Cp3003"),
    (stripe_stub.card_error("pickup_card"), "Cp3003"),
    (stripe_stub.card_error(None, code="incorrect_zip",
                            message="The card's zip code failed validation."), "Cp3004"),
    (stripe_stub.card_error("incorrect_address"), "Cp3004"),
    (stripe_stub.card_error("duplicate_transaction"), "Cp3005"),
    (stripe_stub.amount_too_small(), "Cp4001"),
    (stripe_stub.invalid_currency(), "Cp4003"),
    (stripe_stub.authentication_error(), "Cp3002"),
    (stripe_stub.permission_error(), "Cp3002"),
])
def test_each_cp_code_stripe_decides(billing, saved_card_org, stub, answer,  # noqa: F811
                                     cp_code):
    org, card = saved_card_org
    invoice, data = pay_with_saved_card(billing, org, card)
    stub.then(answer, route=INTENTS)
    with pytest.raises(PaymentRefused) as refused:
        billing.start_payment(org, CUSTOMER, data)
    assert refused.value.details["cp_code"] == cp_code
    attempt = billing.get_payment_attempt(org, CUSTOMER, refused.value.details["attempt_id"])
    assert (attempt["status"], attempt["cp_code"]) == ("failed", cp_code)
    assert billing.get_invoice(org, invoice["id"])["balance"] == "40.00"
    [event] = events_of(org, "payment_failed")
    assert event["payload"]["remedy"] == CODES[cp_code].remedy()


@pytest.mark.parametrize("decline_code, message", [
    ("insufficient_funds", "Your card has insufficient funds."),
    ("expired_card", "Your card has expired."),
    ("incorrect_cvc", "Your card's security code is incorrect."),
])
def test_other_declines_show_the_gateway_reason(billing, saved_card_org, stub,  # noqa: F811
                                                decline_code, message):
    org, card = saved_card_org
    _, data = pay_with_saved_card(billing, org, card)
    stub.then(stripe_stub.card_error(decline_code, message=message), route=INTENTS)
    with pytest.raises(PaymentRefused) as refused:
        billing.start_payment(org, CUSTOMER, data)
    assert "cp_code" not in refused.value.details
    assert (refused.value.details["decline_code"],
            refused.value.details["gateway_message"]) == (decline_code, message)
    [event] = events_of(org, "payment_failed")
    assert (event["payload"]["cp_code"], event["payload"]["remedy"],
            event["payload"]["message"]) == (None, None, message)


@pytest.mark.parametrize("answer", [stripe_stub.server_error(500),
                                    stripe_stub.server_error(503),
                                    stripe_stub.dropped_connection()],
                         ids=["500", "503", "dropped"])
def test_no_clear_answer_leaves_the_payment_processing(billing, saved_card_org, stub,  # noqa: F811
                                                       answer, monkeypatch):
    org, card = saved_card_org
    invoice, data = pay_with_saved_card(billing, org, card)
    stub.then(answer, route=INTENTS)
    attempt = billing.start_payment(org, CUSTOMER, data)
    assert (attempt["status"], attempt["cp_code"]) == ("processing", None)
    assert events_of(org, "payment_failed", timeout=0.5) == []

    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == "succeeded"
    assert billing.get_invoice(org, invoice["id"])["status"] == "paid"


def test_charged_but_the_answer_was_lost_is_settled_once(billing, saved_card_org, stub,  # noqa: F811
                                                         monkeypatch):
    """Stripe charged and the answer never arrived (a timeout): reconciliation sends the
    same idempotency key again, gets that same PaymentIntent back, and settles it once."""
    monkeypatch.setenv("BILLING_STRIPE_TIMEOUT_SECONDS", "1")
    org, card = saved_card_org
    invoice, data = pay_with_saved_card(billing, org, card)
    stub.then(stripe_stub.hang(3), route=INTENTS)
    attempt = billing.start_payment(org, CUSTOMER, data)
    assert attempt["status"] == "processing"
    assert len(stub.intents()) == 1  # the charge exists at "Stripe"

    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)
    assert billing.get_payment_attempt(org, CUSTOMER, attempt["id"])["status"] == "succeeded"
    creates = [r for r in stub.requests if (r["method"], r["path"]) == ("POST",
                                                                          "/v1/payment_intents")]
    assert {r["idempotency_key"] for r in creates} == {attempt["id"]}
    assert len(stub.intents()) == 1
    assert billing.payment_page(org, {"customer_id": CUSTOMER})["total"] == 1


def test_ach_through_the_browser_is_pending_then_paid_and_the_account_saved(
        billing, localstripe, stub, monkeypatch):  # noqa: F811
    """localstripe has no bank accounts: the stub's stand-in Stripe.js links one."""
    import requests

    org = new_org(billing, localstripe, supported_currencies=["USD"])
    billing.set_gateway_settings(org, {"api_base": stub.url})
    invoice = sent_invoice(billing, org, "250.00", currency="USD")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "ach", "save_method": True})
    assert attempt["next_action"] == "confirm_us_bank_account_payment"
    for step in ("collect_bank_account", "confirm_us_bank_account"):  # the browser
        response = requests.post(f"{stub.url}/_stub/{step}", timeout=10, json={
            "client_secret": attempt["client_secret"],
            "billing_details": {"name": "Ana Pérez"}})
        assert response.status_code == 200, response.text
    pending = billing.complete_payment(org, CUSTOMER, attempt["id"])
    assert (pending["status"], pending["payment_id"]) == ("pending", None)
    assert billing.get_invoice(org, invoice["id"])["status"] == "sent"
    assert events_of(org, "payment_pending")

    [intent] = stub.intents()
    stub.set_intent(intent["id"], "succeeded")
    monkeypatch.setenv("BILLING_RECONCILE_AFTER_SECONDS", "0")
    billing.reconcile_payments(org)
    paid = billing.get_payment_attempt(org, CUSTOMER, attempt["id"])
    assert paid["status"] == "succeeded"
    assert billing.get_payment(org, paid["payment_id"])["mode"] == "ach"
    [account] = billing.list_saved_methods(org, CUSTOMER)
    assert (account["type"], account["last4"]) == ("us_bank_account", "6789")
