"""Every quotes and sales orders route of the staff API, with another organization's ids:
a 404 with the error body, and nothing of the owner's changes (read back with the owner's
key). The customer's side (the quotes RPC the portal uses) refuses another organization too."""
from types import SimpleNamespace

import pytest

from quotes.exceptions import QuoteNotFound, SalesOrderNotFound

from .billing_api import LINE, created, error, sent_invoice
from .conftest import Api, create_customer, new_organization
from .quotes_api import Customer, accepted_quote, quote, sales_order, sent_quote


@pytest.fixture
def owner(app, org, api):
    """Quotes in every state that has routes, sales orders, comments and an invoice."""
    customer = create_customer(api)
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    draft = created(quote(api, customer))
    sent = sent_quote(api, customer)
    accepted = accepted_quote(app, org, api, customer)
    created(api.post(f"/quotes/{sent['id']}/comments", json={"body": "Revisado"}))
    order = created(sales_order(api, customer))
    confirmed = created(sales_order(api, customer))
    assert api.post(f"/sales-orders/{confirmed['id']}/confirm").status_code == 200
    invoice = sent_invoice(api, customer)
    return SimpleNamespace(org=org, customer=customer, tax=tax, draft=draft, sent=sent,
                           accepted=accepted, order=order, confirmed=confirmed,
                           invoice=invoice)


@pytest.fixture
def other(app, client):
    """Another organization with a customer, a confirmed sales order and an invoice."""
    organization = new_organization(app, "Otra Empresa")
    api = Api(client, organization["api_key"])
    customer = create_customer(api, "Bodegas Sur")
    order = created(sales_order(api, customer))
    assert api.post(f"/sales-orders/{order['id']}/confirm").status_code == 200
    return SimpleNamespace(org=organization, api=api, customer=customer, order=order,
                           invoice=sent_invoice(api, customer))


def _state(api, w) -> dict:
    """What the owner reads of everything the other organization aims at."""
    reads = [f"/quotes/{w.draft['id']}", f"/quotes/{w.sent['id']}",
             f"/quotes/{w.accepted['id']}", f"/quotes/{w.sent['id']}/comments",
             f"/sales-orders/{w.order['id']}", f"/sales-orders/{w.confirmed['id']}",
             f"/invoices/{w.invoice['id']}", "/quotes", "/sales-orders", "/invoices"]
    state = {}
    for path in reads:
        response = api.get(path)
        assert response.status_code == 200, (path, response.json)
        state[path] = response.json
    return state


CASES = {
    "get quote": (lambda o, w: o.api.get(f"/quotes/{w.sent['id']}"), "quote_not_found"),
    "change quote": (lambda o, w: o.api.patch(f"/quotes/{w.draft['id']}",
                                              json={"notes": "cambiada"}), "quote_not_found"),
    "change quote lines": (lambda o, w: o.api.patch(f"/quotes/{w.sent['id']}", json={
        "line_items": [{**LINE, "quantity": "9"}]}), "quote_not_found"),
    "send quote": (lambda o, w: o.api.post(f"/quotes/{w.draft['id']}/send"),
                   "quote_not_found"),
    "send quote again": (lambda o, w: o.api.post(f"/quotes/{w.sent['id']}/send"),
                         "quote_not_found"),
    "convert quote": (lambda o, w: o.api.post(f"/quotes/{w.accepted['id']}/convert-to-invoice"),
                      "quote_not_found"),
    "comment": (lambda o, w: o.api.post(f"/quotes/{w.sent['id']}/comments", json={
        "body": "hola", "show_in_portal": True, "email_customer": True}), "quote_not_found"),
    "read comments": (lambda o, w: o.api.get(f"/quotes/{w.sent['id']}/comments"),
                      "quote_not_found"),
    "quote for their customer": (lambda o, w: quote(o.api, w.customer), "customer_not_found"),
    "sales order for their customer": (lambda o, w: sales_order(o.api, w.customer),
                                       "customer_not_found"),
    "get sales order": (lambda o, w: o.api.get(f"/sales-orders/{w.order['id']}"),
                        "sales_order_not_found"),
    "confirm sales order": (lambda o, w: o.api.post(f"/sales-orders/{w.order['id']}/confirm"),
                            "sales_order_not_found"),
    "fulfil sales order": (lambda o, w: o.api.post(
        f"/sales-orders/{w.confirmed['id']}/fulfil", json={"invoice_id": o.invoice["id"]}),
        "sales_order_not_found"),
    "fulfil with their invoice": (lambda o, w: o.api.post(
        f"/sales-orders/{w.confirmed['id']}/fulfil", json={"invoice_id": w.invoice["id"]}),
        "sales_order_not_found"),
    "fulfil own order with their invoice": (lambda o, w: o.api.post(
        f"/sales-orders/{o.order['id']}/fulfil", json={"invoice_id": w.invoice["id"]}),
        "invoice_not_found"),
    "close sales order": (lambda o, w: o.api.post(f"/sales-orders/{w.order['id']}/close"),
                          "sales_order_not_found"),
}


