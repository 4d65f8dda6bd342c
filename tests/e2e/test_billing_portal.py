"""Staff bill a customer through the API; the customer follows it all in the portal.

Invoices, a retainer invoice, a credit note and offline payments made by staff show
up on the customer's dashboard; the customer filters and sorts invoices, opens one
(staff get the email and the feed entry), downloads its PDF, sees the payments and
a receipt PDF, generates a statement whose figures reconcile and forwards an
invoice (the new contact appears in the staff API and gets the PDF by email).
"""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from pypdf import PdfReader

from tests.support.mailbox import text_of, wait_until

STAFF = "staff@talleres.example"  # the organization's registered email (see conftest)
PASSWORD = "Clave-de-Lucia-2026"
TODAY = date.today()


def eur(amount: str) -> str:
    """How the Spanish portal writes an amount in euros ("1.010,00 €")."""
    return format_currency(Decimal(amount), "EUR", locale="es_ES")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _created(response):
    assert response.status_code == 201, response.text
    return response.json()


def _invoice(api, customer_id, name, quantity, rate, *, days_ago, due_in, kind="invoice",
             tax_id=None, send=True):
    line = {"name": name, "quantity": quantity, "rate": rate}
    if tax_id:
        line["tax_id"] = tax_id
    invoice = _created(api.post("/invoices", json={
        "customer_id": customer_id, "kind": kind,
        "date": (TODAY - timedelta(days=days_ago)).isoformat(),
        "due_date": (TODAY - timedelta(days=days_ago) + timedelta(days=due_in)).isoformat(),
        "line_items": [line], "allow_partial_payments": True}))
    if send:
        sent = api.post(f"/invoices/{invoice['id']}/send")
        assert sent.status_code == 200, sent.text
        invoice = sent.json()
    return invoice


def _staff_bills(api):
    """The customer, its contact with a password, and what staff billed and recorded."""
    customer = _created(api.post("/customers", json={
        "display_name": "Construcciones Ibérica", "currency": "EUR",
        "contacts": [{"first_name": "Lucía", "last_name": "Prieto",
                      "email": "lucia@iberica.example", "is_primary": True}]}))
    lucia = customer["contacts"][0]
    enabled = api.post(f"/customers/{customer['id']}/portal",
                       json={"contact_ids": [lucia["id"]], "password": PASSWORD})
    assert enabled.status_code == 200, enabled.text
    iva = _created(api.post("/taxes", json={"name": "IVA", "rate": "21", "is_default": True}))

    cid = customer["id"]
    # 2 × 500 + 21 % IVA = 1210.00, due a month ago: overdue once partly paid.
    old = _invoice(api, cid, "Reforma de cocina", "2", "500", days_ago=60, due_in=30,
                   tax_id=iva["id"])
    recent = _invoice(api, cid, "Revisión de tejado", "1", "300", days_ago=10, due_in=30)
    _invoice(api, cid, "Presupuesto en borrador", "1", "999", days_ago=5, due_in=30,
             send=False)
    retainer = _invoice(api, cid, "Anticipo de obra", "1", "800", days_ago=20, due_in=15,
                        kind="retainer")
    assert (old["total"], recent["total"], retainer["total"]) == ("1210.00", "300.00", "800.00")
    _created(api.post("/credit-notes", json={
        "customer_id": cid, "date": (TODAY - timedelta(days=8)).isoformat(),
        "line_items": [{"name": "Descuento por retraso", "quantity": "1", "rate": "150"}]}))
    payment = _created(api.post("/payments", json={
        "customer_id": cid, "amount": "500", "date": (TODAY - timedelta(days=5)).isoformat(),
        "mode": "bank_transfer", "reference": "TRF-0091",
        "applications": [{"invoice_id": old["id"], "amount": "500"}]}))
    _created(api.post("/payments", json={
        "customer_id": cid, "amount": "300", "date": (TODAY - timedelta(days=2)).isoformat(),
        "mode": "cheque", "applications": [{"invoice_id": retainer["id"], "amount": "300"}]}))
    return customer, old, recent, retainer, payment


