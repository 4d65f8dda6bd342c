"""Bad input to the quotes and sales orders API: a 400 (or 404/409) with the error body,
naming the problem, and nothing written or half-changed (read back the same)."""
import pytest

from gateway.errors import lookup
from quotes.exceptions import CommentRefused, QuoteExpired, QuoteNotFound

from .billing_api import DATE, LINE, created, error
from .conftest import create_customer
from .quotes_api import (YESTERDAY, Customer, count, expired_quote, quote, sales_order,
                         sent_quote)


@pytest.fixture
def customer(api):
    return create_customer(api)


def _nothing_written(api):
    assert (count(api, "/quotes"), count(api, "/sales-orders"), count(api, "/invoices")) == \
        (0, 0, 0)


def test_missing_fields(api, customer):
    details = error(api.post("/quotes", json={}), 400, "validation_failed")["details"]
    assert {"customer_id", "date", "line_items"} <= set(details)
    details = error(api.post("/sales-orders", json={}), 400, "validation_failed")["details"]
    assert {"customer_id", "date", "line_items"} <= set(details)
    details = error(quote(api, customer, line_items=[{"quantity": "1"}]), 400,
                    "validation_failed")["details"]
    assert set(details["line_items"]["0"]) == {"name", "rate"}
    _nothing_written(api)


def test_bad_dates(api, customer):
    details = error(quote(api, customer, date="27/11/2026", expiry_date="2026-13-01"), 400,
                    "validation_failed")["details"]
    assert set(details) == {"date", "expiry_date"}
    details = error(quote(api, customer, expiry_date=YESTERDAY), 400,
                    "validation_failed")["details"]
    assert details == {"expiry_date": ["The expiry date cannot be before the quote date."]}
    details = error(sales_order(api, customer, date="mañana"), 400,
                    "validation_failed")["details"]
    assert set(details) == {"date"}
    details = error(sales_order(api, customer, expected_shipment_date=YESTERDAY), 400,
                    "validation_failed")["details"]
    assert set(details) == {"expected_shipment_date"}
    _nothing_written(api)


@pytest.mark.parametrize("line_items, field", [
    ([], None), ([{**LINE, "quantity": "-1"}], "quantity"),
    ([{**LINE, "quantity": "0"}], "quantity"), ([{**LINE, "rate": "-5"}], "rate"),
    ([{**LINE, "discount": "101"}], "discount"), ([{**LINE, "name": ""}], "name")])
def test_bad_lines(api, customer, line_items, field):
    for response in (quote(api, customer, line_items=line_items),
                     sales_order(api, customer, line_items=line_items)):
        details = error(response, 400, "validation_failed")["details"]
        if field is None:
            assert set(details) == {"line_items"}
        else:
            assert set(details["line_items"]["0"]) == {field}
    _nothing_written(api)