@pytest.mark.parametrize("case", CASES)
def test_another_organizations_id_is_404_and_changes_nothing(api, owner, other, case):
    attempt, code = CASES[case]
    before = _state(api, owner)
    error(attempt(other, owner), 404, code)
    assert _state(api, owner) == before


def test_lists_filtered_by_their_customer_are_empty(api, owner, other):
    their_customer = {"customer_id": owner.customer["id"]}
    for path in ("/quotes", "/sales-orders"):
        page = other.api.get(path, query_string=their_customer)
        assert (page.status_code, page.json["total"], page.json["items"]) == (200, 0, []), path
    assert other.api.get("/quotes").json["total"] == 0
    assert other.api.get("/sales-orders").json["total"] == 1
    assert api.get("/quotes", query_string=their_customer).json["total"] == 3
    assert api.get("/sales-orders", query_string=their_customer).json["total"] == 2


def test_their_quote_is_unknown_here(api, owner, other):
    """A sales order from the owner's quote: the same refusal as an unknown quote's."""
    before = _state(api, owner)
    details = error(sales_order(other.api, other.customer, quote_id=owner.sent["id"]), 400,
                    "invalid_sales_order")["details"]
    assert set(details) == {"quote_id"}
    unknown = error(sales_order(other.api, other.customer,
                                quote_id="00000000-0000-0000-0000-000000000000"), 400,
                    "invalid_sales_order")["details"]
    assert unknown == details
    assert other.api.get("/sales-orders").json["total"] == 1
    assert _state(api, owner) == before


def test_their_tax_is_unknown_here(api, owner, other):
    before = _state(api, owner)
    error(quote(other.api, other.customer, line_items=[{**LINE, "tax_id": owner.tax["id"]}]),
          400, "invalid_quote")
    assert other.api.get("/quotes").json["total"] == 0
    assert _state(api, owner) == before


def test_the_customers_calls_of_another_organization_find_nothing(app, api, owner, other):
    """A contact of the other organization's customer, with the owner's quote and order ids:
    not found, and the owner's quote still undecided and unviewed."""
    before = _state(api, owner)
    stranger = Customer(app, other.org, other.customer)
    for attempt in (lambda: stranger.get(owner.sent["id"]),
                    lambda: stranger.view(owner.sent["id"]),
                    lambda: stranger.accept(owner.sent["id"]),
                    lambda: stranger.decline(owner.sent["id"], "No"),
                    lambda: stranger.comment(owner.sent["id"], "hola")):
        with pytest.raises(QuoteNotFound):
            attempt()
    with pytest.raises(SalesOrderNotFound):
        stranger.view_sales_order(owner.order["id"])
    # The owner's organization with the other's customer: not theirs either.
    intruder = Customer(app, owner.org, other.customer)
    with pytest.raises(QuoteNotFound):
        intruder.accept(owner.sent["id"])
    with pytest.raises(SalesOrderNotFound):
        intruder.view_sales_order(owner.order["id"])
    assert _state(api, owner) == before
