"""Invoices in the portal against real identity and billing: the list (filters, order,
pages), one invoice (first view, lines, totals, payments, comments), its printable page
and PDF, and that nothing of another customer or organization is ever reachable."""
import io
import re

import pytest
from pypdf import PdfReader

from gateway.rpc_access import process_pool
from tests.interface.gateway.conftest import (Api, create_customer, csrf_token,
                                              invite_and_accept, new_organization)

NBSP = "\xa0"
LINE = {"name": "Revisión anual", "quantity": "2", "rate": "50.00"}


def text(response) -> str:
    return response.get_data(as_text=True)


def created(response) -> dict:
    assert response.status_code == 201, response.json
    return response.json


def draft(api, customer, lines=None, **extra) -> dict:
    body = {"customer_id": customer["id"], "date": "2026-03-01", "due_date": "2099-12-31",
            "line_items": lines or [LINE], **extra}
    return created(api.post("/invoices", json=body))


def sent(api, customer, lines=None, **extra) -> dict:
    invoice = draft(api, customer, lines, **extra)
    response = api.post(f"/invoices/{invoice['id']}/send")
    assert response.status_code == 200, response.json
    return response.json


def pay(api, customer, invoice, amount, date="2026-03-05"):
    return created(api.post("/payments", json={
        "customer_id": customer["id"], "amount": amount, "date": date, "mode": "bank_transfer",
        "reference": "TR-77", "applications": [{"invoice_id": invoice["id"], "amount": amount}]}))


def billing(app, method, *args, **kwargs):
    return process_pool(app).call("billing", method, *args, **kwargs)


def numbers_in(html: str) -> list[str]:
    """The invoice numbers of the list, in their order on the page."""
    return re.findall(r'<a href="/portal/[^/]+/invoices/[^"]+">((?:INV|RET)-\d+)</a>', html)


@pytest.fixture
def marta(api, client, org):
    """Marta's customer and her logged-in portal."""
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def strangers(app, api, org):
    """Another customer of the same organization and a customer of another organization,
    each with a sent invoice whose line names must never show in Marta's pages."""
    other = create_customer(api, "Carpintería Robles")
    theirs = sent(api, other, [{"name": "Mesa de roble", "quantity": "1", "rate": "777.00"}])
    elsewhere_org = new_organization(app, "Otra Empresa")
    elsewhere_api = Api(api.client, elsewhere_org["api_key"])
    elsewhere_customer = create_customer(elsewhere_api, "Cliente Lejano")
    foreign = sent(elsewhere_api, elsewhere_customer,
                   [{"name": "Servicio secreto", "quantity": "1", "rate": "888.00"}])
    return {"same_org": theirs, "other_org": foreign}


# --- the list ----------------------------------------------------------------------------

def test_the_list_shows_only_the_customers_sent_invoices(api, marta, strangers):
    customer, portal = marta
    first = sent(api, customer)
    retainer = sent(api, customer, [{"name": "Anticipo", "quantity": "1", "rate": "300.00"}],
                    kind="retainer", date="2026-03-02")
    draft(api, customer, [{"name": "Borrador", "quantity": "1", "rate": "1.00"}])
    voided = sent(api, customer, [{"name": "Anulada", "quantity": "1", "rate": "2.00"}])
    assert api.post(f"/invoices/{voided['id']}/void").status_code == 200

    response = portal.get("/invoices")
    assert response.status_code == 200
    html = text(response)
    assert numbers_in(html) == [retainer["number"], first["number"]]  # newest first
    assert f"100,00{NBSP}€" in html and f"300,00{NBSP}€" in html
    assert "Factura de anticipo" in html and "Enviada" in html
    for hidden in (voided["number"], strangers["same_org"]["number"], "777,00", "888,00"):
        assert hidden not in html


