"""Paying online in the portal against real identity and billing and a real localstripe:
"Pay now" with a saved card (charged by billing server-side, as Stripe allows without a
browser), partial amounts, "Pay all", the Cp messages the customer reads when our own
checks refuse a payment, and that nothing of another customer can be paid or seen.
The card typed into Stripe.js is the browser suite's (tests/e2e)."""
import json
import re

import pytest
import requests

from gateway.portal.stripe_page import payment_csp, stripe_js
from portal_common.payment_codes import CODES
from tests.interface.gateway.conftest import csrf_token
from tests.interface.gateway.online_payments import (ATTEMPT_PATH, VISA, attempt_id,
                                                     configure_gateway,
                                                     customer_with_portal, data_attribute,
                                                     save_card, saved_method_ids,
                                                     stripe_invoice, text)

NBSP = "\xa0"


@pytest.fixture
def shop(api, client, org, localstripe):
    """The organization's gateway is localstripe; Marta is logged in."""
    configure_gateway(api, localstripe)
    customer, portal = customer_with_portal(api, client, org)
    return customer, portal


def pay(portal, invoice_id, **form):
    path = f"/invoices/{invoice_id}/pay"
    return portal.post_form(path, form)


def refusal(portal, response):
    """The page a refused payment leads to: its attempt's address (a reload sends
    nothing again), answered 402."""
    assert response.status_code == 303, text(response)
    assert ATTEMPT_PATH.search(response.headers["Location"])
    page = portal.client.get(response.headers["Location"])
    assert page.status_code == 402
    return page


def invoice_now(api, invoice_id) -> dict:
    return api.get(f"/invoices/{invoice_id}").json


def test_pay_now_with_a_saved_card_pays_the_invoice_and_shows_the_receipt(api, shop,
                                                                           localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "100.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)

    page = text(portal.get(f"/invoices/{invoice['id']}"))
    assert f'/invoices/{invoice["id"]}/pay"' in page and "Pague ahora" in page
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    assert f'value="saved:{method_id}"' in form and "terminada en 4242" in form
    assert "Guardar esta tarjeta para pagos futuros" in form
    intents_before = len(localstripe.payment_intents())

    attempt = attempt_id(pay(portal, invoice["id"], method=f"saved:{method_id}"))
    result = portal.get(f"/payments/attempts/{attempt}")
    assert result.status_code == 200
    html = text(result)
    assert "Pago recibido" in html and f"100,00{NBSP}€" in html
    receipt_link = re.search(r'href="(/portal/[^"]+/payments/([^"/]+))"', html)
    assert receipt_link, html

    receipt = portal.client.get(receipt_link.group(1))
    assert receipt.status_code == 200
    assert invoice["number"] in text(receipt) and "PAY-" in text(receipt)
    paid = invoice_now(api, invoice["id"])
    assert paid["status"] == "paid" and paid["balance"] == "0.00"
    assert len(localstripe.payment_intents()) == intents_before + 1
    # Paid: no more "Pay now", and the pay page is gone.
    assert f'/invoices/{invoice["id"]}/pay"' not in text(portal.get(f"/invoices/{invoice['id']}"))
    assert portal.get(f"/invoices/{invoice['id']}/pay").status_code == 404


def test_partial_amounts_are_kept_when_refused_and_paid_when_right(api, shop, localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "100.00", partial=True)
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    saved = f"saved:{method_id}"

    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    assert 'name="amount"' in form and 'value="100.00"' in form

    above = pay(portal, invoice["id"], amount="150", method=saved)
    assert above.status_code == 400
    assert 'value="150"' in text(above)
    assert f"como máximo el saldo pendiente, 100,00{NBSP}€" in text(above)

    below = pay(portal, invoice["id"], amount="0.10", method=saved)
    assert below.status_code == 402
    assert 'value="0.10"' in text(below)
    assert CODES["Cp4001"].customer_es in text(below)

    spanish_thousands = pay(portal, invoice["id"], amount="1.234,50", method=saved)
    assert spanish_thousands.status_code == 400
    assert "como máximo el saldo pendiente" in text(spanish_thousands)
    for absurd in ("1e999999", "0,001"):
        response = pay(portal, invoice["id"], amount=absurd, method=saved)
        assert response.status_code == 400 and "Introduzca un importe como" in text(response)

    nonsense = pay(portal, invoice["id"], amount="diez", method=saved)
    assert nonsense.status_code == 400 and 'value="diez"' in text(nonsense)
    assert invoice_now(api, invoice["id"])["balance"] == "100.00"

    attempt = attempt_id(pay(portal, invoice["id"], amount="40,00", method=saved))
    assert "Pago recibido" in text(portal.get(f"/payments/attempts/{attempt}"))
    after = invoice_now(api, invoice["id"])
    assert after["balance"] == "60.00" and after["status"] == "partially_paid"
    # The next payment starts from the new balance.
    assert 'value="60.00"' in text(portal.get(f"/invoices/{invoice['id']}/pay"))


def test_an_invoice_without_partial_payments_has_no_amount_field(api, shop):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "80.00", partial=False)
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    assert 'name="amount"' not in form and f"80,00{NBSP}€" in form


