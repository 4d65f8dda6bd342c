"""Paying invoices online through the run's localstripe, over RPC as the portal does it."""
import pytest

from billing.exceptions import AmountRefused, PaymentInProgress, PaymentRefused

from .payment_support import (CUSTOMER, DECLINED_ON_CHARGE, DECLINED_ON_SETUP, billing,  # noqa: F401
                              browser_confirms_card_setup, events_of, intents_of, new_org,
                              pay_by_card, save_card, sent_invoice)


def test_pay_now_by_card_settles_once_with_a_receipt(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "121.00")

    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                                    "method": "card",
                                                    "contact_id": "contact-1"})
    assert (attempt["status"], attempt["next_action"], attempt["amount"]) == (
        "requires_confirmation", "confirm_card_setup", "121.00")
    assert attempt["client_secret"].startswith("seti_")
    assert (attempt["publishable_key"], attempt["api_base"]) == ("pk_test_billing",
                                                                 localstripe.url)
    # the invoice is held while the customer types the card
    with pytest.raises(PaymentInProgress):
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})

    browser_confirms_card_setup(localstripe, attempt["client_secret"])
    done = billing.complete_payment(org, CUSTOMER, attempt["id"])
    assert (done["status"], done["client_secret"], done["cp_code"]) == ("succeeded", None,
                                                                        None)
    assert done == billing.complete_payment(org, CUSTOMER, attempt["id"])  # idempotent
    assert done == billing.get_payment_attempt(org, CUSTOMER, attempt["id"])

    receipt = billing.get_payment(org, done["payment_id"], CUSTOMER)
    assert (receipt["number"], receipt["mode"], receipt["amount"], receipt["unapplied"]) == (
        "PAY-000001", "card", "121.00", "0.00")
    assert receipt["reference"].startswith("pi_")
    assert [(a["invoice_id"], a["amount"]) for a in receipt["applications"]] == [
        (invoice["id"], "121.00")]
    paid = billing.get_invoice(org, invoice["id"], CUSTOMER)
    assert (paid["status"], paid["balance"]) == ("paid", "0.00")
    assert len(intents_of(localstripe, org)) == 1

    [event] = events_of(org, "payment_succeeded")
    assert event["payload"] == {
        "payment_id": receipt["id"], "number": "PAY-000001", "attempt_id": attempt["id"],
        "customer_id": CUSTOMER, "contact_id": "contact-1", "amount": "121.00",
        "currency": "EUR", "method": "card", "date": receipt["date"],
        "invoices": [{"invoice_id": invoice["id"], "number": invoice["number"],
                      "amount": "121.00"}]}
    with pytest.raises(Exception):  # nothing left to pay
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})


def test_a_card_declined_when_charged_fails_with_the_gateway_reason(billing,  # noqa: F811
                                                                    localstripe):
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "30.00")
    failed = pay_by_card(billing, localstripe, org, [invoice["id"]],
                         number=DECLINED_ON_CHARGE)
    assert (failed["status"], failed["cp_code"], failed["decline_code"]) == (
        "failed", None, "card_declined")
    assert failed["message"] == "Your card was declined."
    assert failed["payment_id"] is None
    assert billing.get_invoice(org, invoice["id"])["balance"] == "30.00"
    [event] = events_of(org, "payment_failed")
    assert (event["payload"]["cp_code"], event["payload"]["remedy"],
            event["payload"]["decline_code"]) == (None, None, "card_declined")

    # the invoice is free again: the next card pays it
    assert pay_by_card(billing, localstripe, org, [invoice["id"]])["status"] == "succeeded"


def test_a_card_declined_when_set_up_fails_the_attempt(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "30.00")
    failed = pay_by_card(billing, localstripe, org, [invoice["id"]],
                         number=DECLINED_ON_SETUP)
    assert (failed["status"], failed["decline_code"]) == ("failed", "card_declined")
    assert intents_of(localstripe, org) == []  # never charged


def test_partial_amounts(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "100.00")
    with pytest.raises(AmountRefused):
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                              "amount": "100.01"})
    with pytest.raises(AmountRefused):
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                              "amount": "10.001"})
    done = pay_by_card(billing, localstripe, org, [invoice["id"]], amount="40.00")
    assert (done["status"], done["amount"]) == ("succeeded", "40.00")
    left = billing.get_invoice(org, invoice["id"], CUSTOMER)
    assert (left["status"], left["balance"]) == ("partially_paid", "60.00")

    whole = sent_invoice(billing, org, "50.00", allow_partial_payments=False)
    with pytest.raises(AmountRefused) as refused:
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [whole["id"]],
                                              "amount": "20.00"})
    assert refused.value.details["reason"] == "partial_not_allowed"


