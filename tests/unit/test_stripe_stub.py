"""The test suite's stand-ins for Stripe: localstripe as a subprocess, spoken to by the real SDK."""
import pytest
import requests
import stripe


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


def test_localstripe_refuses_a_key_that_is_not_secret(localstripe):
    client = stripe.StripeClient("pk_test_x", base_addresses={"api": localstripe.url},
                                 max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        client.v1.customers.create(params={"email": "ana@example.com"})


def test_localstripe_serves_its_stand_in_stripe_js(localstripe):
    script = requests.get(localstripe.js_url, timeout=10)
    assert script.status_code == 200
    assert "confirmCardPayment" in script.text and "confirmCardSetup" in script.text
