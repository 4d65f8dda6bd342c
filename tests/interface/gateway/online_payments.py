"""What the online payment tests share: an organization whose gateway is a real
localstripe, a logged-in customer, invoices that offer Stripe, and a card saved the way
a browser saves one (the portal's SetupIntent, confirmed at localstripe as its Stripe.js
stand-in does, then posted back to the portal)."""
import json
import re
from html import unescape

import requests

from tests.interface.gateway.billing_api import DATE, DUE, created
from tests.interface.gateway.conftest import create_customer, invite_and_accept

PUBLISHABLE_KEY = "pk_test_localstripe"
SECRET_KEY = "sk_test_localstripe"
WEBHOOK_SECRET = "whsec_gatewaytests"
VISA = "4242424242424242"
ATTEMPT_PATH = re.compile(r"/payments/attempts/([A-Za-z0-9-]+)$")


def text(response) -> str:
    return response.get_data(as_text=True)


def configure_gateway(api, localstripe, **extra) -> dict:
    """Stripe settings pointing at the test run's localstripe, and a default tax (Cp2001)."""
    created(api.post("/taxes", json={"name": "IVA", "rate": "21", "is_default": True}))
    response = api.put("/payment-gateway", json={
        "secret_key": SECRET_KEY, "publishable_key": PUBLISHABLE_KEY,
        "webhook_secret": WEBHOOK_SECRET, "api_base": localstripe.url,
        "supported_currencies": ["EUR", "USD"], **extra})
    assert response.status_code == 200, response.json
    return response.json


def customer_with_portal(api, client, org, name="Ferretería Central", **extra):
    customer = create_customer(api, name, **extra)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


def stripe_invoice(api, customer, rate="100.00", kind="invoice", partial=False,
                   due_date=DUE, **extra) -> dict:
    """A sent invoice offering Stripe, one line without tax at ``rate``."""
    draft = created(api.post("/invoices", json={
        "customer_id": customer["id"], "date": DATE, "due_date": due_date, "kind": kind,
        "allow_partial_payments": partial, "payment_gateways": ["stripe"],
        "line_items": [{"name": "Servicio", "quantity": "1", "rate": rate}], **extra}))
    sent = api.post(f"/invoices/{draft['id']}/send")
    assert sent.status_code == 200, sent.json
    return sent.json


def data_attribute(html: str, name: str) -> str:
    found = re.search(rf'data-{name}="([^"]*)"', html)
    assert found, f"no data-{name} on the page"
    return unescape(found.group(1))


def save_card(portal, localstripe, number=VISA, exp_month="12", exp_year="2031") -> dict:
    """Add a card from the home page: the portal's SetupIntent, confirmed at localstripe
    as its Stripe.js does in the browser, then the SetupIntent posted back to us."""
    page = portal.get("/cards/new")
    assert page.status_code == 200, text(page)
    html = text(page)
    secret = data_attribute(html, "client-secret")
    setup_intent = secret.split("_secret_")[0]
    confirmed = requests.post(
        f"{localstripe.url}/v1/setup_intents/{setup_intent}/confirm", timeout=10,
        data=json.dumps({"key": data_attribute(html, "publishable-key"),
                         "use_stripe_sdk": True, "client_secret": secret,
                         "payment_method_data": {
                             "type": "card",
                             "card": {"number": number, "exp_month": exp_month,
                                      "exp_year": exp_year, "cvc": "123"},
                             "billing_details": {"name": "Marta Ibáñez",
                                                 "address": {"postal_code": "28013"}}}}))
    assert confirmed.status_code == 200, confirmed.text
    done = portal.post_form("/cards/new", {"setup_intent_id": setup_intent}, page="/")
    assert done.status_code == 302, text(done)
    return confirmed.json()


def attempt_id(response) -> str:
    """The attempt a pay POST redirected to."""
    assert response.status_code == 302, text(response)
    found = ATTEMPT_PATH.search(response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def saved_method_ids(portal) -> list[str]:
    return re.findall(r'/cards/([A-Za-z0-9_-]+)/remove"', text(portal.get("/")))


def save_card_billed_to(portal, localstripe, address: dict) -> dict:
    """A card saved from the home page, as ``save_card``, whose billing address (typed into
    Stripe.js) is ``address``: e.g. one without a postal code, for the card verification
    settings (Cp3004)."""
    page = portal.get("/cards/new")
    assert page.status_code == 200, text(page)
    html = text(page)
    secret = data_attribute(html, "client-secret")
    setup_intent = secret.split("_secret_")[0]
    confirmed = requests.post(
        f"{localstripe.url}/v1/setup_intents/{setup_intent}/confirm", timeout=10,
        data=json.dumps({"key": data_attribute(html, "publishable-key"),
                         "use_stripe_sdk": True, "client_secret": secret,
                         "payment_method_data": {
                             "type": "card",
                             "card": {"number": VISA, "exp_month": "12",
                                      "exp_year": "2031", "cvc": "123"},
                             "billing_details": {"name": "Marta Ibáñez",
                                                 "address": address}}}))
    assert confirmed.status_code == 200, confirmed.text
    done = portal.post_form("/cards/new", {"setup_intent_id": setup_intent}, page="/")
    assert done.status_code == 302, text(done)
    return confirmed.json()
