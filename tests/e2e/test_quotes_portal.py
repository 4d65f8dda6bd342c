"""Staff send a quote; the customer negotiates it in the portal until it becomes an invoice.

The home page counts the quote; opening it tells staff; the customer declines it with a
reason and a comment; staff answer in the portal (and by email), revise and resend it; the
customer accepts the new revision with a typed name; staff convert it into an invoice that
the customer then finds among their invoices. Sales orders stay hidden until the
organization turns them on, then show with the invoice raised from a fulfilled order. The
quote's PDF carries the right totals.
"""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

from babel.numbers import format_currency
from pypdf import PdfReader

from tests.support.mailbox import text_of, wait_until

STAFF = "staff@talleres.example"  # the organization's registered email (see conftest)
CONTACT = "marta@levante-obras.example"
PASSWORD = "Clave-de-Marta-2026"
TODAY = date.today()


def eur(amount: str) -> str:
    """How the Spanish portal writes an amount in euros ("1.089,00 €")."""
    return format_currency(Decimal(amount), "EUR", locale="es_ES")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _customer_with_contact(api):
    customer = _ok(api.post("/customers", json={
        "display_name": "Obras Levante", "currency": "EUR",
        "contacts": [{"first_name": "Marta", "last_name": "Ibáñez", "email": CONTACT,
                      "is_primary": True}]}), 201)
    contact = customer["contacts"][0]
    _ok(api.post(f"/customers/{customer['id']}/portal",
                 json={"contact_ids": [contact["id"]], "password": PASSWORD}))
    return customer


def _login(page, base, slug):
    page.goto(f"{base}/portal/{slug}/login")
    page.fill("input[name=email]", CONTACT)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def _feed(api, customer_id, kind, count=1):
    return wait_until(lambda: len(items := api.get("/feed", params={
        "customer_id": customer_id, "kind": kind}).json()["items"]) >= count and items,
        timeout=30, what=f"{kind} in the staff feed")