def test_filters_sort_and_pages_keep_the_choices(api, org, marta):
    customer, portal = marta
    small = sent(api, customer, [{"name": "A", "quantity": "1", "rate": "10.00"}],
                 date="2026-01-10")
    big = sent(api, customer, [{"name": "B", "quantity": "1", "rate": "900.00"}],
               date="2026-01-05")
    middle = sent(api, customer, [{"name": "C", "quantity": "1", "rate": "95.00"}],
                  date="2026-01-20", due_date="2026-02-01")  # overdue
    retainer = sent(api, customer, [{"name": "D", "quantity": "1", "rate": "50.00"}],
                    kind="retainer", date="2026-01-15")
    pay(api, customer, small, "10.00")       # paid
    pay(api, customer, big, "100.00")        # partially paid

    def listed(query):
        response = portal.get(f"/invoices?{query}")
        assert response.status_code == 200, query
        return numbers_in(text(response))

    assert listed("") == [middle["number"], retainer["number"], small["number"], big["number"]]
    assert listed("kind=retainer") == [retainer["number"]]
    assert listed("kind=invoice&status=paid") == [small["number"]]
    assert listed("status=partially_paid") == [big["number"]]
    assert listed("status=overdue") == [middle["number"]]
    assert set(listed("status=unpaid")) == {big["number"], middle["number"], retainer["number"]}
    assert listed("sort=amount&order=asc") == [small["number"], retainer["number"],
                                               middle["number"], big["number"]]
    assert listed("sort=due_date&order=asc")[0] == middle["number"]
    assert listed("sort=number&order=asc") == sorted(
        [small["number"], big["number"], middle["number"], retainer["number"]])

    # The form shows what was chosen, and the page links keep it.
    html = text(portal.get("/invoices?kind=invoice&sort=amount&order=asc&per_page=2"))
    assert '<option value="amount" selected>' in html and '<option value="asc" selected>' in html
    assert numbers_in(html) == [small["number"], middle["number"]]
    assert "Página 1 de 2" in html
    [next_link] = re.findall(r'<a rel="next" href="([^"]+)"', html)
    next_link = next_link.replace("&amp;", "&")
    assert next_link.startswith(f"/portal/{org['slug']}/invoices?")
    for kept in ("kind=invoice", "sort=amount", "order=asc", "per_page=2", "page=2"):
        assert kept in next_link
    second = portal.client.get(next_link)
    assert numbers_in(text(second)) == [big["number"]]
    assert 'rel="prev"' in text(second) and 'rel="next"' not in text(second)


@pytest.mark.parametrize("query", ["kind=quote", "status=draft", "status=void", "sort=balance",
                                   "order=up", "page=0", "page=abc", "per_page=1000",
                                   "page=-1"])
def test_bad_list_choices_are_a_400_page(marta, query):
    _customer, portal = marta
    response = portal.get(f"/invoices?{query}")
    assert response.status_code == 400
    assert "No se pudo atender la solicitud" in text(response)


def test_empty_states(api, marta):
    customer, portal = marta
    assert "Todavía no tiene facturas." in text(portal.get("/invoices"))
    sent(api, customer)
    html = text(portal.get("/invoices?kind=retainer"))
    assert "Ninguna factura coincide con estos filtros." in html
    assert "Mostrar todas las facturas" in html
    english = text(portal.get("/invoices?status=paid&lang=en"))
    assert "No invoices match these filters." in english
    beyond = text(portal.get("/invoices?page=9&sort=number"))  # English is remembered
    assert "There is nothing on this page." in beyond
    assert f'href="{portal.base}/invoices?sort=number"' in beyond


def test_the_list_collapses_on_a_phone(marta):
    """Each cell carries its label for the phone layout, which the stylesheet uses."""
    _customer, portal = marta
    css = portal.client.get("/static/portal.css").get_data(as_text=True)
    assert "@media (max-width: 40rem)" in css and "content: attr(data-label)" in css
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in \
        text(portal.get("/invoices"))


# --- one invoice -------------------------------------------------------------------------