def test_pay_all_oldest_due_date_first_same_currency_only(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    later = sent_invoice(billing, org, "20.00", due_date="2026-12-20")
    oldest = sent_invoice(billing, org, "10.00", due_date="2026-11-05")
    middle = sent_invoice(billing, org, "5.50", due_date="2026-12-01")
    dollars = sent_invoice(billing, org, "7.00", currency="USD")
    with pytest.raises(AmountRefused) as mixed:
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [later["id"], dollars["id"]]})
    assert mixed.value.details["reason"] == "mixed_currencies"

    done = pay_by_card(billing, localstripe, org, [later["id"], oldest["id"], middle["id"]])
    assert done["amount"] == "35.50"
    assert [i["number"] for i in done["invoices"]] == [oldest["number"], middle["number"],
                                                       later["number"]]
    receipt = billing.get_payment(org, done["payment_id"])
    assert sorted((a["invoice_number"], a["amount"]) for a in receipt["applications"]) == \
        sorted([(oldest["number"], "10.00"), (middle["number"], "5.50"),
                (later["number"], "20.00")])
    assert billing.dashboard_figures(org, CUSTOMER, "EUR")["outstanding_invoices"] == "0.00"
    [intent] = intents_of(localstripe, org)
    assert (intent["amount"], intent["currency"]) == (3550, "eur")


def test_a_retainer_invoice_is_paid_the_same_way(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    retainer = sent_invoice(billing, org, "300.00", kind="retainer")
    done = pay_by_card(billing, localstripe, org, [retainer["id"]])
    assert done["status"] == "succeeded"
    paid = billing.get_invoice(org, retainer["id"], CUSTOMER)
    assert (paid["status"], paid["retainer_available"]) == ("paid", "300.00")


def test_a_zero_decimal_currency_is_sent_in_whole_units(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "5000", currency="JPY")
    assert pay_by_card(billing, localstripe, org, [invoice["id"]])["amount"] == "5000"
    [intent] = intents_of(localstripe, org)
    assert (intent["amount"], intent["currency"]) == (5000, "jpy")


def test_saving_a_card_while_paying_then_paying_with_it(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    first = sent_invoice(billing, org, "12.00")
    second = sent_invoice(billing, org, "13.00")
    assert billing.list_saved_methods(org, CUSTOMER) == []
    pay_by_card(billing, localstripe, org, [first["id"]], save_method=True)
    [card] = billing.list_saved_methods(org, CUSTOMER)
    assert (card["type"], card["brand"], card["last4"], card["exp_month"],
            card["exp_year"]) == ("card", "visa", "4242", 12, 2031)

    done = billing.start_payment(org, CUSTOMER, {"invoice_ids": [second["id"]],
                                                 "method": "saved_card",
                                                 "payment_method_id": card["id"]})
    assert (done["status"], done["client_secret"]) == ("succeeded", None)
    assert billing.get_invoice(org, second["id"])["status"] == "paid"

    # the same amount with the same card within the window: our own duplicate guard
    third = sent_invoice(billing, org, "13.00")
    with pytest.raises(PaymentRefused) as duplicate:
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [third["id"]],
                                              "method": "saved_card",
                                              "payment_method_id": card["id"]})
    assert duplicate.value.details["cp_code"] == "Cp3005"
    assert len(intents_of(localstripe, org)) == 2


def test_a_card_not_saved_is_not_kept(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "12.00")
    pay_by_card(billing, localstripe, org, [invoice["id"]])
    assert billing.list_saved_methods(org, CUSTOMER) == []


def test_a_saved_card_declined_when_charged(billing, localstripe):  # noqa: F811
    org = new_org(billing, localstripe)
    card = save_card(billing, localstripe, org, number=DECLINED_ON_CHARGE)
    invoice = sent_invoice(billing, org, "15.00")
    with pytest.raises(PaymentRefused) as refused:
        billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]],
                                              "method": "saved_card",
                                              "payment_method_id": card["id"]})
    assert "cp_code" not in refused.value.details
    assert refused.value.details["decline_code"] == "card_declined"
    assert refused.value.details["gateway_message"] == "Your card was declined."
    attempt = billing.get_payment_attempt(org, CUSTOMER, refused.value.details["attempt_id"])
    assert attempt["status"] == "failed"
    assert billing.get_invoice(org, invoice["id"])["balance"] == "15.00"


def test_the_callers_idempotency_key_gives_back_the_same_attempt(billing,  # noqa: F811
                                                                  localstripe):
    from billing.exceptions import PaymentAttemptNotFound
    from .payment_support import OTHER_CUSTOMER
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "20.00")
    first = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]}, "click-1")
    again = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]}, "click-1")
    assert again["id"] == first["id"]  # not PaymentInProgress: the same request
    with pytest.raises(PaymentAttemptNotFound):
        billing.start_payment(org, OTHER_CUSTOMER, {"invoice_ids": [invoice["id"]]},
                              "click-1")
    with pytest.raises(PaymentAttemptNotFound):
        billing.get_payment_attempt(org, OTHER_CUSTOMER, first["id"])
