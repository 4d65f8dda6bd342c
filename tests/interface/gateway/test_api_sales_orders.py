"""The staff API's sales orders against real identity, billing and quotes services: create
(also from a quote), list, read, confirm, fulfil with an invoice of the same customer, close,
and the customer's first view."""
import pytest

from .billing_api import DATE, LATER, LINE, created, error, other_organization, sent_invoice
from .conftest import create_customer
from .quotes_api import EXPIRY, Customer, count, sales_order, sent_quote


@pytest.fixture
def customer(api):
    return create_customer(api)


def test_create_and_read_back(api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    response = sales_order(api, customer, reference="PO-55", notes="Entregar en almacén",
                           line_items=[{**LINE, "tax_id": tax["id"]}])
    order = created(response)
    assert response.headers["Location"].endswith(f"/api/v1/sales-orders/{order['id']}")
    assert {k: order[k] for k in (
        "number", "customer_id", "status", "date", "expected_shipment_date", "reference",
        "currency", "notes", "subtotal", "tax_total", "total", "quote_id", "invoice_id",
        "invoice_number", "confirmed_at", "fulfilled_at", "closed_at",
        "first_viewed_at")} == {
        "number": "SO-00001", "customer_id": customer["id"], "status": "open", "date": DATE,
        "expected_shipment_date": EXPIRY, "reference": "PO-55", "currency": "EUR",
        "notes": "Entregar en almacén", "subtotal": "100.00", "tax_total": "21.00",
        "total": "121.00", "quote_id": None, "invoice_id": None, "invoice_number": None,
        "confirmed_at": None, "fulfilled_at": None, "closed_at": None,
        "first_viewed_at": None}
    assert [(line["name"], line["tax_name"], line["amount"]) for line in order["lines"]] == \
        [("Revisión", "IVA", "100.00")]
    fetched = api.get(f"/sales-orders/{order['id']}")
    assert (fetched.status_code, fetched.json) == (200, order)
    assert created(sales_order(api, customer, currency="USD"))["currency"] == "USD"


def test_from_a_quote_of_the_same_customer(api, customer):
    quote = sent_quote(api, customer)
    order = created(sales_order(api, customer, quote_id=quote["id"]))
    assert order["quote_id"] == quote["id"]
    other_customer = create_customer(api, "Bodegas Sur")
    error(sales_order(api, other_customer, quote_id=quote["id"]), 400, "invalid_sales_order")
    assert count(api, "/sales-orders") == 1


def test_list_filters_and_sorts(api, customer):
    other_customer = create_customer(api, "Bodegas Sur")
    small = created(sales_order(api, customer, line_items=[{**LINE, "quantity": "1"}]))
    large = created(sales_order(api, other_customer, date=LATER,
                                line_items=[{**LINE, "quantity": "4"}]))
    confirmed = api.post(f"/sales-orders/{small['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.json

    def ids(**query):
        response = api.get("/sales-orders", query_string=query)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert ids() == [large["id"], small["id"]]
    assert ids(sort="date") == [small["id"], large["id"]]
    assert ids(sort="-total") == [large["id"], small["id"]]
    assert ids(sort="number") == [small["id"], large["id"]]
    assert ids(status="confirmed") == [small["id"]]
    assert ids(status="open") == [large["id"]]
    assert ids(status="closed") == []
    assert ids(customer_id=other_customer["id"]) == [large["id"]]
    page = api.get("/sales-orders", query_string={"per_page": 1}).json
    assert (page["total"], page["pages"], [o["id"] for o in page["items"]]) == \
        (2, 2, [large["id"]])


def test_confirm_fulfil_with_the_customers_invoice_and_close(app, client, api, customer):
    order = created(sales_order(api, customer))
    invoice = sent_invoice(api, customer, sales_order_number=order["number"])
    theirs = sent_invoice(api, create_customer(api, "Bodegas Sur"))
    other = other_organization(app, client)
    elsewhere = sent_invoice(other, create_customer(other, "Granja Este"))
    path = f"/sales-orders/{order['id']}"

    error(api.post(f"{path}/fulfil", json={"invoice_id": invoice["id"]}), 409,
          "sales_order_state_conflict")
    confirmed = api.post(f"{path}/confirm")
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "confirmed" and confirmed.json["confirmed_at"]
    error(api.post(f"{path}/confirm"), 409, "sales_order_state_conflict")

    before = api.get(path).json
    details = error(api.post(f"{path}/fulfil", json={"invoice_id": theirs["id"]}), 400,
                    "invalid_sales_order")["details"]
    assert "invoice_id" in details
    error(api.post(f"{path}/fulfil", json={"invoice_id": elsewhere["id"]}), 404,
          "invoice_not_found")
    error(api.post(f"{path}/fulfil",
                   json={"invoice_id": "00000000-0000-0000-0000-000000000000"}), 404,
          "invoice_not_found")
    assert set(error(api.post(f"{path}/fulfil", json={}), 400,
                     "validation_failed")["details"]) == {"invoice_id"}
    assert api.get(path).json == before

    fulfilled = api.post(f"{path}/fulfil", json={"invoice_id": invoice["id"]})
    assert fulfilled.status_code == 200, fulfilled.json
    assert (fulfilled.json["status"], fulfilled.json["invoice_id"],
            fulfilled.json["invoice_number"]) == ("fulfilled", invoice["id"], invoice["number"])
    assert fulfilled.json["fulfilled_at"]
    error(api.post(f"{path}/confirm"), 409, "sales_order_state_conflict")

    closed = api.post(f"{path}/close")
    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "closed" and closed.json["closed_at"]
    assert closed.json["invoice_id"] == invoice["id"]
    error(api.post(f"{path}/close"), 409, "sales_order_state_conflict")
    error(api.post(f"{path}/fulfil", json={"invoice_id": invoice["id"]}), 409,
          "sales_order_state_conflict")
    assert api.get(path).json == closed.json

    open_one = created(sales_order(api, customer))
    assert api.post(f"/sales-orders/{open_one['id']}/close").json["status"] == "closed"


def test_the_customers_first_view_shows_in_the_api(app, org, api, customer):
    order = created(sales_order(api, customer))
    marta = Customer(app, org, customer)
    marta.view_sales_order(order["id"])
    viewed = api.get(f"/sales-orders/{order['id']}").json
    assert viewed["first_viewed_at"] and viewed["status"] == "open"
    marta.view_sales_order(order["id"])
    assert api.get(f"/sales-orders/{order['id']}").json["first_viewed_at"] == \
        viewed["first_viewed_at"]
    assert api.get("/sales-orders").json["items"][0]["first_viewed_at"] == \
        viewed["first_viewed_at"]


def test_an_idempotency_key_creates_one_sales_order(api, customer):
    headers = {"Idempotency-Key": "so-import-1"}
    first = created(sales_order(api, customer, headers=headers))
    again = sales_order(api, customer, headers=headers)
    assert (again.status_code, again.json) == (201, first)
    error(sales_order(api, customer, headers=headers, notes="otra"), 409, "idempotency_key_reused")
    assert count(api, "/sales-orders") == 1
    error(api.get("/sales-orders/00000000-0000-0000-0000-000000000000"), 404,
          "sales_order_not_found")
