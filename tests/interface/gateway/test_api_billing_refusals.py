"""Bad input through the staff API: a 4xx naming the problem, and nothing half-written
(what was there before reads back the same)."""
from datetime import timedelta

import pytest

from .billing_api import (DATE, LINE, TODAY, YESTERDAY, created, credit_note, error, invoice,
                          payment, recurring_profile, sent_invoice)
from .conftest import create_customer


@pytest.fixture
def customer(api):
    return create_customer(api)


def _totals(api) -> dict:
    return {path: api.get(path).json["total"] for path in ("/invoices", "/credit-notes",
                                                           "/payments")}


@pytest.mark.parametrize("quantity", ["0", "-1", "-0.5"])
def test_a_quantity_not_above_zero_is_refused_on_every_document(api, customer, quantity):
    line_items = [LINE, {**LINE, "quantity": quantity}]
    for response in (invoice(api, customer, line_items=line_items),
                     credit_note(api, customer, line_items=line_items),
                     recurring_profile(api, customer, line_items=line_items)):
        details = error(response, 400, "validation_failed")["details"]
        assert details["line_items"] == {"1": {"quantity": ["Must be greater than 0."]}}
    assert _totals(api) == {"/invoices": 0, "/credit-notes": 0, "/payments": 0}
    assert api.get("/recurring-profiles").json["items"] == []


def test_an_unknown_tax_is_refused(api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    line_items = [{**LINE, "tax_id": tax["id"]}, {**LINE, "tax_id": "no-such-tax"}]
    details = error(invoice(api, customer, line_items=line_items), 400,
                    "invalid_document")["details"]
    assert details == {"lines": {"1": {"tax_id": ["Unknown tax."]}}}
    error(credit_note(api, customer, line_items=line_items), 400, "invalid_document")
    assert _totals(api) == {"/invoices": 0, "/credit-notes": 0, "/payments": 0}


def test_a_due_date_before_the_date_is_refused(api, customer):
    details = error(invoice(api, customer, due_date=YESTERDAY), 400,
                    "validation_failed")["details"]
    assert details == {"due_date": ["The due date cannot be before the invoice date."]}
    draft = created(invoice(api, customer))
    details = error(api.patch(f"/invoices/{draft['id']}", json={
        "date": DATE, "due_date": YESTERDAY}), 400, "validation_failed")["details"]
    assert "due_date" in details
    assert api.get(f"/invoices/{draft['id']}").json["due_date"] == draft["due_date"]
    details = error(recurring_profile(api, customer, end_date=YESTERDAY), 400,
                    "validation_failed")["details"]
    assert "end_date" in details
    assert api.get("/invoices").json["total"] == 1
    assert api.get("/recurring-profiles").json["items"] == []


def test_applications_beyond_the_balance_are_refused(api, customer):
    target = sent_invoice(api, customer)  # 100.00
    before = api.get(f"/invoices/{target['id']}").json
    details = error(payment(api, customer, "150.00", [(target["id"], "150.00")]), 400,
                    "amount_refused")["details"]
    assert details["amount"] == ["At most 100.00."]
    assert api.get("/payments").json["total"] == 0

    note = created(credit_note(api, customer, line_items=[{**LINE, "quantity": "3"}]))  # 150
    details = error(api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note["id"],
        "invoice_id": target["id"], "amount": "120.00"}), 400, "amount_refused")["details"]
    assert details["amount"] == ["At most 100.00."]
    details = error(api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note["id"],
        "invoice_id": target["id"], "amount": "151.00"}), 400, "amount_refused")["details"]
    assert details["amount"] == ["At most 150.00."]

    retainer = sent_invoice(api, customer, kind="retainer")
    created(payment(api, customer, "40.00", [(retainer["id"], "40.00")]))
    details = error(api.post("/retainers/apply", json={
        "customer_id": customer["id"], "retainer_invoice_id": retainer["id"],
        "invoice_id": target["id"], "amount": "40.01"}), 400, "amount_refused")["details"]
    assert details["amount"] == ["At most 40.00."]

    details = error(api.post("/refunds", json={
        "customer_id": customer["id"], "source": "credit_note", "source_id": note["id"],
        "amount": "150.01", "date": DATE, "mode": "cash"}), 400, "amount_refused")["details"]
    assert "amount" in details

    assert api.get(f"/invoices/{target['id']}").json == before
    assert api.get(f"/credit-notes/{note['id']}").json["remaining"] == "150.00"
    assert api.get(f"/invoices/{retainer['id']}").json["retainer_available"] == "40.00"


def test_money_in_another_currency_is_not_applied(api, customer):
    target = sent_invoice(api, customer)  # EUR
    before = api.get(f"/invoices/{target['id']}").json
    details = error(payment(api, customer, "10.00", [(target["id"], "10.00")],
                            currency="USD"), 400, "amount_refused")["details"]
    assert details == {"currency": ["The invoice is in EUR."]}
    assert api.get("/payments").json["total"] == 0

    note = created(credit_note(api, customer, currency="USD"))
    assert note["currency"] == "USD"
    details = error(api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note["id"],
        "invoice_id": target["id"], "amount": "10.00"}), 400, "amount_refused")["details"]
    assert details == {"currency": ["The invoice is in EUR."]}
    assert api.get(f"/credit-notes/{note['id']}").json["remaining"] == "100.00"
    assert api.get(f"/invoices/{target['id']}").json == before


def test_a_void_invoice_cannot_be_paid_or_credited(api, customer):
    target = sent_invoice(api, customer)
    voided = api.post(f"/invoices/{target['id']}/void")
    assert (voided.status_code, voided.json["status"]) == (200, "void")
    details = error(payment(api, customer, "10.00", [(target["id"], "10.00")]), 409,
                    "invoice_state_conflict")["details"]
    assert details == {"invoice_id": target["id"], "status": "void"}
    note = created(credit_note(api, customer))
    error(api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note["id"],
        "invoice_id": target["id"], "amount": "10.00"}), 409, "invoice_state_conflict")
    assert api.get("/payments").json["total"] == 0
    assert api.get(f"/credit-notes/{note['id']}").json["remaining"] == "100.00"
    after = api.get(f"/invoices/{target['id']}").json
    assert (after["status"], after["balance"]) == ("void", "100.00")


def test_a_reversed_statement_range_is_refused(api, customer):
    response = api.get(f"/customers/{customer['id']}/statement", query_string={
        "start": DATE, "end": YESTERDAY})
    error(response, 400, "invalid_statement_range")
    details = error(api.get(f"/customers/{customer['id']}/statement",
                            query_string={"start": "not-a-date"}), 400,
                    "validation_failed")["details"]
    assert set(details) == {"start", "end"}
    error(api.get(f"/customers/{customer['id']}/statement", query_string={
        "start": DATE, "end": (TODAY + timedelta(days=1)).isoformat(), "limit": "0"}), 400,
        "validation_failed")


def test_bad_query_values_are_refused(api, customer):
    for path, query in (("/invoices", {"sort": "colour"}), ("/invoices", {"order": "up"}),
                        ("/payments", {"kind": "gift"}), ("/payments", {"sort": "number"}),
                        ("/credit-notes", {"per_page": "1000"})):
        details = error(api.get(path, query_string=query), 400, "validation_failed")["details"]
        assert set(details) == set(query), (path, details)
