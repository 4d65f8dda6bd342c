"""Payments made and their receipts: the list (filter, sort, pages, refusals, empty), one
receipt on screen, printed and as a PDF, and nothing of another customer or organization.

The documents are made through billing's own RPC, as the staff API would."""
import io
import re

import pytest
from pypdf import PdfReader

from gateway.rpc_access import process_pool
from tests.interface.gateway.conftest import (Api, create_customer, invite_and_accept,
                                              new_organization)

NBSP = "\xa0"
PAYMENT_LINK = re.compile(r'href="/portal/[a-z0-9-]+/payments/([^"/?]+)">(PAY-\d{6})</a>')


class Billing:
    """billing's RPC for one organization, as the staff API calls it."""

    def __init__(self, app, organization_id):
        self.pool = process_pool(app)
        self.organization_id = organization_id

    def __call__(self, method, *args):
        return self.pool.call("billing", method, self.organization_id, *args)

    def invoice(self, customer, total, day, kind="invoice"):
        draft = self("create_invoice", {
            "customer_id": customer["id"], "kind": kind, "date": day, "currency": "EUR",
            "lines": [{"name": "Servicio", "quantity": "1", "rate": total}]})
        return self("send_invoice", draft["id"])

    def payment(self, customer, amount, day, paid=(), mode="bank_transfer", reference=""):
        return self("record_payment", {
            "customer_id": customer["id"], "amount": amount, "currency": "EUR", "date": day,
            "mode": mode, "reference": reference,
            "applications": [{"invoice_id": i["id"], "amount": a} for i, a in paid]})


