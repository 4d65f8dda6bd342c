"""GET /customers/{id}/statement: the customer's account over a range, in its currency,
in pages whose cursor carries the running balance."""
from datetime import timedelta

from .billing_api import (DATE, DUE, LATER, LINE, TODAY, YESTERDAY, created, credit_note,
                          error, payment, sent_invoice)
from .conftest import create_customer


def _statement(api, customer, **query):
    response = api.get(f"/customers/{customer['id']}/statement",
                       query_string={"start": DATE, "end": DUE, **query})
    assert response.status_code == 200, response.json
    return response.json


def test_a_statement_in_the_customers_currency_with_its_totals(api):
    customer = create_customer(api)
    target = sent_invoice(api, customer)                                   # +100
    created(payment(api, customer, "40.00", [(target["id"], "40.00")]))   # -40
    created(credit_note(api, customer, line_items=[{**LINE, "quantity": "0.5"}]))  # -25
    statement = _statement(api, customer)
    assert {k: statement[k] for k in ("currency", "start", "end", "opening_balance",
                                      "invoiced", "paid", "credited", "closing_balance",
                                      "next_cursor")} == {
        "currency": "EUR", "start": DATE, "end": DUE, "opening_balance": "0.00",
        "invoiced": "100.00", "paid": "40.00", "credited": "25.00",
        "closing_balance": "35.00", "next_cursor": None}
    assert [(m["type"], m["amount"], m["balance"]) for m in statement["movements"]] == [
        ("invoice", "100.00", "100.00"), ("payment", "40.00", "60.00"),
        ("credit_note", "25.00", "35.00")]
    assert statement["movements"][0]["number"] == target["number"]

    later = _statement(api, customer, start=(TODAY + timedelta(days=1)).isoformat())
    assert (later["opening_balance"], later["closing_balance"], later["movements"]) == \
        ("35.00", "35.00", [])


def test_drafts_never_appear_and_the_currency_is_the_customers(api):
    customer = create_customer(api, "Importadora Norte", currency="USD")
    created(api.post("/invoices", json={"customer_id": customer["id"], "date": DATE,
                                        "line_items": [LINE]}))
    statement = _statement(api, customer)
    assert (statement["currency"], statement["invoiced"], statement["movements"]) == \
        ("USD", "0.00", [])


def test_pages_follow_the_cursor_with_the_same_totals(api):
    customer = create_customer(api)
    for day in (DATE, LATER, LATER):
        sent_invoice(api, customer, date=day)
    whole = _statement(api, customer)
    seen, cursor, pages = [], None, 0
    while True:
        page = _statement(api, customer, limit=2, **({"cursor": cursor} if cursor else {}))
        pages += 1
        assert {k: page[k] for k in ("invoiced", "closing_balance")} == \
            {"invoiced": "300.00", "closing_balance": "300.00"}
        seen += page["movements"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 2
    assert seen == whole["movements"]
    assert [m["balance"] for m in seen] == ["100.00", "200.00", "300.00"]


def test_a_bad_cursor_or_limit_is_refused(api):
    customer = create_customer(api)
    error(api.get(f"/customers/{customer['id']}/statement",
                  query_string={"start": DATE, "end": DUE, "limit": "1001"}), 400,
          "validation_failed")
    details = error(api.get(f"/customers/{customer['id']}/statement",
                            query_string={"start": DATE, "end": DUE, "cursor": "garbage"}),
                    400, "invalid_statement_range")["details"]
    assert set(details) == {"cursor"}


def test_a_cursor_is_only_good_for_its_own_statement(api):
    customer = create_customer(api)
    for _ in range(2):
        sent_invoice(api, customer)
    cursor = _statement(api, customer, limit=1)["next_cursor"]
    assert cursor
    details = error(api.get(f"/customers/{customer['id']}/statement", query_string={
        "start": YESTERDAY, "end": DUE, "cursor": cursor}), 400,
        "invalid_statement_range")["details"]
    assert set(details) == {"cursor"}
    other = create_customer(api, "Bodegas Sur")
    error(api.get(f"/customers/{other['id']}/statement", query_string={
        "start": DATE, "end": DUE, "cursor": cursor}), 400, "invalid_statement_range")
