"""Sales orders in the portal against real identity, quotes, billing and notify: hidden
(404 everywhere, no menu entry) until the organization's portal preference shows them;
then the list (status filter, order), one order by its number (first view; the invoice
raised from a fulfilled order), print, PDF, forward; and another customer's or
organization's order is 404 on every route."""
import re
from datetime import timedelta

import pytest

from tests.interface.gateway.conftest import create_customer, csrf_token
from tests.interface.gateway.test_portal_quotes import (  # noqa: F401 (fixtures)
    DATE, EXPIRY, NBSP, TODAY, contacts_of, created, mails_to, marta, ok, other_org_api,
    pdf_text, text)

LINE = {"name": "Ventanas de aluminio", "quantity": "4", "rate": "125.00"}
ROUTES = ("", "/print", "/pdf", "/forward")


def sales_order(api, customer, lines=None, **extra) -> dict:
    return created(api.post("/sales-orders", json={
        "customer_id": customer["id"], "date": DATE, "expected_shipment_date": EXPIRY,
        "line_items": lines or [LINE], **extra}))


def show_sales_orders(api, on=True) -> None:
    answer = ok(api.patch("/portal-preferences", json={"show_sales_orders": on}))
    assert answer["show_sales_orders"] is on


def fulfilled_order(api, customer, **extra) -> tuple[dict, dict]:
    """An order confirmed and fulfilled with a sent invoice of the same customer."""
    order = sales_order(api, customer, **extra)
    ok(api.post(f"/sales-orders/{order['id']}/confirm"))
    invoice = created(api.post("/invoices", json={
        "customer_id": customer["id"], "date": DATE, "due_date": EXPIRY,
        "line_items": [LINE], "sales_order_number": order["number"]}))
    invoice = ok(api.post(f"/invoices/{invoice['id']}/send"))
    return ok(api.post(f"/sales-orders/{order['id']}/fulfil",
                       json={"invoice_id": invoice["id"]})), invoice


def numbers_in(html: str) -> list[str]:
    return re.findall(r'<a href="/portal/[^/]+/sales-orders/[^"/]+">(SO-\d+)</a>', html)


def menu_has_sales_orders(html: str, portal) -> bool:
    return f'href="{portal.base}/sales-orders"' in html


# --- the preference -------------------------------------------------------------------------

def test_hidden_until_the_preference_is_on(api, marta):
    customer, portal = marta
    order = sales_order(api, customer)
    home = text(portal.get("/"))
    assert not menu_has_sales_orders(home, portal) and "Órdenes de venta" not in home
    token = csrf_token(home)
    assert portal.get("/sales-orders").status_code == 404
    for suffix in ROUTES:
        response = portal.get(f"/sales-orders/{order['number']}{suffix}")
        assert response.status_code == 404, suffix
        assert "Ventanas de aluminio" not in text(response)
    forward = portal.client.post(f"{portal.base}/sales-orders/{order['number']}/forward",
                                 data={"email": "ana@gestoria.example", "csrf_token": token})
    assert forward.status_code == 404
    assert ok(api.get(f"/sales-orders/{order['id']}"))["first_viewed_at"] is None

    show_sales_orders(api)
    home = text(portal.get("/"))
    assert menu_has_sales_orders(home, portal) and "Órdenes de venta" in home
    assert portal.get("/sales-orders").status_code == 200
    assert portal.get(f"/sales-orders/{order['number']}").status_code == 200

    show_sales_orders(api, on=False)
    assert portal.get("/sales-orders").status_code == 404
    assert not menu_has_sales_orders(text(portal.get("/")), portal)


# --- the list and one order -----------------------------------------------------------------

def test_the_list_shows_the_order_and_the_invoice_of_a_fulfilled_one(api, org, marta):
    customer, portal = marta
    show_sales_orders(api)
    open_order = sales_order(api, customer, reference="PED-3",
                             date=(TODAY - timedelta(days=2)).isoformat())
    fulfilled, invoice = fulfilled_order(api, customer)

    listing = portal.get("/sales-orders")
    assert listing.status_code == 200
    html = text(listing)
    assert numbers_in(html) == [fulfilled["number"], open_order["number"]]
    assert "PED-3" in html and f"500,00{NBSP}€" in html
    assert "Abierta" in html and "Cumplida" in html
    assert html.index('id="filter-status"') < html.index('class="documents"')
    assert numbers_in(text(portal.get("/sales-orders?status=fulfilled"))) == \
        [fulfilled["number"]]
    assert numbers_in(text(portal.get("/sales-orders?status=open"))) == [open_order["number"]]
    assert numbers_in(text(portal.get("/sales-orders?sort=date&order=asc"))) == \
        [open_order["number"], fulfilled["number"]]
    none = text(portal.get("/sales-orders?status=closed"))
    assert numbers_in(none) == [] and "Ninguna orden de venta coincide con este filtro." in none
    assert portal.get("/sales-orders?status=draft").status_code == 400

    assert ok(api.get(f"/sales-orders/{fulfilled['id']}"))["first_viewed_at"] is None
    page = portal.get(f"/sales-orders/{fulfilled['number']}")
    assert page.status_code == 200
    html = text(page)
    for shown in (fulfilled["number"], "Ventanas de aluminio", "Cumplida",
                  "Factura de esta orden", invoice["number"], f"500,00{NBSP}€",
                  "Saldo pendiente", "Enviada"):
        assert shown in html, shown
    assert f'href="{portal.base}/invoices/{invoice["id"]}"' in html
    for link in ("/print", "/pdf", "/forward"):
        assert f'href="{portal.base}/sales-orders/{fulfilled["number"]}{link}"' in html
    viewed = ok(api.get(f"/sales-orders/{fulfilled['id']}"))["first_viewed_at"]
    assert viewed is not None
    portal.get(f"/sales-orders/{fulfilled['number']}")
    assert ok(api.get(f"/sales-orders/{fulfilled['id']}"))["first_viewed_at"] == viewed

    # The invoice's balance follows its payments.
    paid = api.post("/payments", json={
        "customer_id": customer["id"], "amount": "200.00", "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": invoice["id"], "amount": "200.00"}]})
    assert paid.status_code == 201, paid.json
    html = text(portal.get(f"/sales-orders/{fulfilled['number']}"))
    assert f"300,00{NBSP}€" in html and "Pagada en parte" in html

    opened = text(portal.get(f"/sales-orders/{open_order['number']}"))
    assert "Factura de esta orden" not in opened and "Abierta" in opened
    english = text(portal.get(f"/sales-orders/{fulfilled['number']}?lang=en"))
    assert "Invoice for this order" in english and "€500.00" in english


