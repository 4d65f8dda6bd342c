"""The test suite's stand-ins for Stripe: localstripe as a subprocess, spoken to by the real SDK."""
import http.server
import json
import threading
import time

import pytest
import requests
import stripe

from tests.support.mailbox import wait_until
from tests.support.stripe_stub import (Answer, StripeStub, amount_too_small, authentication_error,
                                       card_error, dropped_connection, event, hang,
                                       invalid_currency, permission_error, server_error,
                                       signature_header)


def test_localstripe_answers_the_stripe_sdk_and_counts_payment_intents(localstripe):
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": localstripe.url},
                                 max_network_retries=0)
    before = len(localstripe.payment_intents())
    customer = client.v1.customers.create(params={"email": "ana@example.com"})
    intent = client.v1.payment_intents.create(params={
        "amount": 1250, "currency": "eur", "customer": customer.id,
        "payment_method_types": ["card"]})

    assert intent.id.startswith("pi_") and intent.amount == 1250
    assert intent.client_secret.startswith(intent.id)
    listed = localstripe.payment_intents()
    assert len(listed) == before + 1
    assert listed[-1]["id"] == intent.id
    assert localstripe.payment_intent(intent.id)["customer"] == customer.id


def test_localstripe_signs_and_delivers_webhooks_where_registered(localstripe):
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append((body, self.headers["Stripe-Signature"]))
            self.send_response(200 if '"amount": 700' in body else 400)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        localstripe.register_webhook("unit", f"http://127.0.0.1:{server.server_port}/hook",
                                     "whsec_unit", events=["payment_intent.succeeded"])
        before = localstripe.webhook_deliveries()
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": localstripe.url},
                                     max_network_retries=0)
        method = client.v1.payment_methods.create(params={"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
        for amount in (700, 800):
            client.v1.payment_intents.create(params={
                "amount": amount, "currency": "eur", "payment_method": method.id,
                "confirm": True, "payment_method_types": ["card"]})
        wait_until(lambda: len(localstripe.webhook_deliveries()) >= len(before) + 2,
                   timeout=15, what="two webhook deliveries")
    finally:
        localstripe.register_webhook("unit", "http://127.0.0.1:9/gone", "whsec_unit",
                                     events=["none"])
        server.shutdown()
        server.server_close()

    events = [stripe.Webhook.construct_event(body, signature, "whsec_unit")
              for body, signature in received]
    assert sorted(e.data.object.amount for e in events) == [700, 800]
    assert {e.type for e in events} == {"payment_intent.succeeded"}
    assert sorted(localstripe.webhook_deliveries()[len(before):]) == [
        ("payment_intent.succeeded", "400"), ("payment_intent.succeeded", "delivered")]


def test_localstripe_refuses_a_key_that_is_not_secret(localstripe):
    client = stripe.StripeClient("pk_test_x", base_addresses={"api": localstripe.url},
                                 max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        client.v1.customers.create(params={"email": "ana@example.com"})


def test_localstripe_serves_its_stand_in_stripe_js(localstripe):
    script = requests.get(localstripe.js_url, timeout=10)
    assert script.status_code == 200
    assert "confirmCardPayment" in script.text and "confirmCardSetup" in script.text


# -- the Stripe-shaped stub ---------------------------------------------------------------
@pytest.fixture
def stub():
    server = StripeStub().start()
    yield server
    server.stop()


def sdk(url: str, key: str = "sk_test_stub", timeout: float = 5) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": url}, max_network_retries=0,
                               http_client=stripe.RequestsClient(timeout=timeout))


def pay(client, options=None, **extra):
    return client.v1.payment_intents.create(params={
        "amount": 1250, "currency": "eur", "payment_method_types": ["card"], **extra},
        options=options or {})


def test_stub_answers_like_stripe_when_nothing_is_programmed(stub):
    client = sdk(stub.url)
    customer = client.v1.customers.create(params={"email": "ana@example.com"})
    method = stub.add_payment_method("card", last4="1881")
    charged = pay(client, customer=customer.id, payment_method=method["id"], confirm=True,
                  off_session=True)
    setup = client.v1.setup_intents.create(params={"customer": customer.id})

    assert customer.id.startswith("cus_") and customer.email == "ana@example.com"
    assert charged.status == "succeeded" and charged.amount_received == 1250
    assert charged.payment_method == method["id"] and charged.latest_charge.startswith("ch_")
    assert client.v1.payment_intents.retrieve(charged.id).status == "succeeded"
    assert pay(client).status == "requires_payment_method"
    assert setup.client_secret.startswith(setup.id + "_secret_")
    assert stub.requests[1]["params"]["payment_method_types"] == ["card"]
    assert stub.requests[1]["idempotency_key"]  # the SDK sends one on every POST


def test_a_card_decline_raises_card_error_with_the_decline_code(stub):
    stub.then(card_error("fraudulent"), route="POST /v1/payment_intents")
    with pytest.raises(stripe.CardError) as raised:
        pay(sdk(stub.url), confirm=True, payment_method="pm_x")
    assert raised.value.http_status == 402
    assert raised.value.code == "card_declined"
    assert raised.value.error.decline_code == "fraudulent"
    assert raised.value.error.payment_intent.status == "requires_payment_method"
    assert stub.intents()[0]["last_payment_error"]["decline_code"] == "fraudulent"


def test_other_stripe_errors_raise_the_sdk_class_for_their_status(stub):
    client = sdk(stub.url)
    stub.then(authentication_error()).then(permission_error()).then(amount_too_small()) \
        .then(invalid_currency("xts")).then(server_error())

    with pytest.raises(stripe.AuthenticationError):
        pay(client)
    with pytest.raises(stripe.PermissionError):
        pay(client)
    with pytest.raises(stripe.InvalidRequestError) as small:
        pay(client)
    assert (small.value.code, small.value.param) == ("amount_too_small", "amount")
    with pytest.raises(stripe.InvalidRequestError) as currency:
        pay(client)
    assert (currency.value.code, currency.value.param) == (None, "currency")
    with pytest.raises(stripe.APIError) as failed:
        pay(client)
    assert failed.value.http_status == 500
    assert not stub.intents()  # none of these created anything


def test_a_key_that_is_not_secret_is_refused_as_stripe_does(stub):
    with pytest.raises(stripe.AuthenticationError):
        pay(sdk(stub.url, key="pk_test_stub"))


def test_a_hang_times_out_after_stripe_created_the_intent_and_the_same_key_finds_it(stub):
    client = sdk(stub.url, timeout=0.5)
    stub.then(hang(3), route="POST /v1/payment_intents")
    started = time.monotonic()
    with pytest.raises(stripe.APIConnectionError):
        pay(client, confirm=True, payment_method="pm_x",
            options={"idempotency_key": "attempt-1"})
    assert time.monotonic() - started < 2.5
    [created] = stub.intents()
    assert created["status"] == "succeeded"
    assert stub.requests[-1]["idempotency_key"] == "attempt-1"

    again = pay(client, confirm=True, payment_method="pm_x",
                options={"idempotency_key": "attempt-1"})
    assert again.id == created["id"] and len(stub.intents()) == 1


def test_a_dropped_connection_raises_api_connection_error(stub):
    stub.then(dropped_connection())
    with pytest.raises(stripe.APIConnectionError):
        sdk(stub.url).v1.customers.create(params={"email": "ana@example.com"})


def test_programmed_answers_wait_for_their_route(stub):
    client = sdk(stub.url)
    stub.then(card_error("stolen_card"), route="POST /v1/payment_intents")
    client.v1.customers.create(params={"email": "ana@example.com"})  # not affected
    with pytest.raises(stripe.CardError):
        pay(client, confirm=True, payment_method="pm_x")
    assert pay(client).status == "requires_payment_method"


def test_a_bank_debit_stays_processing_until_moved_on(stub):
    client = sdk(stub.url)
    bank = stub.add_payment_method("us_bank_account")
    stub.then(Answer(intent_status="processing"), route="POST /v1/payment_intents")
    intent = pay(client, confirm=True, payment_method=bank["id"],
                 payment_method_types=["us_bank_account"])
    assert intent.status == "processing" and intent.amount_received == 0

    stub.set_intent(intent.id, "succeeded")
    assert client.v1.payment_intents.retrieve(intent.id).amount_received == 1250
    saved_account = pay(client, confirm=True, payment_method=bank["id"], off_session=True,
                        payment_method_types=["us_bank_account"])
    assert saved_account.status == "processing"   # without programming: debits clear later


def test_saved_methods_attach_update_and_detach(stub):
    client = sdk(stub.url)
    method = stub.add_payment_method("card")
    client.v1.payment_methods.attach(method["id"], params={"customer": "cus_1"})
    updated = client.v1.payment_methods.update(method["id"], params={
        "card": {"exp_month": 3, "exp_year": 2031},
        "billing_details": {"name": "Ana García", "address": {"postal_code": "28001"}}})
    assert (updated.card.exp_month, updated.card.exp_year) == (3, 2031)
    assert updated.billing_details.address.postal_code == "28001"
    assert updated.customer == "cus_1"
    assert client.v1.payment_methods.detach(method["id"]).customer is None
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_methods.retrieve("pm_unknown")
    assert missing.value.code == "resource_missing"


def test_webhook_signatures_verify_with_the_stripe_sdk(stub):
    intent = pay(sdk(stub.url))
    payload = json.dumps(event("payment_intent.succeeded", intent.to_dict()))
    header = signature_header(payload, "whsec_test")

    verified = stripe.Webhook.construct_event(payload, header, "whsec_test")
    assert verified.type == "payment_intent.succeeded"
    assert verified.data.object.id == intent.id
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_other")


def test_the_stand_in_stripe_js_links_a_bank_account_and_leaves_the_debit_processing(stub):
    intent = pay(sdk(stub.url), payment_method_types=["us_bank_account"])
    script = requests.get(f"{stub.url}/js.stripe.com/v3/", timeout=10)
    assert "collectBankAccountForPayment" in script.text
    assert "confirmUsBankAccountPayment" in script.text

    linked = requests.post(f"{stub.url}/_stub/collect_bank_account", timeout=10, data=json.dumps(
        {"key": "pk_test_stub", "client_secret": intent.client_secret,
         "billing_details": {"name": "Ana García"}})).json()["paymentIntent"]
    method = stub.objects[linked["payment_method"]]
    assert method["type"] == "us_bank_account" and method["billing_details"]["name"] == "Ana García"
    confirmed = requests.post(f"{stub.url}/_stub/confirm_us_bank_account", timeout=10,
                              data=json.dumps({"client_secret": intent.client_secret})).json()
    assert confirmed["paymentIntent"]["status"] == "processing"
    wrong = requests.post(f"{stub.url}/_stub/confirm_us_bank_account", timeout=10,
                          data=json.dumps({"client_secret": intent.id + "_secret_wrong"}))
    assert wrong.status_code == 404