def test_pay_now_is_offered_only_with_stripe_on_the_invoice_and_a_balance(api, shop):
    customer, portal = shop
    offline = api.post("/invoices", json={
        "customer_id": customer["id"], "date": "2026-03-01", "due_date": "2099-12-31",
        "line_items": [{"name": "Sin pasarela", "quantity": "1", "rate": "10.00"}]}).json
    assert api.post(f"/invoices/{offline['id']}/send").status_code == 200
    assert "/pay\"" not in text(portal.get(f"/invoices/{offline['id']}"))
    assert portal.get(f"/invoices/{offline['id']}/pay").status_code == 404


def test_a_retainer_invoice_is_paid_the_same_way(api, shop, localstripe):
    customer, portal = shop
    retainer = stripe_invoice(api, customer, "300.00", kind="retainer")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    assert "Pague ahora" in text(portal.get(f"/invoices/{retainer['id']}"))
    attempt = attempt_id(pay(portal, retainer["id"], method=f"saved:{method_id}"))
    assert "Pago recibido" in text(portal.get(f"/payments/attempts/{attempt}"))
    assert invoice_now(api, retainer["id"])["status"] == "paid"


def test_pay_all_pays_every_outstanding_invoice_in_one_payment(api, shop, localstripe):
    customer, portal = shop
    older = stripe_invoice(api, customer, "30.00", due_date="2099-01-01")
    newer = stripe_invoice(api, customer, "70.00", due_date="2099-06-01")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)

    home = text(portal.get("/"))
    assert "/pay-all\"" in home and "Pagar todo" in home
    page = text(portal.get("/pay-all"))
    assert page.index(older["number"]) < page.index(newer["number"])
    assert f"Total: 100,00{NBSP}€" in page

    attempt = attempt_id(portal.post_form("/pay-all", {"method": f"saved:{method_id}"}))
    result = text(portal.get(f"/payments/attempts/{attempt}"))
    assert "Pago recibido" in result and f"100,00{NBSP}€" in result
    assert invoice_now(api, older["id"])["status"] == "paid"
    assert invoice_now(api, newer["id"])["status"] == "paid"


def test_pay_all_refuses_mixed_currencies_with_a_clear_message(api, shop):
    customer, portal = shop
    stripe_invoice(api, customer, "30.00")
    stripe_invoice(api, customer, "40.00", currency="USD")
    html = text(portal.get("/pay-all"))
    assert "más de una moneda (EUR, USD)" in html
    assert 'name="method"' not in html  # nothing to submit
    refused = portal.post_form("/pay-all", {"method": "card"}, page="/pay-all")
    assert refused.status_code == 400
    assert "más de una moneda (EUR, USD)" in text(refused)
    assert "more than one currency (EUR, USD)" in text(portal.get("/pay-all?lang=en"))


