"""Every Cp code the system can produce, through the portal's pay flow against the real
identity, billing and notify services: our own checks with localstripe as the gateway,
Stripe's own refusals from the Stripe-shaped stub (tests/support/stripe_stub.py) through
the real SDK. For each code the customer reads its message from portal_common.payment_codes
(Spanish, and English at the same address), nothing is paid (the invoice's balance through
billing.get_invoice, no payment recorded), and staff get an email naming the code, what went
wrong and what they can do (read from notify's outgoing mail through the staff API).

Cp4002 has no user-facing path (the portal never asks for automatic charges) and Cp1003
cannot arise in the portal (a deleted contact's sessions end at once): see their tests."""
import pytest

from portal_common.payment_codes import CODES
from gateway.rpc_access import process_pool
from tests.interface.gateway.conftest import csrf_token
from tests.interface.gateway.online_payments import (ATTEMPT_PATH, configure_gateway,
                                                     customer_with_portal, save_card,
                                                     save_card_billed_to, saved_method_ids,
                                                     stripe_invoice, text)
from tests.support import stripe_stub
from tests.support.mailbox import wait_until

INTENTS = "POST /v1/payment_intents"


@pytest.fixture
def stub():
    server = stripe_stub.StripeStub().start()
    yield server
    server.stop()


@pytest.fixture
def shop(api, client, org, localstripe):
    """The organization's gateway is localstripe (with a default tax); Marta is logged in."""
    configure_gateway(api, localstripe)
    return customer_with_portal(api, client, org)


def pay(portal, invoice_id, method):
    return portal.post_form(f"/invoices/{invoice_id}/pay", {"method": method})


def saved_card(portal, localstripe) -> str:
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    return f"saved:{method_id}"


def balance(app, org, invoice) -> dict:
    return process_pool(app).call("billing", "get_invoice", org["id"], invoice["id"])


def staff_failure_mail(api, org, code) -> dict:
    """The staff email notify sent (or queued) for a payment refused with ``code``."""
    def found():
        mails = api.get("/outgoing-mail", query_string={"to": org["email"],
                                                        "per_page": 100}).json["items"]
        return [m for m in mails if f"({code})" in m["subject"]]
    [mail] = wait_until(found, what=f"the staff email of {code}")
    return mail


def refused_at(response) -> str:
    """A refused pay form redirects (303) to its recorded attempt's address."""
    assert response.status_code == 303, text(response)
    location = response.headers["Location"]
    assert ATTEMPT_PATH.search(location), location
    return location


def assert_refused_everywhere(app, api, org, portal, location, code, invoice):
    """At the attempt's address the customer reads the code's message; the invoice is
    untouched; staff are told the code, what went wrong and the remedy."""
    spanish = portal.client.get(location)
    assert spanish.status_code == 402
    html = text(spanish)
    assert "Pago no completado" in html and CODES[code].customer_es in html
    english = portal.client.get(f"{location}?lang=en")
    assert english.status_code == 402 and CODES[code].customer_en in text(english)

    after = balance(app, org, invoice)
    assert after["balance"] == invoice["balance"] and after["payments"] == []

    mail = staff_failure_mail(api, org, code)
    assert mail["subject"] == f"Ha fallado un pago de Ferretería Central ({code})"
    body = mail["text_body"]
    assert f"Código de error: {code}\n" in body
    assert CODES[code].meaning_es in body and CODES[code].remedy_es in body


# --- our own checks, before any call to the gateway ------------------------------------------

def cp1004_deleted_recurring_profile(api, localstripe, customer, portal):
    profile = api.post("/recurring-profiles", json={
        "customer_id": customer["id"], "name": "Mantenimiento mensual",
        "frequency": "monthly", "start_date": "2026-01-01",
        "line_items": [{"name": "Servicio", "quantity": "1", "rate": "45.00"}]})
    assert profile.status_code == 201, profile.json
    invoice = stripe_invoice(api, customer, "45.00", recurring_profile_id=profile.json["id"])
    assert api.delete(f"/recurring-profiles/{profile.json['id']}").status_code == 204
    return invoice, "card"


