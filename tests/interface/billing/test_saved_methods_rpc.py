"""Card details: add a card through a SetupIntent, list, edit, remove — the customer's own."""
import pytest
import requests

from billing.exceptions import PaymentRefused, SavedMethodNotFound
from tests.support.localstripe import SECRET_KEY

from .payment_support import (CUSTOMER, DECLINED_ON_SETUP, OTHER_CUSTOMER, billing,  # noqa: F401
                              browser_confirms_card_setup, intent_event, new_org,
                              sent_invoice, signed)


def at_localstripe(localstripe, path):
    response = requests.get(f"{localstripe.url}/v1/{path}", auth=(SECRET_KEY, ""),
                            timeout=10)
    response.raise_for_status()
    return response.json()


def test_add_list_edit_and_remove_a_card(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    setup = billing.start_method_setup(org, CUSTOMER, "contact-1")
    assert setup["client_secret"].startswith("seti_")
    assert (setup["publishable_key"], setup["api_base"]) == ("pk_test_billing",
                                                             localstripe.url)
    browser_confirms_card_setup(localstripe, setup["client_secret"], name="Ana Pérez",
                                postal_code="28001")
    card = billing.complete_method_setup(org, CUSTOMER, setup["setup_intent_id"])
    assert (card["type"], card["brand"], card["last4"], card["exp_month"], card["exp_year"],
            card["billing_name"], card["billing_address"]["postal_code"]) == (
        "card", "visa", "4242", 12, 2031, "Ana Pérez", "28001")
    # completing twice keeps one card
    assert billing.complete_method_setup(org, CUSTOMER, setup["setup_intent_id"]) == card
    assert billing.list_saved_methods(org, CUSTOMER) == [card]
    assert billing.list_saved_methods(org, OTHER_CUSTOMER) == []

    edited = billing.update_saved_method(org, CUSTOMER, card["id"], {
        "exp_month": 3, "exp_year": 2033, "billing_name": "Ana P. Gil",
        "billing_address": {"line1": "Calle Mayor 1", "city": "Madrid",
                            "postal_code": "28013", "country": "es"}})
    assert (edited["exp_month"], edited["exp_year"], edited["billing_name"]) == (3, 2033,
                                                                               "Ana P. Gil")
    assert edited["billing_address"] == {"line1": "Calle Mayor 1", "city": "Madrid",
                                         "postal_code": "28013", "country": "ES"}
    method_id = at_localstripe(localstripe, f"setup_intents/{setup['setup_intent_id']}")[
        "payment_method"]
    at_stripe = at_localstripe(localstripe, f"payment_methods/{method_id}")
    assert at_stripe["billing_details"]["name"] == "Ana P. Gil"
    assert int(at_stripe["card"]["exp_year"]) == 2033

    # another customer's card does not exist for them
    with pytest.raises(SavedMethodNotFound):
        billing.update_saved_method(org, OTHER_CUSTOMER, card["id"], {"billing_name": "X"})
    with pytest.raises(SavedMethodNotFound):
        billing.remove_saved_method(org, OTHER_CUSTOMER, card["id"])
    theirs = sent_invoice(billing, org, customer=OTHER_CUSTOMER)
    with pytest.raises(SavedMethodNotFound):  # nor can they pay with it
        billing.start_payment(org, OTHER_CUSTOMER, {"invoice_ids": [theirs["id"]],
                                                    "method": "saved_card",
                                                    "payment_method_id": card["id"]})

    assert billing.remove_saved_method(org, CUSTOMER, card["id"]) == {"id": card["id"],
                                                                      "removed": True}
    assert billing.list_saved_methods(org, CUSTOMER) == []
    assert at_localstripe(localstripe, f"payment_methods/{method_id}")["customer"] is None


def test_a_card_declined_while_being_added_is_not_kept(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    setup = billing.start_method_setup(org, CUSTOMER, None)
    assert browser_confirms_card_setup(localstripe, setup["client_secret"],
                                       DECLINED_ON_SETUP).status_code == 402
    with pytest.raises(PaymentRefused):
        billing.complete_method_setup(org, CUSTOMER, setup["setup_intent_id"])
    assert billing.list_saved_methods(org, CUSTOMER) == []


def test_another_customers_setup_cannot_be_completed(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    setup = billing.start_method_setup(org, CUSTOMER, None)
    browser_confirms_card_setup(localstripe, setup["client_secret"])
    with pytest.raises(SavedMethodNotFound):
        billing.complete_method_setup(org, OTHER_CUSTOMER, setup["setup_intent_id"])


def test_a_card_added_while_the_browser_went_away_arrives_by_webhook(billing,  # noqa: F811
                                                                     localstripe):
    org = new_org(billing, localstripe)
    setup = billing.start_method_setup(org, CUSTOMER, None)
    confirmed = browser_confirms_card_setup(localstripe, setup["client_secret"]).json()
    event = intent_event(confirmed, "setup_intent.succeeded")
    body, header = signed(event)
    assert billing.handle_stripe_webhook(org, body, header) == {"handled": True}
    [card] = billing.list_saved_methods(org, CUSTOMER)
    assert card["last4"] == "4242"
    # and the browser coming back later does not add it twice
    billing.complete_method_setup(org, CUSTOMER, setup["setup_intent_id"])
    assert len(billing.list_saved_methods(org, CUSTOMER)) == 1