# --- our own checks: the Cp code and its customer message on the result page ---------------

def test_cp4003_a_currency_the_gateway_does_not_take(api, shop):
    customer, portal = shop
    assert api.put("/payment-gateway", json={"supported_currencies": ["USD"]}).status_code == 200
    invoice = stripe_invoice(api, customer, "50.00")
    refused = refusal(portal, pay(portal, invoice["id"], method="card"))
    html = text(refused)
    assert "Pago no completado" in html and CODES["Cp4003"].customer_es in html
    english = portal.client.get(f"{refused.request.path}?lang=en")
    assert english.status_code == 402
    assert CODES["Cp4003"].customer_en in text(english)
    assert "Try again" in text(english)
    assert invoice_now(api, invoice["id"])["balance"] == "50.00"


def _token(portal):
    """A form token of the portal's session (any page's)."""
    return csrf_token(text(portal.get("/")))


def test_cp4001_a_balance_below_the_gateway_minimum(api, shop, localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "0.30")
    intents_before = len(localstripe.payment_intents())
    refused = refusal(portal, pay(portal, invoice["id"], method="card"))
    assert CODES["Cp4001"].customer_es in text(refused)
    assert len(localstripe.payment_intents()) == intents_before  # nothing sent to Stripe


def test_cp3001_a_saved_card_when_reference_transactions_are_off(api, shop, localstripe):
    customer, portal = shop
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    assert api.put("/payment-gateway",
                   json={"reference_transactions": False}).status_code == 200
    invoice = stripe_invoice(api, customer, "20.00")
    refused = refusal(portal, pay(portal, invoice["id"], method=f"saved:{method_id}"))
    assert CODES["Cp3001"].customer_es in text(refused)
    assert invoice_now(api, invoice["id"])["balance"] == "20.00"