def test_the_invoice_shows_lines_taxes_totals_payments_and_credits(api, org, marta):
    customer, portal = marta
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    invoice = sent(api, customer, [
        {"name": "Reparación de caldera", "description": "Piezas y mano de obra",
         "quantity": "1", "rate": "1000.00", "tax_id": tax["id"]},
        {"name": "Desplazamiento", "quantity": "2.5", "rate": "20.00", "discount": "10"}])
    payment = pay(api, customer, invoice, "210.00")
    note = created(api.post("/credit-notes", json={
        "customer_id": customer["id"], "date": "2026-03-06",
        "line_items": [{"name": "Descuento", "quantity": "1", "rate": "100.00"}]}))
    applied = api.post("/credits/apply", json={"customer_id": customer["id"],
                                              "invoice_id": invoice["id"], "amount": "100.00",
                                              "credit_note_id": note["id"]})
    assert applied.status_code == 201, applied.json

    response = portal.get(f"/invoices/{invoice['id']}")
    assert response.status_code == 200
    html = text(response)
    assert invoice["number"] in html and "Ferretería Central" in html
    for shown in ("Reparación de caldera", "Piezas y mano de obra", "Desplazamiento",
                  "2,5", "10 %", "IVA (21 %)", f"1.045,00{NBSP}€", f"210,00{NBSP}€",
                  f"1.255,00{NBSP}€", f"945,00{NBSP}€", "31 dic 2099",
                  "Transferencia bancaria", "TR-77", note["number"], payment["number"]):
        assert shown in html, shown
    assert "Saldo pendiente" in html and "Subtotal" in html
    # The buttons: print, PDF, forward.
    base = f"/portal/{org['slug']}/invoices/{invoice['id']}"
    for link in (f"{base}/print", f"{base}/pdf", f"{base}/forward"):
        assert f'href="{link}"' in html


def test_the_first_view_is_recorded_once(app, api, org, marta, strangers):
    customer, portal = marta
    invoice = sent(api, customer)
    before = billing(app, "get_invoice", org["id"], invoice["id"])
    assert before["first_viewed_at"] is None and before["status"] == "sent"
    assert portal.get(f"/invoices/{invoice['id']}").status_code == 200
    first = billing(app, "get_invoice", org["id"], invoice["id"])
    assert first["first_viewed_at"] is not None and first["status"] == "viewed"
    assert portal.get(f"/invoices/{invoice['id']}").status_code == 200
    assert portal.get(f"/invoices/{invoice['id']}/print").status_code == 200
    again = billing(app, "get_invoice", org["id"], invoice["id"])
    assert again["first_viewed_at"] == first["first_viewed_at"]
    # Another customer's invoice tried by id is not marked viewed.
    assert portal.get(f"/invoices/{strangers['same_org']['id']}").status_code == 404
    assert billing(app, "get_invoice", org["id"],
                   strangers["same_org"]["id"])["first_viewed_at"] is None


def test_draft_and_void_invoices_do_not_exist_in_the_portal(app, api, org, marta):
    customer, portal = marta
    unsent = draft(api, customer)
    voided = sent(api, customer)
    assert api.post(f"/invoices/{voided['id']}/void").status_code == 200
    for invoice in (unsent, voided):
        for suffix in ("", "/print", "/pdf", "/forward"):
            response = portal.get(f"/invoices/{invoice['id']}{suffix}")
            assert response.status_code == 404, (invoice["status"], suffix)
            assert "Página no encontrada" in text(response)
    assert billing(app, "get_invoice", org["id"], unsent["id"])["first_viewed_at"] is None


def test_the_printable_page_has_the_invoice_without_the_menu(api, marta):
    customer, portal = marta
    invoice = sent(api, customer)
    response = portal.get(f"/invoices/{invoice['id']}/print")
    assert response.status_code == 200
    html = text(response)
    assert invoice["number"] in html and "Revisión anual" in html and f"100,00{NBSP}€" in html
    assert 'class="sidebar"' not in html and "Cerrar sesión" not in html
    assert "Añadir comentario" not in html and "Descargar PDF" not in html
    css = portal.client.get("/static/portal.css").get_data(as_text=True)
    assert "@media print" in css
    assert re.search(r"@media print \{[^@]*\.sidebar[^{]*\{ display: none", css)


def test_the_pdf_has_the_number_lines_and_total(api, marta):
    customer, portal = marta
    invoice = sent(api, customer, [
        {"name": "Revisión anual", "quantity": "2", "rate": "50.00"},
        {"name": "Cambio de filtro", "quantity": "1", "rate": "1150.00"}])
    response = portal.get(f"/invoices/{invoice['id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{invoice["number"]}.pdf"' in response.headers["Content-Disposition"]
    content = "".join(page.extract_text() for page in
                      PdfReader(io.BytesIO(response.data)).pages).replace(NBSP, " ")
    assert invoice["number"] in content
    assert "Revisión anual" in content and "Cambio de filtro" in content
    assert "1.250,00 €" in content
    assert "Talleres Norte" in content and "Ferretería Central" in content
    english = portal.get(f"/invoices/{invoice['id']}/pdf?lang=en")
    content = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english.data)).pages)
    assert "€1,250.00" in content and "Balance due" in content