def test_a_quote_negotiated_accepted_and_invoiced(system, api, organization, mailbox,
                                                 browser):
    base, slug = system.base_url, organization["slug"]
    customer = _customer_with_contact(api)
    tax = _ok(api.post("/taxes", json={"name": "IVA 21", "rate": "21"}), 201)
    # 10 h × 80 + 21 % IVA = 968.00; plus 100 of material without tax: 1068.00.
    quote = _ok(api.post("/quotes", json={
        "customer_id": customer["id"], "date": TODAY.isoformat(),
        "expiry_date": (TODAY + timedelta(days=30)).isoformat(), "reference": "Obra Denia",
        "line_items": [{"name": "Instalación eléctrica", "quantity": "10", "rate": "80",
                        "tax_id": tax["id"]},
                       {"name": "Material", "quantity": "1", "rate": "100"}]}), 201)
    assert (quote["status"], quote["total"]) == ("draft", "1068.00")
    assert _ok(api.post(f"/quotes/{quote['id']}/send"))["status"] == "sent"

    context = browser.new_context(locale="es-ES", accept_downloads=True)
    page = context.new_page()
    _login(page, base, slug)

    # The home page counts the quote and links to what awaits the customer.
    figure = page.locator(".figure-quotes")
    assert figure.locator(".value").inner_text() == "1"
    assert "Órdenes de venta" not in page.inner_text("nav.sidebar")
    figure.locator("a").click()
    page.wait_for_url(re.compile(r"/quotes\?status=awaiting"))
    assert quote["number"] in page.inner_text("main")

    # Opening it: staff see it in their feed, and the API says when.
    page.click(f"a[href$='/quotes/{quote['id']}']")
    page.wait_for_url(re.compile(rf"/quotes/{quote['id']}$"))
    detail = page.inner_text("main")
    assert "Instalación eléctrica" in detail and eur("1068.00") in detail
    [viewed] = _feed(api, customer["id"], "quote_viewed")
    assert viewed["link"] == f"/api/v1/quotes/{quote['id']}"
    assert _ok(api.get(f"/quotes/{quote['id']}"))["first_viewed_at"]

    # The PDF carries the lines and the totals.
    quote_pdf = pdf_text(_download(page, "a[href$='/pdf']"))
    assert quote["number"] in quote_pdf and "Instalación eléctrica" in quote_pdf
    for figure_text in ("900,00", "168,00", "1.068,00"):
        assert figure_text in quote_pdf, figure_text

    # Declined with a reason, and a comment to negotiate.
    page.fill("form[action$='/decline'] textarea[name=reason]", "Se sale de nuestro presupuesto")
    page.click("form[action$='/decline'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/quotes/{quote['id']}"))
    assert "Rechazado" in page.inner_text("main")
    page.fill("form[action$='/comments'] textarea[name=body]", "¿Podrían dejarlo en 900 €?")
    page.click("form[action$='/comments'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/quotes/{quote['id']}"))
    declined = wait_until(lambda: [m for m in mailbox.messages(STAFF)
                                   if "Se sale de nuestro presupuesto" in text_of(m)],
                          timeout=30, what="the staff email about the declined quote")
    assert quote["number"] in declined[0]["Subject"] or quote["number"] in text_of(declined[0])
    wait_until(lambda: [m for m in mailbox.messages(STAFF)
                        if "¿Podrían dejarlo en 900 €?" in text_of(m)],
               timeout=30, what="the staff email about the customer's comment")
    stored = _ok(api.get(f"/quotes/{quote['id']}"))
    assert stored["status"] == "declined"
    assert stored["decline_reason"] == "Se sale de nuestro presupuesto"

    # Staff answer in the portal (and by email); an internal note stays internal.
    _ok(api.post(f"/quotes/{quote['id']}/comments", json={
        "body": "Les enviamos una versión revisada a 900 €.", "author_name": "Luis (Talleres)",
        "show_in_portal": True, "email_customer": True}), 201)
    _ok(api.post(f"/quotes/{quote['id']}/comments", json={
        "body": "Nota interna: margen mínimo", "show_in_portal": False}), 201)
    [reply_mail] = wait_until(lambda: [m for m in mailbox.messages(CONTACT)
                                       if "versión revisada" in text_of(m)],
                              timeout=30, what="the staff reply emailed to the contact")
    assert f"/portal/{slug}/quotes/{quote['id']}" in text_of(reply_mail)

    # Revised (a second revision) and sent again.
    revised = _ok(api.patch(f"/quotes/{quote['id']}", json={
        "line_items": [{"name": "Instalación eléctrica", "quantity": "10", "rate": "65",
                        "tax_id": tax["id"]},
                       {"name": "Material", "quantity": "1", "rate": "113.50"}]}))
    assert (revised["revision"], revised["status"], revised["total"]) == (2, "draft", "900.00")
    _ok(api.post(f"/quotes/{quote['id']}/send"))

    page.reload()
    detail = page.inner_text("main")
    assert "Les enviamos una versión revisada a 900 €." in detail
    assert "Nota interna" not in detail
    assert eur("900.00") in detail
    page.fill("form[action$='/accept'] input[name=signature_name]", "Marta Ibáñez Soler")
    page.click("form[action$='/accept'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/quotes/{quote['id']}"))
    assert "Marta Ibáñez Soler" in page.inner_text("main")
    accepted = _ok(api.get(f"/quotes/{quote['id']}"))
    assert accepted["status"] == "accepted" and accepted["revision"] == 2
    assert accepted["signature_name"] == "Marta Ibáñez Soler"
    assert accepted["decided_by_name"].startswith("Marta")
    _feed(api, customer["id"], "quote_accepted")

    # Converted into an invoice, which the customer finds among their invoices.
    converted = _ok(api.post(f"/quotes/{quote['id']}/convert-to-invoice"), 201)
    invoice = converted["invoice"]
    assert converted["quote"]["status"] == "invoiced" and invoice["total"] == "900.00"
    again = api.post(f"/quotes/{quote['id']}/convert-to-invoice")
    assert again.status_code == 409, again.text
    page.goto(f"{base}/portal/{slug}/invoices")
    assert invoice["number"] in page.inner_text("main")

    # Sales orders: hidden until the organization shows them.
    assert page.goto(f"{base}/portal/{slug}/sales-orders").status == 404
    order = _ok(api.post("/sales-orders", json={
        "customer_id": customer["id"], "date": TODAY.isoformat(), "quote_id": quote["id"],
        "line_items": [{"name": "Instalación eléctrica", "quantity": "10", "rate": "65",
                        "tax_id": tax["id"]},
                       {"name": "Material", "quantity": "1", "rate": "113.50"}]}), 201)
    _ok(api.post(f"/sales-orders/{order['id']}/confirm"))
    fulfilled = _ok(api.post(f"/sales-orders/{order['id']}/fulfil",
                             json={"invoice_id": invoice["id"]}))
    assert fulfilled["status"] == "fulfilled"
    _ok(api.patch("/portal-preferences", json={"show_sales_orders": True}))
    page.goto(f"{base}/portal/{slug}/")
    page.click("nav.sidebar a:has-text('Órdenes de venta')")
    page.wait_for_url(re.compile(r"/sales-orders$"))
    assert order["number"] in page.inner_text("main")
    page.click(f"main a:has-text('{order['number']}')")
    page.wait_for_url(re.compile(rf"/sales-orders/{order['number']}$"))
    shown = page.inner_text("main")
    assert invoice["number"] in shown and eur("900.00") in shown
    [order_viewed] = _feed(api, customer["id"], "sales_order_viewed")
    assert order_viewed["link"] == f"/api/v1/sales-orders/{order['id']}"
    assert _ok(api.get(f"/sales-orders/{order['id']}"))["first_viewed_at"]
    context.close()