def cp3001_reference_transactions_off(api, localstripe, customer, portal):
    method = saved_card(portal, localstripe)
    assert api.put("/payment-gateway",
                   json={"reference_transactions": False}).status_code == 200
    return stripe_invoice(api, customer, "20.00"), method


def cp3004_postal_code_required(api, localstripe, customer, portal):
    save_card_billed_to(portal, localstripe, {"line1": "Calle Mayor 1", "city": "Madrid",
                                              "country": "ES"})
    [method_id] = saved_method_ids(portal)
    assert api.put("/payment-gateway", json={"require_postal_code": True}).status_code == 200
    return stripe_invoice(api, customer, "36.00"), f"saved:{method_id}"


def cp3005_same_amount_and_card_just_paid(api, localstripe, customer, portal):
    method = saved_card(portal, localstripe)
    first = stripe_invoice(api, customer, "25.00")
    paid = pay(portal, first["id"], method)
    assert paid.status_code == 302, text(paid)
    assert "Pago recibido" in text(portal.client.get(paid.headers["Location"]))
    return stripe_invoice(api, customer, "25.00"), method


def cp4001_below_the_minimum(api, localstripe, customer, portal):
    return stripe_invoice(api, customer, "0.30"), "card"


def cp4003_currency_not_supported(api, localstripe, customer, portal):
    assert api.put("/payment-gateway", json={"supported_currencies": ["USD"]}).status_code \
        == 200
    return stripe_invoice(api, customer, "50.00"), "card"


@pytest.mark.parametrize("code, arrange", [
    ("Cp1004", cp1004_deleted_recurring_profile),
    ("Cp3001", cp3001_reference_transactions_off),
    ("Cp3004", cp3004_postal_code_required),
    ("Cp3005", cp3005_same_amount_and_card_just_paid),
    ("Cp4001", cp4001_below_the_minimum),
    ("Cp4003", cp4003_currency_not_supported),
], ids=lambda value: value if isinstance(value, str) else None)
def test_our_own_checks_refuse_before_any_charge(app, api, org, shop, localstripe, code,
                                                 arrange):
    customer, portal = shop
    invoice, method = arrange(api, localstripe, customer, portal)
    intents_before = len(localstripe.payment_intents())
    response = pay(portal, invoice["id"], method)
    assert len(localstripe.payment_intents()) == intents_before  # Stripe never asked
    assert_refused_everywhere(app, api, org, portal, refused_at(response), code, invoice)


def test_cp2001_an_organization_without_a_default_tax(app, api, client, org, localstripe):
    """The gateway set up, but no tax at all (configure_gateway would create one)."""
    response = api.put("/payment-gateway", json={
        "secret_key": "sk_test_localstripe", "publishable_key": "pk_test_localstripe",
        "api_base": localstripe.url, "supported_currencies": ["EUR"]})
    assert response.status_code == 200, response.json
    assert api.get("/taxes").json["items"] == []
    customer, portal = customer_with_portal(api, client, org)
    invoice = stripe_invoice(api, customer, "60.00")
    intents_before = len(localstripe.payment_intents())
    refused = pay(portal, invoice["id"], "card")
    assert len(localstripe.payment_intents()) == intents_before
    assert_refused_everywhere(app, api, org, portal, refused_at(refused), "Cp2001",
                              invoice)


# --- what Stripe decides: the stub's answers, in Stripe's own shapes ---------------------------

@pytest.mark.parametrize("answer, code", [
    (stripe_stub.authentication_error(), "Cp3002"),
    (stripe_stub.permission_error(), "Cp3002"),
    (stripe_stub.card_error("fraudulent"), "Cp3003"),
    (stripe_stub.card_error("stolen_card"), "Cp3003"),
    (stripe_stub.card_error(None, code="incorrect_zip",
                            message="The card's zip code failed validation."), "Cp3004"),
    (stripe_stub.card_error("duplicate_transaction"), "Cp3005"),
    (stripe_stub.amount_too_small(), "Cp4001"),
    (stripe_stub.invalid_currency("eur"), "Cp4003"),
], ids=["401", "403", "fraudulent", "stolen_card", "incorrect_zip", "duplicate_transaction",
        "amount_too_small", "invalid_currency"])