def test_an_unknown_tax(api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    line_items = [{**LINE, "tax_id": tax["id"]}, {**LINE, "tax_id": "no-such-tax"}]
    details = error(quote(api, customer, line_items=line_items), 400,
                    "invalid_quote")["details"]
    assert set(details["lines"]) == {"1"} and "tax_id" in details["lines"]["1"]
    details = error(sales_order(api, customer, line_items=line_items), 400,
                    "invalid_sales_order")["details"]
    assert set(details["lines"]) == {"1"}
    _nothing_written(api)


def test_unknown_customer_and_unknown_fields(api, customer):
    error(quote(api, {"id": "00000000-0000-0000-0000-000000000000"}), 404,
          "customer_not_found")
    error(sales_order(api, {"id": "nope"}), 404, "customer_not_found")
    details = error(quote(api, customer, colour="red"), 400, "validation_failed")["details"]
    assert set(details) == {"colour"}
    error(api.post("/quotes", data="{not json", content_type="application/json"), 400,
          "malformed_json")
    _nothing_written(api)


def test_a_bad_change_leaves_the_quote_as_it_was(api, customer):
    draft = created(quote(api, customer))
    before = api.get(f"/quotes/{draft['id']}").json
    for body, code in (({"line_items": []}, "validation_failed"),
                       ({"line_items": [{**LINE, "quantity": "-2"}]}, "validation_failed"),
                       ({"date": "ayer"}, "validation_failed"),
                       ({"customer_id": customer["id"]}, "validation_failed"),
                       ({"line_items": [{**LINE, "tax_id": "no-such-tax"}]}, "invalid_quote")):
        error(api.patch(f"/quotes/{draft['id']}", json=body), 400, code)
    # Only the expiry date sent, before the quote's own date: the service refuses it.
    details = error(api.patch(f"/quotes/{draft['id']}", json={"expiry_date": YESTERDAY}),
                    400, "invalid_quote")["details"]
    assert details == {"expiry_date": ["The expiry date cannot be before the quote date."]}
    assert api.get(f"/quotes/{draft['id']}").json == before
    error(api.get("/quotes/00000000-0000-0000-0000-000000000000"), 404, "quote_not_found")
    error(api.patch("/quotes/00000000-0000-0000-0000-000000000000", json={"notes": "x"}),
          404, "quote_not_found")


@pytest.mark.parametrize("body, field", [
    ({"body": ""}, "body"), ({"body": "   \n "}, "body"), ({"body": "x" * 4001}, "body"),
    ({"body": "<script>alert(1)</script>"}, "body"),
    ({"body": "mira <a href='javascript:alert(1)'>aquí</a>"}, "body"),
    ({"body": "ok", "show_in_portal": "maybe"}, "show_in_portal"),
    ({"body": "ok", "email_customer": "sí"}, "email_customer"),
    ({}, "body")])
def test_bad_comments_are_refused(api, customer, body, field):
    sent = sent_quote(api, customer)
    created(api.post(f"/quotes/{sent['id']}/comments", json={"body": "Primero"}))
    details = error(api.post(f"/quotes/{sent['id']}/comments", json=body), 400,
                    "validation_failed")["details"]
    assert set(details) == {field}
    assert [c["body"] for c in api.get(f"/quotes/{sent['id']}/comments").json["items"]] == \
        ["Primero"]


def test_the_service_refuses_markup_from_the_customer_too(app, org, api, customer):
    sent = sent_quote(api, customer)
    marta = Customer(app, org, customer)
    with pytest.raises(CommentRefused) as refused:
        marta.comment(sent["id"], "<script>alert(1)</script>")
    assert "body" in refused.value.details
    with pytest.raises(CommentRefused):
        marta.comment(sent["id"], "x" * 4001)
    assert api.get(f"/quotes/{sent['id']}/comments").json["items"] == []


def test_only_an_accepted_quote_is_converted(app, org, api, customer):
    draft = created(quote(api, customer))
    sent = sent_quote(api, customer)
    declined = sent_quote(api, customer)
    Customer(app, org, customer).decline(declined["id"])
    for target in (draft, sent, declined):
        before = api.get(f"/quotes/{target['id']}").json
        error(api.post(f"/quotes/{target['id']}/convert-to-invoice"), 409,
              "quote_state_conflict")
        assert api.get(f"/quotes/{target['id']}").json == before
    assert count(api, "/invoices") == 0


def test_bad_query_values(api):
    for path, query in (("/quotes", {"status": "lost"}), ("/quotes", {"sort": "colour"}),
                        ("/quotes", {"per_page": "1000"}), ("/quotes", {"page": "0"}),
                        ("/sales-orders", {"status": "shipped"}),
                        ("/sales-orders", {"sort": "-colour"})):
        details = error(api.get(path, query_string=query), 400,
                        "validation_failed")["details"]
        assert set(details) == set(query), (path, details)


def test_a_given_number_that_exists_is_a_conflict(api, customer):
    created(quote(api, customer, number="QT-00100"))
    error(quote(api, customer, number="QT-00100"), 409, "duplicate_number")
    created(sales_order(api, customer, number="SO-00100"))
    error(sales_order(api, customer, number="SO-00100"), 409, "duplicate_number")
    assert (count(api, "/quotes"), count(api, "/sales-orders")) == (1, 1)


def test_the_customer_cannot_decide_a_draft_or_an_expired_quote(app, org, api, customer):
    """What the portal asks on the customer's behalf: a draft does not exist for them, an
    expired quote is refused with its expiry date; neither changes."""
    draft = created(quote(api, customer))
    expired = expired_quote(api, customer)
    marta = Customer(app, org, customer)
    before = {q["id"]: api.get(f"/quotes/{q['id']}").json for q in (draft, expired)}
    for decide in (marta.accept, marta.decline):
        with pytest.raises(QuoteNotFound):
            decide(draft["id"])
        with pytest.raises(QuoteExpired) as refused:
            decide(expired["id"])
        assert lookup(refused.value) == (409, "quote_expired")
        assert refused.value.details == {"expiry_date": YESTERDAY}
    with pytest.raises(QuoteNotFound):
        marta.view(draft["id"])
    assert {q: api.get(f"/quotes/{q}").json for q in before} == before