def test_print_pdf_and_forward(app, api, org, marta):
    customer, portal = marta
    show_sales_orders(api)
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    order, invoice = fulfilled_order(api, customer, lines=[
        {**LINE, "tax_id": tax["id"]}, {"name": "Montaje", "quantity": "1", "rate": "100.00"}])
    path = f"/sales-orders/{order['number']}"

    printed = text(portal.get(f"{path}/print"))
    assert order["number"] in printed and "Montaje" in printed
    assert 'class="sidebar"' not in printed

    response = portal.get(f"{path}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{order["number"]}.pdf"' in response.headers["Content-Disposition"]
    content = pdf_text(response)
    assert order["number"] in content and "Ventanas de aluminio" in content
    for amount in ("600,00 €", "105,00 €", "705,00 €"):  # subtotal, IVA, total
        assert amount in content, amount
    assert invoice["number"] in content and "Talleres Norte" in content

    done = portal.post_form(f"{path}/forward", {"email": "almacen@gestoria.example",
                                                 "name": "Almacén"})
    assert done.status_code == 302
    assert done.headers["Location"] == f"{portal.base}{path}"
    assert ("La orden de venta se ha enviado a almacen@gestoria.example, que ahora es una de "
            "sus personas de contacto.") in text(portal.get(path))
    assert any(c["email"] == "almacen@gestoria.example" for c in contacts_of(api, customer))
    [mail] = mails_to(app, org, "almacen@gestoria.example")
    assert mail["kind"] == "document_forwarded"
    assert order["number"] in mail["subject"] + mail["text_body"]


# --- tenancy ----------------------------------------------------------------------------------

def test_another_customers_or_organizations_order_is_404_everywhere(app, api, org, marta,
                                                                    other_org_api):
    customer, portal = marta
    show_sales_orders(api)
    show_sales_orders(other_org_api)
    own = sales_order(api, customer)
    other = create_customer(api, "Carpintería Robles")
    theirs = sales_order(api, other, [{"name": "Mesa de roble", "quantity": "1",
                                       "rate": "777.00"}])
    foreign_customer = create_customer(other_org_api, "Cliente Lejano")
    foreign = sales_order(other_org_api, foreign_customer,
                          [{"name": "Servicio secreto", "quantity": "1", "rate": "888.00"}],
                          number="SO-90001")
    token = csrf_token(text(portal.get(f"/sales-orders/{own['number']}")))
    for order in (theirs, foreign):
        base = f"{portal.base}/sales-orders/{order['number']}"
        for suffix in ROUTES:
            response = portal.client.get(base + suffix)
            assert response.status_code == 404, (order["number"], suffix)
            assert "Mesa de roble" not in text(response)
            assert "Servicio secreto" not in text(response)
        forward = portal.client.post(f"{base}/forward", data={
            "email": "intruso@example.com", "csrf_token": token})
        assert forward.status_code == 404
    assert ok(api.get(f"/sales-orders/{theirs['id']}"))["first_viewed_at"] is None
    assert ok(other_org_api.get(f"/sales-orders/{foreign['id']}"))["first_viewed_at"] is None
    assert all(c["email"] != "intruso@example.com" for c in contacts_of(api, customer))
    listing = text(portal.get("/sales-orders"))
    assert numbers_in(listing) == [own["number"]]
    assert "Mesa de roble" not in listing and "Servicio secreto" not in listing


@pytest.mark.parametrize("number", ["SO-99999", "x" * 41, "SO-00001%00", "SO%2000001"])
def test_unknown_numbers_are_404(api, marta, number):
    customer, portal = marta
    show_sales_orders(api)
    sales_order(api, customer)
    assert portal.get(f"/sales-orders/{number}").status_code == 404