def test_cp3005_the_same_amount_and_card_within_the_window(api, shop, localstripe):
    customer, portal = shop
    first = stripe_invoice(api, customer, "25.00")
    second = stripe_invoice(api, customer, "25.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    attempt_id(pay(portal, first["id"], method=f"saved:{method_id}"))
    refused = refusal(portal, pay(portal, second["id"], method=f"saved:{method_id}"))
    assert CODES["Cp3005"].customer_es in text(refused)
    assert invoice_now(api, second["id"])["balance"] == "25.00"


# --- tenancy --------------------------------------------------------------------------------

def test_another_customers_invoice_attempt_and_card_are_not_found(app, api, org, shop,
                                                                  localstripe):
    customer, portal = shop
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    mine = stripe_invoice(api, customer, "15.00")
    attempt = attempt_id(pay(portal, mine["id"], method=f"saved:{method_id}"))

    # Robles in a browser of their own (the portal's cookies are per browser).
    other, other_portal = customer_with_portal(api, app.test_client(), org,
                                               "Carpintería Robles")
    theirs = stripe_invoice(api, other, "15.00")
    # Marta cannot pay, or even open the pay page of, Robles' invoice ...
    assert portal.get(f"/invoices/{theirs['id']}/pay").status_code == 404
    token = _token(portal)
    assert portal.client.post(f"{portal.base}/invoices/{theirs['id']}/pay",
                              data={"method": "card", "csrf_token": token}).status_code == 404
    # ... and Robles cannot see Marta's attempt or charge Marta's card.
    assert other_portal.get(f"/payments/attempts/{attempt}").status_code == 404
    assert other_portal.post_form(f"/payments/attempts/{attempt}/complete", {},
                                  page="/").status_code == 404
    theirs_pay = other_portal.post_form(f"/invoices/{theirs['id']}/pay",
                                        {"method": f"saved:{method_id}"})
    assert theirs_pay.status_code == 400
    assert "Elija uno de sus métodos de pago guardados." in text(theirs_pay)
    assert invoice_now(api, theirs["id"])["balance"] == "15.00"
    assert other_portal.get(f"/cards/{method_id}/edit").status_code == 404
    assert other_portal.post_form(f"/cards/{method_id}/remove", {},
                                  page="/").status_code == 404
    assert saved_method_ids(portal) == [method_id]


# --- a new card: the card step (Stripe.js's part played as localstripe's script does) -------

def test_pay_now_with_a_new_card_goes_through_the_card_step(api, shop, localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "64.00")
    step = pay(portal, invoice["id"], method="card", save_method="1")
    assert step.status_code == 200, text(step)
    html = text(step)
    policy = step.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.url}" in policy
    assert f"connect-src {localstripe.url}" in policy and "frame-src" in policy
    assert f'<script src="{localstripe.js_url}"></script>' in html
    assert "Este paso necesita JavaScript" in html  # what to do with it turned off
    assert data_attribute(html, "next-action") == "confirm_card_setup"
    # The card's billing address is typed here but handed to Stripe.js only: no field of
    # the card step has a name, so the form posts none of it to us.
    assert 'id="billing-line1"' in html and 'id="billing-country"' in html
    step_form = html[html.index('id="payment-step"'):html.index("</form>", html.index(
        'id="payment-step"'))]
    assert re.findall(r'\sname="([^"]+)"', step_form) == ["csrf_token"]
    complete = re.search(r'action="([^"]+/complete)"', html).group(1)
    # The pay form (no script) allows none.
    assert "script-src" not in portal.get(f"/invoices/{invoice['id']}/pay").headers[
        "Content-Security-Policy"]

    # What localstripe's Stripe.js does with the card typed into its fields.
    secret = data_attribute(html, "client-secret")
    confirmed = requests.post(
        f"{localstripe.url}/v1/setup_intents/{secret.split('_secret_')[0]}/confirm",
        timeout=10, data=json.dumps({
            "key": data_attribute(html, "publishable-key"), "use_stripe_sdk": True,
            "client_secret": secret, "payment_method_data": {
                "type": "card", "card": {"number": VISA, "exp_month": "11",
                                         "exp_year": "2030", "cvc": "123"}}}))
    assert confirmed.status_code == 200, confirmed.text

    done = portal.client.post(complete, data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302
    result = text(portal.client.get(done.headers["Location"]))
    assert "Pago recibido" in result and f"64,00{NBSP}€" in result
    assert invoice_now(api, invoice["id"])["status"] == "paid"
    # "Save this card" was ticked: it is on the home page now.
    assert "caduca 11/2030" in text(portal.get("/"))


def test_the_card_step_fills_in_and_requires_the_billing_address_when_asked(api, client,
                                                                            org, localstripe):
    configure_gateway(api, localstripe, require_billing_address=True)
    customer, portal = customer_with_portal(api, client, org, billing_address={
        "street": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013",
        "country": "ES"})
    invoice = stripe_invoice(api, customer, "12.00")
    html = text(pay(portal, invoice["id"], method="card"))
    assert re.search(r'id="billing-line1" value="Calle Mayor 1"[^>]* required', html)
    assert re.search(r'id="billing-postal-code" value="28013"[^>]* required', html)
    assert '<option value="ES" selected>' in html


def test_the_bank_account_option_only_for_customers_allowed_ach(api, shop):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "90.00")
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    assert 'value="ach"' not in form and "ACH" not in form
    refused = pay(portal, invoice["id"], method="ach")
    assert refused.status_code == 400 and "Elija cómo pagar." in text(refused)

    changed = api.patch(f"/customers/{customer['id']}", json={"allow_ach": True})
    assert changed.status_code == 200, changed.json
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    assert 'value="ach"' in form and "Una cuenta bancaria (ACH)" in form
    assert "Utilice esta cuenta para transacciones futuras" in form