# --- comments ------------------------------------------------------------------------------

def test_a_comment_is_added_and_staff_comments_only_when_shown_in_the_portal(app, api, org,
                                                                             marta):
    customer, portal = marta
    invoice = sent(api, customer)
    billing(app, "add_invoice_comment", org["id"], invoice["id"],
            {"body": "Gracias por su confianza.", "author_name": "Luis (Talleres)",
             "show_in_portal": True})
    billing(app, "add_invoice_comment", org["id"], invoice["id"],
            {"body": "Nota interna: cliente lento.", "author_name": "Luis (Talleres)",
             "show_in_portal": False})
    path = f"/invoices/{invoice['id']}"
    added = portal.post_form(f"{path}/comments", {"body": "¿Puedo pagar en dos plazos?"},
                             page=path)
    assert added.status_code == 302
    assert added.headers["Location"] == f"/portal/{org['slug']}{path}#comments"
    html = text(portal.get(path))
    assert "Su comentario se ha añadido." in html
    assert "¿Puedo pagar en dos plazos?" in html and "Marta Ibáñez" in html
    assert "Gracias por su confianza." in html
    assert "Nota interna" not in html
    comments = billing(app, "list_invoice_comments", org["id"], invoice["id"])
    mine = [c for c in comments if c["author_type"] == "customer"]
    assert [c["body"] for c in mine] == ["¿Puedo pagar en dos plazos?"]


def test_an_empty_or_too_long_comment_is_refused_with_the_text_kept(app, api, org, marta):
    customer, portal = marta
    invoice = sent(api, customer)
    path = f"/invoices/{invoice['id']}"
    empty = portal.post_form(f"{path}/comments", {"body": "   "}, page=path)
    assert empty.status_code == 400
    assert "Escriba su comentario antes de enviarlo." in text(empty)
    long_text = "Demasiado <largo> " * 250
    refused = portal.post_form(f"{path}/comments", {"body": long_text}, page=path)
    assert refused.status_code == 400
    assert "Use como máximo 4000 caracteres." in text(refused)
    assert "Demasiado &lt;largo&gt; Demasiado" in text(refused)
    markup = portal.post_form(f"{path}/comments", {"body": "Mire <b>esto</b>"}, page=path)
    assert markup.status_code == 400
    assert "Los comentarios son texto sin formato" in text(markup)
    assert "Mire &lt;b&gt;esto&lt;/b&gt;" in text(markup)
    no_token = portal.post_form(f"{path}/comments", {"body": "Hola"}, with_csrf=False)
    assert no_token.status_code == 400
    assert billing(app, "list_invoice_comments", org["id"], invoice["id"]) == []


# --- tenancy ---------------------------------------------------------------------------------

def test_another_customers_or_organizations_invoice_is_404_everywhere(app, api, org, marta,
                                                                      strangers):
    customer, portal = marta
    own = sent(api, customer)
    own_page = text(portal.get(f"/invoices/{own['id']}"))
    token = csrf_token(own_page)
    for invoice in strangers.values():
        base = f"{portal.base}/invoices/{invoice['id']}"
        for path in ("", "/print", "/pdf", "/forward"):
            response = portal.client.get(base + path)
            assert response.status_code == 404, path
            for secret in ("Mesa de roble", "Servicio secreto"):
                assert secret not in text(response), path
        comment = portal.client.post(f"{base}/comments", data={"body": "Hola",
                                                               "csrf_token": token})
        assert comment.status_code == 404
        forward = portal.client.post(f"{base}/forward", data={
            "email": "intruso@example.com", "csrf_token": token})
        assert forward.status_code == 404
    assert billing(app, "list_invoice_comments", org["id"], strangers["same_org"]["id"]) == []
    assert all(c["email"] != "intruso@example.com"
               for c in api.get(f"/customers/{customer['id']}").json["contacts"])
    listing = text(portal.get("/invoices"))
    assert numbers_in(listing) == [own["number"]]
    assert "Mesa de roble" not in listing and "777,00" not in listing
    assert "888,00" not in listing
