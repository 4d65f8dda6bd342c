"""Our own Cp checks come before any charge; Stripe's credentials refusal is Cp3002 live."""
import pytest

from billing.exceptions import PaymentRefused
from portal_common.payment_codes import CODES

from .payment_support import (CUSTOMER, billing, browser_confirms_card_setup,  # noqa: F401
                              events_of, intents_of, new_org, save_card, sent_invoice)


def refused(billing, org, data):  # noqa: F811
    with pytest.raises(PaymentRefused) as raised:
        billing.start_payment(org, CUSTOMER, data)
    return raised.value.details


def assert_refused_before_stripe(billing, localstripe, org, invoice, details, cp_code):  # noqa: F811
    assert details["cp_code"] == cp_code
    attempt = billing.get_payment_attempt(org, CUSTOMER, details["attempt_id"])
    assert (attempt["status"], attempt["cp_code"]) == ("failed", cp_code)
    assert intents_of(localstripe, org) == []
    assert billing.get_invoice(org, invoice["id"])["balance"] == invoice["balance"]
    [event] = events_of(org, "payment_failed")
    assert event["payload"]["cp_code"] == cp_code
    assert event["payload"]["remedy"] == CODES[cp_code].remedy()
    assert event["payload"]["attempt_id"] == details["attempt_id"]


def test_currency_not_supported_is_cp4003(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, supported_currencies=["USD"])
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]]})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp4003")


def test_deleted_recurring_profile_is_cp1004(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    profile = billing.create_recurring_profile(org, {
        "customer_id": CUSTOMER, "name": "Hosting", "frequency": "monthly",
        "start_date": "2026-11-01", "currency": "EUR",
        "lines": [{"name": "Hosting", "quantity": "1", "rate": "9.00"}]})
    invoice = sent_invoice(billing, org, recurring_profile_id=profile["id"])
    billing.delete_recurring_profile(org, profile["id"])
    details = refused(billing, org, {"invoice_ids": [invoice["id"]]})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp1004")


def test_no_default_tax_is_cp2001(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, tax=False)
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]]})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp2001")


def test_auto_charge_without_recurring_support_is_cp4002(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, supports_recurring=False)
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]], "auto_charge": True})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp4002")


def test_saved_card_without_reference_transactions_is_cp3001(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe, reference_transactions=False)
    card = save_card(billing, localstripe, org)
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]], "method": "saved_card",
                                     "payment_method_id": card["id"]})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp3001")


@pytest.mark.parametrize("currency, rate, amount", [("EUR", "100.00", "0.49"),
                                                    ("JPY", "5000", "49")])
def test_below_the_currency_minimum_is_cp4001(billing, localstripe, currency, rate,  # noqa: F811
                                              amount):
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, rate, currency=currency)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]], "amount": amount})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp4001")


def test_credentials_refused_by_the_gateway_are_cp3002(billing, localstripe):  # noqa: F811
    """localstripe answers 401 to a key that is not sk_…: the SDK's AuthenticationError."""
    org = new_org(billing, localstripe, secret_key="rk_test_revoked")
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]]})
    assert details["cp_code"] == "Cp3002"
    [event] = events_of(org, "payment_failed")
    assert event["payload"]["remedy"] == CODES["Cp3002"].remedy()
    # the invoice is not left blocked
    billing.set_gateway_settings(org, {"secret_key": "sk_test_fixed"})
    assert billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})[
        "status"] == "requires_confirmation"


def test_a_required_postal_code_missing_is_cp3004_before_any_charge(billing,  # noqa: F811
                                                                     localstripe):
    org = new_org(billing, localstripe, require_postal_code=True)
    invoice = sent_invoice(billing, org)
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    browser_confirms_card_setup(localstripe, attempt["client_secret"], postal_code="")
    failed = billing.complete_payment(org, CUSTOMER, attempt["id"])
    assert (failed["status"], failed["cp_code"]) == ("failed", "Cp3004")
    assert intents_of(localstripe, org) == []
    [event] = events_of(org, "payment_failed")
    assert event["payload"]["remedy"] == CODES["Cp3004"].remedy()

    # with the postal code the same invoice is paid
    again = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    browser_confirms_card_setup(localstripe, again["client_secret"], postal_code="28001")
    assert billing.complete_payment(org, CUSTOMER, again["id"])["status"] == "succeeded"


def test_a_saved_card_without_the_required_address_is_cp3004(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    card = save_card(billing, localstripe, org)  # postal code only
    billing.set_gateway_settings(org, {"require_billing_address": True})
    invoice = sent_invoice(billing, org)
    details = refused(billing, org, {"invoice_ids": [invoice["id"]], "method": "saved_card",
                                     "payment_method_id": card["id"]})
    assert_refused_before_stripe(billing, localstripe, org, invoice, details, "Cp3004")
    # once the customer completes the card's billing address it can be charged
    billing.update_saved_method(org, CUSTOMER, card["id"], {"billing_address": {
        "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}})
    assert billing.start_payment(org, CUSTOMER, {
        "invoice_ids": [invoice["id"]], "method": "saved_card",
        "payment_method_id": card["id"]})["status"] == "succeeded"