def _html(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def _numbers(html):
    """The payment numbers listed, in the page's order."""
    return [number for _id, number in PAYMENT_LINK.findall(html)]


@pytest.fixture
def billing(app, org):
    return Billing(app, org["id"])


@pytest.fixture
def marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def three_payments(billing, marta):
    """An invoice paid in part, a retainer paid in full and money not applied yet."""
    customer, _portal = marta
    invoice = billing.invoice(customer, "1000.00", "2026-03-02")
    retainer = billing.invoice(customer, "300.00", "2026-03-03", kind="retainer")
    by_transfer = billing.payment(customer, "400.00", "2026-03-05", [(invoice, "400.00")],
                                  reference="TR-7781")
    for_retainer = billing.payment(customer, "300.00", "2026-03-09", [(retainer, "300.00")],
                                   mode="cheque")
    not_applied = billing.payment(customer, "50.00", "2026-03-20", mode="cash")
    return {"invoice": invoice, "retainer": retainer, "by_transfer": by_transfer,
            "for_retainer": for_retainer, "not_applied": not_applied}


def test_the_list_newest_first_with_each_payment_and_what_it_paid(marta, three_payments):
    _customer, portal = marta
    html = _html(portal.get("/payments"))
    p = three_payments
    assert "Pagos realizados" in html
    assert _numbers(html) == [p["not_applied"]["number"], p["for_retainer"]["number"],
                              p["by_transfer"]["number"]]
    assert "Pagos encontrados: 3" in html
    assert f"400,00{NBSP}€" in html and f"1.000,00{NBSP}€" not in html
    assert "Transferencia bancaria" in html and "TR-7781" in html and "Cheque" in html
    assert "Pago de factura" in html and "Pago de anticipo" in html
    assert "Aún sin aplicar" in html
    # Each number opens its receipt.
    assert f'/payments/{p["by_transfer"]["id"]}"' in html


def test_filter_and_sort_with_a_plain_form(marta, three_payments):
    _customer, portal = marta
    p = three_payments
    form = _html(portal.get("/payments"))
    assert '<form method="get"' in form and 'name="kind"' in form and 'name="sort"' in form
    assert _numbers(_html(portal.get("/payments?kind=invoice"))) == [p["by_transfer"]["number"]]
    assert _numbers(_html(portal.get("/payments?kind=retainer"))) == \
        [p["for_retainer"]["number"]]
    assert len(_numbers(_html(portal.get("/payments?kind=all")))) == 3
    by_amount = _html(portal.get("/payments?sort=amount&order=asc"))
    assert _numbers(by_amount) == [p["not_applied"]["number"], p["for_retainer"]["number"],
                                   p["by_transfer"]["number"]]
    assert '<option value="amount" selected>' in by_amount
    assert '<option value="asc" selected>' in by_amount
    assert _numbers(_html(portal.get("/payments?sort=date&order=asc"))) == \
        [p["by_transfer"]["number"], p["for_retainer"]["number"], p["not_applied"]["number"]]
    assert _numbers(_html(portal.get("/payments?sort=amount&order=desc"))) == \
        [p["by_transfer"]["number"], p["for_retainer"]["number"], p["not_applied"]["number"]]


def test_pages_keep_the_filter_and_sort(billing, marta):
    customer, portal = marta
    invoice = billing.invoice(customer, "100.00", "2026-02-01")
    made = [billing.payment(customer, "4.00", f"2026-02-{day:02d}", [(invoice, "4.00")])
            for day in range(2, 25)]  # 23 payments: a page of 20 and one of 3
    first = _html(portal.get("/payments?kind=invoice&sort=amount&order=asc"))
    assert len(_numbers(first)) == 20
    assert "Página 1 de 2" in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "kind=invoice" in next_link and "sort=amount" in next_link and \
        "order=asc" in next_link and "page=2" in next_link
    second = _html(portal.client.get(next_link))
    assert len(_numbers(second)) == 3 and 'rel="prev"' in second and 'rel="next"' not in second
    assert set(_numbers(first)) | set(_numbers(second)) == {m["number"] for m in made}
    _html(portal.get("/payments?kind=invoice&sort=amount&order=asc&page=3"), 404)


@pytest.mark.parametrize("query", ["kind=refund", "sort=reference", "order=sideways", "page=0",
                                   "page=dos", "page=-1", "page=9999999"])
def test_a_query_value_the_page_does_not_offer_is_a_400_page(marta, query):
    _customer, portal = marta
    html = _html(portal.get(f"/payments?{query}"), 400)
    assert "No se pudo atender la solicitud" in html


def test_empty_states(marta, three_payments, api, client, org):
    _customer, portal = marta
    other = create_customer(api, name="Librería Sol")
    newcomer = invite_and_accept(api, client, org, other, other["contacts"][0])
    html = _html(newcomer.get("/payments"))
    assert "Todavía no ha realizado ningún pago a Talleres Norte." in html
    assert "<table" not in html
    english = _html(newcomer.get("/payments?kind=retainer&lang=en"))
    assert "No payments match this filter." in english and "Show all payments" in english


def test_the_receipt_shows_the_payment_and_the_invoice_it_paid(app, org, marta, three_payments):
    _customer, portal = marta
    paid, invoice = three_payments["by_transfer"], three_payments["invoice"]
    html = _html(portal.get(f"/payments/{paid['id']}"))
    assert f"Recibo de pago {paid['number']}" in html
    assert "5 de marzo de 2026" in html
    assert "Transferencia bancaria" in html and "TR-7781" in html
    assert f"400,00{NBSP}€" in html and f"1.000,00{NBSP}€" in html
    assert invoice["number"] in html
    assert "portal.invoice" in app.view_functions
    assert f'href="/portal/{org["slug"]}/invoices/{invoice["id"]}">{invoice["number"]}</a>' in html
    assert "Importe no aplicado" in html and f"0,00{NBSP}€" in html
    assert f'href="/portal/{org["slug"]}/payments/{paid["id"]}/print"' in html
    assert f'href="/portal/{org["slug"]}/payments/{paid["id"]}/pdf"' in html

    unapplied = _html(portal.get(f"/payments/{three_payments['not_applied']['id']}?lang=en"))
    assert "This payment has not been applied to any invoice yet." in unapplied
    assert "Unapplied amount" in unapplied and "€50.00" in unapplied and "Cash" in unapplied

    retainer = _html(portal.get(f"/payments/{three_payments['for_retainer']['id']}?lang=es"))
    assert "Factura de anticipo" in retainer and three_payments["retainer"]["number"] in retainer


def test_print_view_is_the_receipt_without_the_menu(marta, three_payments):
    _customer, portal = marta
    paid = three_payments["by_transfer"]
    html = _html(portal.get(f"/payments/{paid['id']}/print"))
    assert paid["number"] in html and "TR-7781" in html and f"400,00{NBSP}€" in html
    assert "Talleres Norte" in html and "Calle Mayor 1" in html  # the letterhead
    assert "Cerrar sesión" not in html and "Menú del portal" not in html


def test_the_receipt_pdf(marta, three_payments):
    _customer, portal = marta
    paid, invoice = three_payments["by_transfer"], three_payments["invoice"]
    response = portal.get(f"/payments/{paid['id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{paid["number"]}.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert paid["number"] in text and invoice["number"] in text
    assert "400,00" in text and "1.000,00" in text and "TR-7781" in text
    assert "Talleres Norte" in text and "Ferretería Central" in text


def test_without_a_session_the_pages_ask_to_log_in(app, org, marta, three_payments):
    paid = three_payments["by_transfer"]
    for path in ("/payments", f"/payments/{paid['id']}", f"/payments/{paid['id']}/pdf"):
        response = app.test_client().get(f"/portal/{org['slug']}{path}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/portal/{org['slug']}/login")


# --- tenancy ---------------------------------------------------------------------------------

def test_another_customers_payment_is_not_found(api, client, org, billing, marta,
                                                three_payments):
    _customer, portal = marta
    other = create_customer(api, name="Librería Sol")
    theirs = billing.payment(other, "75.00", "2026-03-06", reference="SOL-1")
    listed = _html(portal.get("/payments"))
    assert theirs["number"] not in listed and "SOL-1" not in listed
    for suffix in ("", "/print", "/pdf"):
        html = _html(portal.get(f"/payments/{theirs['id']}{suffix}"), 404)
        assert "SOL-1" not in html
    _html(portal.get("/payments/no-such-payment"), 404)
    _html(portal.get(f"/payments/{'x' * 200}"), 404)


def test_another_organizations_portal_does_not_show_this_payment(app, client, marta,
                                                                  three_payments):
    paid = three_payments["by_transfer"]
    elsewhere = new_organization(app, "Otra Empresa")
    other_api = Api(client, elsewhere["api_key"])
    stranger = create_customer(other_api, name="Cliente Ajeno")
    # A contact of the other organization, logged in to its own portal, asks for the
    # first organization's payment: that organization's billing has no such payment.
    their_portal = invite_and_accept(other_api, client, elsewhere, stranger,
                                     stranger["contacts"][0])
    for suffix in ("", "/print", "/pdf"):
        _html(their_portal.get(f"/payments/{paid['id']}{suffix}"), 404)
    assert paid["number"] not in _html(their_portal.get("/payments"))
