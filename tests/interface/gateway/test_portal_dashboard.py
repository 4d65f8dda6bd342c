"""The home page's summary: billing's figures in the customer's currency and the page's
language, quotes and timesheets waiting for approval, and "—" when one does not answer."""
import re

import pytest

from tests.interface.gateway.conftest import create_customer, invite_and_accept

NBSP = "\xa0"
FIGURE = re.compile(r'<li class="figure figure-(?P<key>[a-z_]+)">\s*<span class="label">'
                    r'(?P<label>[^<]*)</span>\s*(?:<a class="value" href="(?P<href>[^"]*)">|'
                    r'<span class="value">)(?P<value>[^<]*)</(?:a|span)>\s*'
                    r'(?:<span class="note">(?P<note>[^<]*)</span>)?')


def figures(html: str) -> dict:
    """{key: (label, value, link, note)} of the summary on the page."""
    return {m["key"]: (m["label"], m["value"], m["href"], m["note"])
            for m in FIGURE.finditer(html)}


def _html(portal, path="/"):
    response = portal.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _created(response):
    assert response.status_code == 201, response.json
    return response.json


def _sent_invoice(api, customer, lines, **extra):
    body = {"customer_id": customer["id"], "date": "2026-03-01", "due_date": "2099-12-31",
            "line_items": lines, **extra}
    invoice = _created(api.post("/invoices", json=body))
    sent = api.post(f"/invoices/{invoice['id']}/send")
    assert sent.status_code == 200, sent.json
    return sent.json


@pytest.fixture
def marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


def test_a_new_customer_sees_zero_everywhere(marta):
    _customer, portal = marta
    shown = figures(_html(portal))
    zero = f"0,00{NBSP}€"
    assert shown["outstanding_invoices"][:2] == ("Facturas pendientes", zero)
    assert shown["available_credits"][:2] == ("Créditos disponibles", zero)
    assert shown["outstanding_retainer_invoices"][:2] == ("Facturas de anticipo pendientes", zero)
    assert shown["available_retainer_balance"][:2] == ("Anticipos disponibles", zero)
    assert shown["last_payment"] == ("Último pago", "Todavía ninguno", None, None)
    assert shown["quotes"][:2] == ("Presupuestos pendientes de aprobar", "0")
    assert "timesheets" not in shown  # projects and timesheets are off by default


def test_the_timesheets_figure_shows_once_the_organization_turns_them_on(api, org, marta):
    _customer, portal = marta
    turned = api.patch("/portal-preferences", json={"show_projects_and_timesheets": True})
    assert turned.status_code == 200, turned.json
    assert turned.json == {"show_sales_orders": False, "show_projects_and_timesheets": True}
    shown = figures(_html(portal))
    assert shown["timesheets"][:2] == ("Hojas de horas pendientes de aprobar", "0")
    assert shown["timesheets"][2] == f"/portal/{org['slug']}/timesheets?status=pending"


