"""The statement of account: a period's figures and movements on screen (a page at a time),
streamed for printing and as a PDF; periods on the organization's calendar, refusals, and
never another customer's movements.

The documents are made through billing's own RPC, as the staff API would."""
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from gateway.portal.statements import period
from tests.interface.gateway.conftest import (Api, create_customer, invite_and_accept,
                                              new_organization)
from tests.interface.gateway.test_portal_payments import Billing

NBSP = "\xa0"
MARCH = "/statement?range=custom&start=2026-03-01&end=2026-03-31"
FIGURE = re.compile(r"<dt>(?P<label>[^<]+)</dt><dd>(?P<value>[^<]+)</dd>")
ROW = re.compile(r'<tr class="movement[^"]*">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _html(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def figures(html):
    return {m["label"]: m["value"].replace(NBSP, " ") for m in FIGURE.finditer(html)}


def movements(html):
    """Each movement row's cells, tags stripped."""
    return [[re.sub(r"<[^>]+>", "", cell).replace(NBSP, " ").strip()
             for cell in CELL.findall(row)] for row in ROW.findall(html)]


@pytest.fixture
def billing(app, org):
    return Billing(app, org["id"])


@pytest.fixture
def marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def march(billing, marta):
    """Invoiced 1000, paid 400 of it, a credit note of 100: 500 owed at the end of March."""
    customer, _portal = marta
    invoice = billing.invoice(customer, "1000.00", "2026-03-02")
    paid = billing.payment(customer, "400.00", "2026-03-10", [(invoice, "400.00")],
                           reference="TR-1")
    note = billing("create_credit_note", {
        "customer_id": customer["id"], "date": "2026-03-20", "currency": "EUR",
        "lines": [{"name": "Descuento", "quantity": "1", "rate": "100.00"}]})
    return {"invoice": invoice, "payment": paid, "credit_note": note}


def test_the_period_figures_and_movements_in_spanish(marta, march):
    _customer, portal = marta
    html = _html(portal.get(MARCH))
    assert "Estado de cuenta" in html and "Del 1 de marzo de 2026 al 31 de marzo de 2026" in html
    assert figures(html) == {"Saldo inicial": "0,00 €", "Facturado": "1.000,00 €",
                             "Importe pagado": "400,00 €", "Abonado": "100,00 €",
                             "Saldo final pendiente": "500,00 €"}
    rows = movements(html)
    assert [row[1:3] for row in rows] == [["Factura", march["invoice"]["number"]],
                                          ["Pago", march["payment"]["number"]],
                                          ["Nota de crédito", march["credit_note"]["number"]]]
    assert [(row[4], row[5]) for row in rows] == [
        ("1.000,00 €", "1.000,00 €"), ("-400,00 €", "600,00 €"), ("-100,00 €", "500,00 €")]
    assert rows[0][0] == "2 mar 2026"
    assert rows[1][3] == f"Pago {march['payment']['number']} (Transferencia bancaria)"
    # The payment's number opens its receipt; print and PDF keep the period.
    assert f'/payments/{march["payment"]["id"]}"' in html
    assert "/statement/print?range=custom&amp;start=2026-03-01&amp;end=2026-03-31" in html
    assert "/statement/pdf?range=custom&amp;start=2026-03-01&amp;end=2026-03-31" in html
    assert '<form method="get"' in html and 'value="2026-03-01"' in html


def test_the_same_statement_in_english(marta, march):
    _customer, portal = marta
    html = _html(portal.get(MARCH + "&lang=en"))
    assert "Statement of account" in html and "From March 1, 2026 to March 31, 2026" in html
    assert figures(html) == {"Opening balance": "€0.00", "Invoiced": "€1,000.00",
                             "Amount paid": "€400.00", "Credited": "€100.00",
                             "Closing balance due": "€500.00"}
    assert [row[5] for row in movements(html)] == ["€1,000.00", "€600.00", "€500.00"]


def test_retainers_and_refunds_are_described_and_change_the_balance_as_they_should(
        billing, marta):
    customer, portal = marta
    invoice = billing.invoice(customer, "1000.00", "2026-03-02")
    retainer = billing.invoice(customer, "300.00", "2026-03-03", kind="retainer")
    billing.payment(customer, "300.00", "2026-03-04", [(retainer, "300.00")])
    spare = billing.payment(customer, "50.00", "2026-03-06", mode="cash")
    refund = billing("record_refund", customer["id"], {
        "source": "payment", "source_id": spare["id"], "amount": "20.00", "date": "2026-03-07",
        "mode": "cash"})
    billing("apply_retainer", customer["id"], {  # dated the day it is drawn: today
        "retainer_invoice_id": retainer["id"], "invoice_id": invoice["id"], "amount": "200.00"})
    html = _html(portal.get("/statement?range=custom&start=2026-03-01&end=2030-12-31"))
    rows = {row[3]: (row[4], row[5]) for row in movements(html)}
    assert rows == {
        f"Factura {invoice['number']}, vence el 2 mar 2026": ("1.000,00 €", "1.000,00 €"),
        f"Factura de anticipo {retainer['number']}": ("(300,00 €)", "1.000,00 €"),
        next(k for k in rows if k.startswith("Pago ") and "Transferencia" in k):
            ("-300,00 €", "700,00 €"),
        f"Pago {spare['number']} (Efectivo)": ("-50,00 €", "650,00 €"),
        f"Reembolso {refund['number']} (de un pago)": ("20,00 €", "670,00 €"),
        f"Anticipo {retainer['number']} aplicado a {invoice['number']}": ("(200,00 €)",
                                                                         "670,00 €")}
    assert figures(html)["Importe pagado"] == "330,00 €"
    assert figures(html)["Saldo final pendiente"] == "670,00 €"
    assert html.count("movement informational") == 2


def test_a_period_after_the_invoice_opens_with_what_was_owed(marta, march):
    _customer, portal = marta
    html = _html(portal.get("/statement?range=custom&start=2026-03-15&end=2026-03-31"))
    assert figures(html) == {"Saldo inicial": "600,00 €", "Facturado": "0,00 €",
                             "Importe pagado": "0,00 €", "Abonado": "100,00 €",
                             "Saldo final pendiente": "500,00 €"}
    assert [row[2] for row in movements(html)] == [march["credit_note"]["number"]]
    before = _html(portal.get("/statement?range=custom&start=2026-01-01&end=2026-02-28"))
    assert figures(before)["Saldo final pendiente"] == "0,00 €"
    assert "En este periodo no se ha facturado, pagado ni abonado nada." in before


def test_a_reversed_or_incomplete_range_is_refused_with_the_form_kept(marta, march):
    _customer, portal = marta
    html = _html(portal.get("/statement?range=custom&start=2026-03-31&end=2026-03-01"), 400)
    assert ("La fecha de fin es anterior a la fecha de inicio. Elija una fecha de fin igual o "
            "posterior a la de inicio.") in html
    assert 'value="2026-03-31"' in html and 'value="2026-03-01"' in html
    assert 'aria-invalid="true"' in html and '<option value="custom" selected>' in html
    assert "Saldo final pendiente" not in html
    for path in ("/statement/print", "/statement/pdf"):
        _html(portal.get(path + "?range=custom&start=2026-03-31&end=2026-03-01"), 400)
    missing = _html(portal.get("/statement?range=custom&start=2026-03-01&end=&lang=en"), 400)
    assert "Enter both a start date and an end date for a custom range" in missing
    _html(portal.get("/statement?range=custom&start=01/03/2026&end=2026-03-31"), 400)
    _html(portal.get("/statement?range=forever"), 400)
    _html(portal.get(MARCH + "&cursor=not-a-cursor-of-this-statement"), 400)


def test_named_periods_follow_the_organizations_calendar(app, client):
    # Kiritimati is 14 hours ahead of UTC: its "this month" may already be the next one.
    far_east = new_organization(app, "Isla Temprana", timezone="Pacific/Kiritimati")
    customer = create_customer(Api(client, far_east["api_key"]), name="Cliente Isleño")
    portal = invite_and_accept(Api(client, far_east["api_key"]), client, far_east, customer,
                               customer["contacts"][0])
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    for name in ("this_month", "last_month", "this_quarter", "this_year"):
        start, end = period(name, today)
        html = _html(portal.get(f"/statement?range={name}"))
        assert f'id="statement-start" name="start" value="{start.isoformat()}"' in html
        assert f'id="statement-end" name="end" value="{end.isoformat()}"' in html
    default = _html(portal.get("/statement"))
    assert f'value="{today.replace(day=1).isoformat()}"' in default


def test_the_periods_themselves():
    assert period("this_month", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period("last_month", date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert period("this_quarter", date(2026, 11, 27)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period("this_quarter", date(2024, 2, 29)) == (date(2024, 1, 1), date(2024, 3, 31))
    assert period("this_year", date(2026, 7, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


def test_pages_on_screen_and_the_whole_statement_streamed_for_printing(billing, marta):
    customer, portal = marta
    for index in range(600):
        billing.payment(customer, "1.00", f"2026-01-{index % 28 + 1:02d}", mode="cash")
    january = "range=custom&start=2026-01-01&end=2026-01-31"

    first = _html(portal.get(f"/statement?{january}"))
    assert figures(first)["Saldo final pendiente"] == "-600,00 €"
    assert len(movements(first)) == 50
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "cursor=" in next_link and "start=2026-01-01" in next_link
    second = _html(portal.client.get(next_link))
    assert figures(second) == figures(first)  # the whole period's totals on every page
    assert movements(second)[0][5] == "-51,00 €"  # the running balance goes on
    assert "Ir a la primera página" in second

    printed = portal.get(f"/statement/print?{january}", buffered=False)
    assert printed.status_code == 200 and printed.is_streamed
    chunks = iter(printed.response)
    start = next(chunks).decode()
    # Sent while the first page of 500 is being written: billing has not been asked for
    # the next page yet, so a payment recorded now (last in January) still shows up.
    assert "<tr" not in start or start.count('class="movement') < 500
    billing.payment(customer, "1.00", "2026-01-31", mode="cash")
    html = start + "".join(chunk.decode() for chunk in chunks)
    printed.close()
    rows = movements(html)
    assert len(rows) == 601
    assert rows[-1][0] == "31 ene 2026" and rows[-1][5] == "-601,00 €"
    assert "Saldo final pendiente" in html and "Cerrar sesión" not in html


def test_print_view_of_the_known_period(marta, march):
    _customer, portal = marta
    html = _html(portal.get("/statement/print?range=custom&start=2026-03-15&end=2026-03-31"))
    assert "Talleres Norte" in html and "Ferretería Central" in html
    assert "Saldo inicial" in html and "600,00" in html
    assert [row[2] for row in movements(html)] == [march["credit_note"]["number"]]


def test_the_statement_pdf(app, marta, march):
    _customer, portal = marta
    response = portal.get(MARCH.replace("/statement", "/statement/pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "estado-de-cuenta-2026-03-01-2026-03-31.pdf" in \
        response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Saldo final pendiente" in text and "500,00" in text
    assert march["invoice"]["number"] in text and march["payment"]["number"] in text
    assert "Ferretería Central" in text and "Talleres Norte" in text

    # Beyond the most movements a PDF is made for, the customer is sent to Print.
    app.config["PORTAL_STATEMENT_PDF_MAX_MOVEMENTS"] = 2
    refused = _html(portal.get(MARCH.replace("/statement", "/statement/pdf")), 422)
    assert "Este periodo tiene más de 2 movimientos, demasiados para un PDF." in refused
    assert "/statement/print?range=custom&amp;start=2026-03-01&amp;end=2026-03-31" in refused


# --- tenancy ---------------------------------------------------------------------------------

def test_never_another_customers_movements(api, client, org, billing, marta, march):
    _customer, portal = marta
    other = create_customer(api, name="Librería Sol")
    theirs = billing.invoice(other, "777.00", "2026-03-05")
    their_payment = billing.payment(other, "77.00", "2026-03-06", [(theirs, "77.00")])
    html = _html(portal.get(MARCH))
    assert theirs["number"] not in html and their_payment["number"] not in html
    assert "777,00" not in html
    assert figures(html)["Facturado"] == "1.000,00 €"
    printed = _html(portal.get(MARCH.replace("/statement", "/statement/print")))
    assert theirs["number"] not in printed and len(movements(printed)) == 3


def test_another_organizations_portal_has_its_own_statement(app, client, marta, march):
    elsewhere = new_organization(app, "Otra Empresa")
    other_api = Api(client, elsewhere["api_key"])
    stranger = create_customer(other_api, name="Cliente Ajeno")
    their_portal = invite_and_accept(other_api, client, elsewhere, stranger,
                                     stranger["contacts"][0])
    html = _html(their_portal.get(MARCH))
    assert march["invoice"]["number"] not in html
    assert figures(html)["Saldo final pendiente"] == "0,00 €"