def test_stripes_refusals_of_a_saved_card(app, api, org, shop, localstripe, stub, answer,
                                          code):
    customer, portal = shop
    method = saved_card(portal, localstripe)  # saved at localstripe, charged at the stub
    assert api.put("/payment-gateway", json={"api_base": stub.url}).status_code == 200
    invoice = stripe_invoice(api, customer, "40.00")
    stub.then(answer, route=INTENTS)
    response = pay(portal, invoice["id"], method)
    assert_refused_everywhere(app, api, org, portal, refused_at(response), code, invoice)


def test_cp3002_localstripe_refuses_a_key_that_is_not_a_secret_key(app, api, org, shop,
                                                                    localstripe):
    """Our settings take a restricted key (rk_…); localstripe, like a Stripe account that
    does not know it, answers 401 — the credentials are invalid."""
    customer, portal = shop
    changed = api.put("/payment-gateway", json={"secret_key": "rk_test_notasecretkey"})
    assert changed.status_code == 200, changed.json
    invoice = stripe_invoice(api, customer, "44.00")
    response = pay(portal, invoice["id"], "card")
    assert_refused_everywhere(app, api, org, portal, refused_at(response), "Cp3002", invoice)


# --- the two codes with no ordinary path in the portal ------------------------------------------

def test_cp4002_automatic_charges_without_recurring_support(app, api, org, shop, localstripe):
    """Cp4002 has no user-facing path: the portal's pay forms always send auto_charge false
    (gateway/gateway/portal/pay.py) and no staff API route starts a payment. It is driven
    through billing.start_payment over RPC, as a future automatic-charge caller would; the
    customer then reads it at the attempt's address in the portal."""
    customer, portal = shop
    assert api.put("/payment-gateway", json={"supports_recurring": False}).status_code == 200
    invoice = stripe_invoice(api, customer, "75.00")
    intents_before = len(localstripe.payment_intents())
    with pytest.raises(Exception) as refused:
        process_pool(app).call("billing", "start_payment", org["id"], customer["id"], {
            "invoice_ids": [invoice["id"]], "method": "card", "auto_charge": True,
            "contact_id": customer["contacts"][0]["id"]})
    assert type(refused.value).__name__ == "PaymentRefused"
    details = refused.value.details
    assert details["cp_code"] == "Cp4002"
    assert len(localstripe.payment_intents()) == intents_before

    location = f"{portal.base}/payments/attempts/{details['attempt_id']}"
    assert_refused_everywhere(app, api, org, portal, location, "Cp4002", invoice)


def test_cp1003_a_deleted_contact_never_reaches_a_payment(app, api, org, shop, localstripe):
    """Cp1003 cannot arise in the portal: deleting a contact ends their portal sessions at
    once, so the pay request of a page they still have open is sent to the login page and
    nothing reaches billing — no attempt, no charge, no staff email."""
    customer, portal = shop
    method = saved_card(portal, localstripe)
    invoice = stripe_invoice(api, customer, "30.00")
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    marta = customer["contacts"][0]
    deleted = api.delete(f"/customers/{customer['id']}/contacts/{marta['id']}")
    assert deleted.status_code == 204
    intents_before = len(localstripe.payment_intents())

    late = portal.client.post(f"{portal.base}/invoices/{invoice['id']}/pay",
                              data={"method": method, "csrf_token": csrf_token(form)})
    assert late.status_code == 302
    assert f"{portal.base}/login" in late.headers["Location"]
    assert portal.get(f"/invoices/{invoice['id']}/pay").status_code == 302
    assert len(localstripe.payment_intents()) == intents_before
    after = balance(app, org, invoice)
    assert after["balance"] == "30.00" and after["payments"] == []
    mails = api.get("/outgoing-mail", query_string={"to": org["email"]}).json["items"]
    assert not [m for m in mails if "Ha fallado un pago" in m["subject"]]