def test_figures_after_invoices_payments_credit_notes_and_retainers(api, org, marta):
    customer, portal = marta
    tax = _created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    big = _sent_invoice(api, customer, [{"name": "Reparación", "quantity": "1",
                                         "rate": "1000.00", "tax_id": tax["id"]}])
    late = _sent_invoice(api, customer, [{"name": "Tornillos", "quantity": "7",
                                          "rate": "3.50"}], due_date="2026-03-10")
    retainer = _sent_invoice(api, customer, [{"name": "Anticipo obra", "quantity": "1",
                                              "rate": "300.00"}], kind="retainer")
    # Neither a draft nor a document in another currency counts.
    _created(api.post("/invoices", json={"customer_id": customer["id"], "date": "2026-03-01",
                                         "line_items": [{"name": "Borrador", "quantity": "1",
                                                         "rate": "999.00"}]}))
    _sent_invoice(api, customer, [{"name": "Dólares", "quantity": "1", "rate": "40.00"}],
                  currency="USD")
    # 120 paid: 100 on the big invoice, 20 left as credit; a credit note of 50.
    _created(api.post("/payments", json={
        "customer_id": customer["id"], "amount": "120.00", "date": "2026-03-04",
        "mode": "bank_transfer", "applications": [{"invoice_id": big["id"], "amount": "100.00"}]}))
    _created(api.post("/credit-notes", json={
        "customer_id": customer["id"], "date": "2026-03-04",
        "line_items": [{"name": "Devolución", "quantity": "1", "rate": "50.00"}]}))
    # 200 paid on the retainer invoice: 100 of it still to pay, 200 available.
    _created(api.post("/payments", json={
        "customer_id": customer["id"], "amount": "200.00", "date": "2026-03-05",
        "mode": "cash", "applications": [{"invoice_id": retainer["id"], "amount": "200.00"}]}))
    assert (big["total"], late["total"]) == ("1210.00", "24.50")

    slug = org["slug"]
    es = figures(_html(portal))
    assert es["outstanding_invoices"] == (
        "Facturas pendientes", f"1.134,50{NBSP}€", f"/portal/{slug}/invoices?status=unpaid",
        f"de las cuales vencidas: 24,50{NBSP}€")
    assert es["available_credits"][1] == f"70,00{NBSP}€"
    assert es["outstanding_retainer_invoices"][1:3] == (
        f"100,00{NBSP}€", f"/portal/{slug}/invoices?kind=retainer")
    assert es["available_retainer_balance"][1] == f"200,00{NBSP}€"
    assert es["last_payment"][1] == f"200,00{NBSP}€" and es["last_payment"][3] == "5 mar 2026"

    en = figures(_html(portal, "/?lang=en"))
    assert en["outstanding_invoices"][:2] == ("Outstanding invoices", "€1,134.50")
    assert en["outstanding_invoices"][3] == "of which overdue: €24.50"
    assert en["available_credits"][:2] == ("Available credits", "€70.00")
    assert en["outstanding_retainer_invoices"][:2] == ("Outstanding retainer invoices", "€100.00")
    assert en["available_retainer_balance"][:2] == ("Available retainer payments", "€200.00")
    assert en["last_payment"][:2] == ("Last payment", "€200.00")
    assert en["last_payment"][3] == "Mar 5, 2026"


def test_the_last_payment_links_to_the_payments_page_once_it_exists(app, api, marta):
    customer, portal = marta
    _created(api.post("/payments", json={"customer_id": customer["id"], "amount": "10.00",
                                          "date": "2026-03-05", "mode": "cash"}))
    link = figures(_html(portal))["last_payment"][2]
    if "portal.payments" in app.view_functions:
        assert link == portal.base + "/payments"
    else:
        assert link is None


def test_the_page_is_served_when_quotes_or_timesheets_do_not_answer(containers, api, marta):
    _customer, portal = marta
    assert api.patch("/portal-preferences",
                     json={"show_projects_and_timesheets": True}).status_code == 200
    containers["quotes"].stop()
    shown = figures(_html(portal))
    assert shown["quotes"][1] == "—"
    assert shown["timesheets"][1] == "0"
    assert shown["outstanding_invoices"][1] == f"0,00{NBSP}€"
    containers["timesheets"].stop()
    html = _html(portal, "/?lang=en")
    shown = figures(html)
    assert (shown["quotes"][1], shown["timesheets"][1]) == ("—", "—")
    assert "My details" in html  # the rest of the page is there


def test_another_customers_money_is_not_in_the_summary(api, org, marta):
    _customer, portal = marta
    other = create_customer(api, "Carpintería Robles")
    _sent_invoice(api, other, [{"name": "Mesa", "quantity": "1", "rate": "777.00"}])
    _created(api.post("/payments", json={"customer_id": other["id"], "amount": "55.00",
                                          "date": "2026-03-05", "mode": "cash"}))
    html = _html(portal)
    shown = figures(html)
    assert shown["outstanding_invoices"][1] == f"0,00{NBSP}€"
    assert shown["available_credits"][1] == f"0,00{NBSP}€"
    assert shown["last_payment"][1] == "Todavía ninguno"
    assert "777" not in html and "55,00" not in html
