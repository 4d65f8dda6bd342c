"""Card details on the home page against real billing and a real localstripe: a card
added through a SetupIntent (confirmed at localstripe as its Stripe.js does), listed with
brand, last digits and expiry, its billing details and expiry edited, removed; the
pages' Content-Security-Policy; another customer's card is not found."""
import re

import pytest

from tests.interface.gateway.online_payments import (configure_gateway, customer_with_portal,
                                                     data_attribute, save_card,
                                                     saved_method_ids, text)


@pytest.fixture
def shop(api, client, org, localstripe):
    configure_gateway(api, localstripe)
    return customer_with_portal(api, client, org)


def test_without_a_payment_gateway_there_is_no_card_section(api, client, org):
    _customer, portal = customer_with_portal(api, client, org)
    home = text(portal.get("/"))
    assert "Detalles de la tarjeta" not in home and "/pay-all" not in home
    assert portal.get("/cards/new").status_code == 404
    assert portal.get("/pay-all").status_code == 404


def test_a_card_is_added_listed_edited_and_removed(shop, localstripe):
    _customer, portal = shop
    home = text(portal.get("/"))
    assert "Detalles de la tarjeta" in home and "No hay tarjetas guardadas" in home

    save_card(portal, localstripe, exp_month="12", exp_year="2031")
    home = text(portal.get("/"))
    assert "Su tarjeta se ha guardado." in home
    assert "Tarjeta Visa terminada en 4242" in home and "caduca 12/2031" in home
    [method_id] = saved_method_ids(portal)

    edit = text(portal.get(f"/cards/{method_id}/edit"))
    assert 'value="12"' in edit and 'value="2031"' in edit
    wrong = portal.post_form(f"/cards/{method_id}/edit", {
        "billing_name": "Marta Ibáñez", "exp_month": "13", "exp_year": "31", "line1": "",
        "city": "", "postal_code": "", "country": ""})
    assert wrong.status_code == 400
    assert "del 1 al 12" in text(wrong) and "cuatro cifras" in text(wrong)
    assert 'value="13"' in text(wrong)  # what was typed is kept

    saved = portal.post_form(f"/cards/{method_id}/edit", {
        "billing_name": "Marta Ibáñez Ruiz", "exp_month": "1", "exp_year": "2032",
        "line1": "Calle Mayor 5", "city": "Madrid", "postal_code": "28013", "country": "ES"})
    assert saved.status_code == 302, text(saved)
    home = text(portal.get("/"))
    assert "Los datos de su tarjeta se han guardado." in home
    assert "caduca 01/2032" in home and "Marta Ibáñez Ruiz" in home
    edit = text(portal.get(f"/cards/{method_id}/edit"))
    assert 'value="Calle Mayor 5"' in edit and 'value="ES" selected' in edit

    without_token = portal.client.post(f"{portal.base}/cards/{method_id}/remove")
    assert without_token.status_code == 400
    assert saved_method_ids(portal) == [method_id]
    removed = portal.post_form(f"/cards/{method_id}/remove", {}, page="/")
    assert removed.status_code == 302
    home = text(portal.get("/"))
    assert "La tarjeta se ha eliminado." in home and "terminada en 4242" not in home
    assert portal.get(f"/cards/{method_id}/edit").status_code == 404


def test_only_the_card_pages_let_stripe_js_in(shop, localstripe):
    _customer, portal = shop
    page = portal.get("/cards/new")
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.url}" in policy
    assert f"frame-src {localstripe.url}" in policy
    assert f"connect-src {localstripe.url}" in policy
    html = text(page)
    assert f'<script src="{localstripe.js_url}"></script>' in html
    assert "necesita JavaScript" in html  # what to do with it off
    for path in ("/", "/invoices", "/payments"):
        other = portal.get(path).headers["Content-Security-Policy"]
        assert "script-src" not in other and localstripe.url not in other


def test_another_customers_card_cannot_be_edited_or_removed(app, api, org, shop, localstripe):
    _customer, portal = shop
    save_card(portal, localstripe)
    [method_id] = saved_method_ids(portal)
    _other, other_portal = customer_with_portal(api, app.test_client(), org,
                                                "Carpintería Robles")
    assert other_portal.get(f"/cards/{method_id}/edit").status_code == 404
    assert other_portal.post_form(f"/cards/{method_id}/edit", {
        "billing_name": "X", "exp_month": "1", "exp_year": "2040", "line1": "", "city": "",
        "postal_code": "", "country": ""}, page="/").status_code == 404
    assert other_portal.post_form(f"/cards/{method_id}/remove", {}, page="/").status_code \
        == 404
    assert not re.search(method_id, text(other_portal.get("/")))
    assert saved_method_ids(portal) == [method_id]
    # Marta's next SetupIntent, confirmed with a card, posted by Robles: not theirs.
    secret = data_attribute(text(portal.get("/cards/new")), "client-secret")
    stolen = other_portal.post_form("/cards/new",
                                    {"setup_intent_id": secret.split("_secret_")[0]},
                                    page="/")
    assert stolen.status_code == 404
    assert saved_method_ids(other_portal) == []


def test_a_card_that_was_not_set_up_is_not_saved_and_the_page_offers_a_new_try(shop):
    _customer, portal = shop
    first = data_attribute(text(portal.get("/cards/new")), "client-secret")
    # Posted back without Stripe.js having confirmed it (no card taken).
    refused = portal.post_form("/cards/new", {"setup_intent_id": first.split("_secret_")[0]},
                               page="/")
    assert refused.status_code == 402
    html = text(refused)
    assert "No se pudo guardar la tarjeta:" in html
    assert data_attribute(html, "client-secret") != first  # a fresh SetupIntent to try with
    assert saved_method_ids(portal) == []