def _login(page, base, slug):
    page.goto(f"{base}/portal/{slug}/login")
    page.fill("input[name=email]", "lucia@iberica.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_customer_follows_what_staff_billed(system, api, organization, mailbox, browser):
    base, slug = system.base_url, organization["slug"]
    # A first view is a feed entry by default; these staff want an email too.
    chosen = api.put("/notification-preferences/invoice_viewed", json={"email": True})
    assert chosen.status_code == 200 and chosen.json()["email"] is True, chosen.text
    customer, old, recent, retainer, payment = _staff_bills(api)

    context = browser.new_context(locale="es-ES", accept_downloads=True)
    page = context.new_page()
    _login(page, base, slug)

    # The dashboard: each figure, formatted for Spanish.
    summary = page.inner_text(".summary")
    assert eur("1010.00") in summary   # outstanding: 710 on the old invoice + 300 on the recent
    assert eur("150.00") in summary    # the credit note
    assert eur("500.00") in summary    # left to pay on the retainer invoice
    assert eur("300.00") in summary    # retainer paid, available
    last_payment_day = format_date(TODAY - timedelta(days=2), format="medium", locale="es")
    assert last_payment_day in summary

    # Invoices: unpaid ones of kind invoice, cheapest first; the draft never appears.
    page.goto(f"{base}/portal/{slug}/invoices")
    listing = page.inner_text("main")
    assert old["number"] in listing and recent["number"] in listing
    assert retainer["number"] in listing
    assert "Presupuesto en borrador" not in listing and "999" not in listing
    page.select_option("select[name=kind]", "invoice")
    page.select_option("select[name=status]", "unpaid")
    page.select_option("select[name=sort]", "amount")
    page.select_option("select[name=order]", "asc")
    page.click("form.list-filters button[type=submit]")
    page.wait_for_url(re.compile(r"status=unpaid"))
    rows = page.locator("main table tbody tr").all_inner_texts()
    assert [recent["number"] in rows[0], old["number"] in rows[1]] == [True, True]
    assert len(rows) == 2

    # Opening the old invoice: staff are told by email and in the feed.
    page.click(f"a[href$='/invoices/{old['id']}']")
    page.wait_for_url(re.compile(rf"/invoices/{old['id']}$"))
    detail = page.inner_text("main")
    assert "Reforma de cocina" in detail and eur("1210.00") in detail
    assert eur("710.00") in detail          # the balance after the 500 paid
    viewed_mail = wait_until(
        lambda: [m for m in mailbox.messages(STAFF) if old["number"] in m["Subject"]],
        timeout=30, what="the staff email about the viewed invoice")
    assert "Construcciones Ibérica" in text_of(viewed_mail[0])
    [entry] = wait_until(lambda: api.get("/feed", params={
        "customer_id": customer["id"], "kind": "invoice_viewed"}).json()["items"],
        timeout=30, what="the viewed invoice in the staff feed")
    assert entry["link"] == f"/api/v1/invoices/{old['id']}"
    assert api.get(f"/invoices/{old['id']}").json()["first_viewed_at"]

    invoice_pdf = pdf_text(_download(page, "a[href$='/pdf']"))
    assert old["number"] in invoice_pdf and "Reforma de cocina" in invoice_pdf
    assert "1.210,00" in invoice_pdf and "Talleres Norte S.L." in invoice_pdf

    # Payments made, and the receipt of the transfer with its PDF.
    page.goto(f"{base}/portal/{slug}/payments")
    payments = page.inner_text("main")
    assert eur("500.00") in payments and eur("300.00") in payments
    page.click(f"a[href$='/payments/{payment['id']}']")
    page.wait_for_url(re.compile(rf"/payments/{payment['id']}$"))
    receipt = page.inner_text("main")
    assert old["number"] in receipt and "TRF-0091" in receipt
    receipt_pdf = pdf_text(_download(page, "a[href$='/pdf']"))
    assert payment["number"] in receipt_pdf and "500,00" in receipt_pdf
    assert old["number"] in receipt_pdf

    # A statement for the last three months: 0 + 1510 − 800 − 150 = 560.
    page.goto(f"{base}/portal/{slug}/statement")
    page.select_option("select[name=range]", "custom")
    page.fill("input[name=start]", (TODAY - timedelta(days=90)).isoformat())
    page.fill("input[name=end]", TODAY.isoformat())
    page.click("form.statement-form button[type=submit]")
    page.wait_for_url(re.compile(r"range=custom"))
    statement = page.inner_text("main")
    for figure in ("0.00", "1510.00", "800.00", "150.00", "560.00"):
        assert eur(figure) in statement, figure
    statement_pdf = pdf_text(_download(page, "a[href*='/statement/pdf']"))
    assert "560,00" in statement_pdf and "1.510,00" in statement_pdf

    # Forward the recent invoice to the customer's accounts department.
    page.goto(f"{base}/portal/{slug}/invoices/{recent['id']}/forward")
    page.fill("input[name=email]", "pagos@iberica.example")
    page.fill("input[name=name]", "Pagos Ibérica")
    page.click("form[action$='/forward'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/invoices/{recent['id']}$"))
    contacts = api.get(f"/customers/{customer['id']}").json()["contacts"]
    assert "pagos@iberica.example" in [c["email"] for c in contacts]
    [forwarded] = mailbox.wait_for("pagos@iberica.example")
    assert "lucia@iberica.example" in forwarded["Reply-To"]
    attachments = [part for part in forwarded.iter_attachments()
                   if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    assert recent["number"] in pdf_text(attachments[0].get_content())
    context.close()