def test_a_card_declined_by_the_bank_shows_the_reason_without_a_cp_code(api, shop,
                                                                          localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "33.00")
    save_card(portal, localstripe, number="4000000000000341")  # declines when charged
    [method_id] = saved_method_ids(portal)
    refused = refusal(portal, pay(portal, invoice["id"], method=f"saved:{method_id}"))
    html = text(refused)
    assert "Pago no completado" in html and "La tarjeta fue rechazada." in html
    assert "(Cp" not in html
    assert invoice_now(api, invoice["id"])["balance"] == "33.00"


def test_one_payment_at_a_time_and_a_double_click_starts_it_once(api, shop, localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "52.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    key = re.search(r'name="attempt_key" value="([a-f0-9]{32})"', form).group(1)
    path = f"{portal.base}/invoices/{invoice['id']}/pay"
    body = {"method": "card", "attempt_key": key, "csrf_token": csrf_token(form)}

    first = portal.client.post(path, data=body)
    again = portal.client.post(path, data=body)  # the same form sent twice
    assert first.status_code == again.status_code == 200
    secret = data_attribute(text(first), "client-secret")
    assert data_attribute(text(again), "client-secret") == secret

    # Another try while the card step is open is refused, pointing at the open one.
    other = portal.post_form(f"/invoices/{invoice['id']}/pay",
                             {"method": f"saved:{method_id}"})
    assert other.status_code == 409
    html = text(other)
    assert "Ya se está procesando un pago de esta factura." in html
    link = re.search(r'href="([^"]+/payments/attempts/[^"]+)"', html).group(1)
    resumed = portal.client.get(link)
    assert resumed.status_code == 200
    assert data_attribute(text(resumed), "client-secret") == secret
    assert invoice_now(api, invoice["id"])["balance"] == "52.00"


def test_no_answer_from_stripe_is_shown_as_being_processed_never_as_failed(api, shop,
                                                                            localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "27.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    # Stripe unreachable: nothing listens on port 1.
    assert api.put("/payment-gateway", json={"api_base": "http://127.0.0.1:1"}).status_code \
        == 200
    attempt = attempt_id(pay(portal, invoice["id"], method=f"saved:{method_id}"))
    result = portal.get(f"/payments/attempts/{attempt}")
    assert result.status_code == 200
    html = text(result)
    assert "Pago en proceso" in html and "No vuelva a pagar mientras tanto." in html
    assert "Pago no completado" not in html
    assert invoice_now(api, invoice["id"])["balance"] == "27.00"


def test_an_invoice_paid_while_the_form_was_open_is_not_charged(api, shop, localstripe):
    customer, portal = shop
    invoice = stripe_invoice(api, customer, "18.00")
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    form = text(portal.get(f"/invoices/{invoice['id']}/pay"))
    # Meanwhile the business records a bank transfer for all of it.
    recorded = api.post("/payments", json={
        "customer_id": customer["id"], "amount": "18.00", "date": "2026-03-05",
        "mode": "bank_transfer", "applications": [{"invoice_id": invoice["id"],
                                                   "amount": "18.00"}]})
    assert recorded.status_code == 201, recorded.json
    intents_before = len(localstripe.payment_intents())
    late = portal.client.post(f"{portal.base}/invoices/{invoice['id']}/pay",
                              data={"method": f"saved:{method_id}",
                                    "csrf_token": csrf_token(form)})
    assert late.status_code == 302
    assert late.headers["Location"].endswith(f"/invoices/{invoice['id']}")
    assert "Pagada" in text(portal.client.get(late.headers["Location"]))
    assert len(localstripe.payment_intents()) == intents_before
    assert len(invoice_now(api, invoice["id"])["payments"]) == 1


def test_the_policy_for_stripe_itself_names_stripes_origins_only():
    assert stripe_js("https://api.stripe.com")["url"] == "https://js.stripe.com/v3/"
    policy = payment_csp("https://api.stripe.com")
    assert "script-src 'self' https://js.stripe.com https://*.js.stripe.com;" in policy
    assert "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;" \
        in policy
    assert "connect-src https://api.stripe.com;" in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
