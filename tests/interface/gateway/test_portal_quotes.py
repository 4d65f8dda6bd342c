"""Quotes in the portal against real identity, quotes, billing and notify: the list (status
filter above it, order), one quote (first view, lines, taxes, totals, terms), its printable
page, its PDF, forwarding it, and that nothing of another customer or organization is ever
reachable. Decisions and comments: test_portal_quote_decisions.py."""
import io
import re
from datetime import date, timedelta

import eventlet
import pytest
from pypdf import PdfReader

from gateway.rpc_access import process_pool
from tests.interface.gateway.conftest import (Api, create_customer, csrf_token,
                                              invite_and_accept, new_organization)

NBSP = "\xa0"
TODAY = date.today()
DATE = TODAY.isoformat()
EXPIRY = (TODAY + timedelta(days=30)).isoformat()
LINE = {"name": "Reforma de cocina", "quantity": "2", "rate": "50.00"}


def text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in
                   PdfReader(io.BytesIO(response.data)).pages).replace(NBSP, " ")


def created(response) -> dict:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def ok(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def draft_quote(api, customer, lines=None, **extra) -> dict:
    """A draft made through the staff API."""
    return created(api.post("/quotes", json={
        "customer_id": customer["id"], "date": DATE, "expiry_date": EXPIRY,
        "line_items": lines or [LINE], **extra}))


def sent_quote(api, customer, lines=None, **extra) -> dict:
    quote = draft_quote(api, customer, lines, **extra)
    return ok(api.post(f"/quotes/{quote['id']}/send"))


def expired_quote(api, customer, lines=None, **extra) -> dict:
    """Sent, but its expiry date was yesterday."""
    return sent_quote(api, customer, lines, date=(TODAY - timedelta(days=20)).isoformat(),
                      expiry_date=(TODAY - timedelta(days=1)).isoformat(), **extra)


def staff_quote(api, quote) -> dict:
    return ok(api.get(f"/quotes/{quote['id']}"))


def quotes_rpc(app, method, *args, **kwargs):
    return process_pool(app).call("quotes", method, *args, **kwargs)


def numbers_in(html: str) -> list[str]:
    """The quote numbers of the list, in their order on the page."""
    return re.findall(r'<a href="/portal/[^/]+/quotes/[^"]+">(QT-\d+)</a>', html)


def contacts_of(api, customer) -> list[dict]:
    return ok(api.get(f"/customers/{customer['id']}"))["contacts"]


def mails_to(app, org, email, timeout=10.0) -> list[dict]:
    for _ in range(int(timeout / 0.2)):
        page = process_pool(app).call("notify", "list_outgoing_mail", org["id"], {"to": email})
        if page["items"]:
            return page["items"]
        eventlet.sleep(0.2)
    return []


@pytest.fixture
def marta(api, client, org):
    """Marta's customer and her logged-in portal."""
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def other_org_api(app, api):
    return Api(api.client, new_organization(app, "Otra Empresa")["api_key"])


@pytest.fixture
def strangers(api, other_org_api):
    """Another customer of the same organization and a customer of another organization,
    each with a sent quote whose line names must never show in Marta's pages."""
    other = create_customer(api, "Carpintería Robles")
    theirs = sent_quote(api, other, [{"name": "Mesa de roble", "quantity": "1",
                                      "rate": "777.00"}])
    foreign_customer = create_customer(other_org_api, "Cliente Lejano")
    foreign = sent_quote(other_org_api, foreign_customer,
                         [{"name": "Servicio secreto", "quantity": "1", "rate": "888.00"}])
    return {"same_org": theirs, "other_org": foreign}


SECRETS = ("Mesa de roble", "Servicio secreto", "777,00", "888,00")


# --- the list ----------------------------------------------------------------------------

def test_the_list_shows_the_customers_quotes_but_no_drafts_nor_strangers(api, marta,
                                                                          strangers):
    customer, portal = marta
    first = sent_quote(api, customer)
    second = sent_quote(api, customer, [{"name": "Baño", "quantity": "1", "rate": "300.00"}],
                        reference="OBRA-7")
    draft_quote(api, customer, [{"name": "Borrador secreto", "quantity": "1", "rate": "1.00"}])

    response = portal.get("/quotes")
    assert response.status_code == 200
    html = text(response)
    assert set(numbers_in(html)) == {first["number"], second["number"]}
    assert f"100,00{NBSP}€" in html and f"300,00{NBSP}€" in html
    assert "OBRA-7" in html and "Enviado" in html
    # The status dropdown sits above the list.
    assert html.index('id="filter-status"') < html.index('class="documents"')
    for hidden in ("Borrador secreto", strangers["same_org"]["number"], *SECRETS):
        assert hidden not in html


def test_status_filter_and_sort(app, api, org, marta):
    customer, portal = marta
    small = sent_quote(api, customer, [{"name": "A", "quantity": "1", "rate": "10.00"}],
                       date=(TODAY - timedelta(days=3)).isoformat())
    big = sent_quote(api, customer, [{"name": "B", "quantity": "1", "rate": "900.00"}],
                     date=(TODAY - timedelta(days=5)).isoformat())
    old = expired_quote(api, customer, [{"name": "C", "quantity": "1", "rate": "95.00"}])
    declined = sent_quote(api, customer, [{"name": "D", "quantity": "1", "rate": "50.00"}],
                          date=(TODAY - timedelta(days=1)).isoformat())
    contact = customer["contacts"][0]
    quotes_rpc(app, "accept_quote", org["id"], customer["id"], contact["id"], small["id"],
               {"contact_name": "Marta Ibáñez"})
    quotes_rpc(app, "decline_quote", org["id"], customer["id"], contact["id"], declined["id"],
               {"contact_name": "Marta Ibáñez", "reason": ""})

    def listed(query):
        response = portal.get(f"/quotes?{query}")
        assert response.status_code == 200, query
        return numbers_in(text(response))

    assert listed("") == [declined["number"], small["number"], big["number"], old["number"]]
    assert listed("status=awaiting") == [big["number"]]
    assert listed("status=accepted") == [small["number"]]
    assert listed("status=declined") == [declined["number"]]
    assert listed("status=expired") == [old["number"]]
    assert listed("status=invoiced") == []
    assert listed("sort=amount&order=asc") == [small["number"], declined["number"],
                                               old["number"], big["number"]]
    assert listed("sort=number&order=asc") == sorted(
        [small["number"], big["number"], old["number"], declined["number"]])
    assert listed("sort=expiry_date&order=asc")[0] == old["number"]

    # The dropdown shows the choice; the pages keep it.
    html = text(portal.get("/quotes?status=all&sort=amount&order=asc&per_page=2"))
    assert '<option value="amount" selected>' in html
    assert "Pendientes de su decisión" in html
    assert numbers_in(html) == [small["number"], declined["number"]]
    [next_link] = re.findall(r'<a rel="next" href="([^"]+)"', html)
    second = portal.client.get(next_link.replace("&amp;", "&"))
    assert numbers_in(text(second)) == [old["number"], big["number"]]

    empty = text(portal.get("/quotes?status=invoiced"))
    assert "Ningún presupuesto coincide con este filtro." in empty
    assert "No quotes match this filter." in text(portal.get("/quotes?status=invoiced&lang=en"))


@pytest.mark.parametrize("query", ["status=draft", "status=void", "sort=balance", "order=up",
                                   "page=0", "per_page=1000"])
def test_bad_list_choices_are_a_400_page(marta, query):
    _customer, portal = marta
    response = portal.get(f"/quotes?{query}")
    assert response.status_code == 400


def test_no_quotes_yet(marta):
    _customer, portal = marta
    assert "Todavía no tiene presupuestos." in text(portal.get("/quotes"))


# --- one quote ---------------------------------------------------------------------------

def test_the_quote_shows_lines_taxes_totals_terms_and_is_marked_viewed(api, org, marta):
    customer, portal = marta
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    quote = sent_quote(api, customer, [
        {"name": "Reforma de cocina", "description": "Muebles y encimera", "quantity": "1",
         "rate": "1000.00", "tax_id": tax["id"]},
        {"name": "Desplazamiento", "quantity": "2.5", "rate": "20.00", "discount": "10"}],
        reference="OBRA-12", terms="Validez 30 días. Pago a 15 días.", notes="Gracias.")
    assert staff_quote(api, quote)["first_viewed_at"] is None

    response = portal.get(f"/quotes/{quote['id']}")
    assert response.status_code == 200
    html = text(response)
    for shown in (quote["number"], "Ferretería Central", "Reforma de cocina",
                  "Muebles y encimera", "Desplazamiento", "2,5", "10 %", "IVA (21 %)",
                  f"1.045,00{NBSP}€", f"210,00{NBSP}€", f"1.255,00{NBSP}€", "OBRA-12",
                  "Validez 30 días. Pago a 15 días.", "Gracias.", "Subtotal",
                  "Términos y condiciones", "Aceptar", "Rechazar"):
        assert shown in html, shown
    base = f"/portal/{org['slug']}/quotes/{quote['id']}"
    for link in (f"{base}/print", f"{base}/pdf", f"{base}/forward", f"{base}/accept",
                 f"{base}/decline", f"{base}/comments"):
        assert f'"{link}' in html, link

    first = staff_quote(api, quote)
    assert first["first_viewed_at"] is not None and first["status"] == "viewed"
    assert "Visto" in text(portal.get(f"/quotes/{quote['id']}"))
    assert staff_quote(api, quote)["first_viewed_at"] == first["first_viewed_at"]
    english = text(portal.get(f"/quotes/{quote['id']}?lang=en"))
    assert "€1,255.00" in english and "Your decision" in english


def test_a_draft_quote_does_not_exist_in_the_portal(api, marta):
    customer, portal = marta
    unsent = draft_quote(api, customer)
    token = csrf_token(text(portal.get("/quotes")))
    for suffix in ("", "/print", "/pdf", "/forward"):
        response = portal.get(f"/quotes/{unsent['id']}{suffix}")
        assert response.status_code == 404, suffix
        assert "Página no encontrada" in text(response)
    for action in ("accept", "decline", "comments"):
        response = portal.client.post(f"{portal.base}/quotes/{unsent['id']}/{action}",
                                      data={"csrf_token": token, "body": "Hola"})
        assert response.status_code == 404, action
    detail = staff_quote(api, unsent)
    assert detail["status"] == "draft" and detail["first_viewed_at"] is None
    assert detail["comments"] == []


def test_the_printable_page_has_the_quote_without_the_menu(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    response = portal.get(f"/quotes/{quote['id']}/print")
    assert response.status_code == 200
    html = text(response)
    assert quote["number"] in html and "Reforma de cocina" in html
    assert f"100,00{NBSP}€" in html
    assert 'class="sidebar"' not in html and "Cerrar sesión" not in html
    assert "Añadir comentario" not in html and 'name="signature_name"' not in html


def test_the_pdf_has_the_number_lines_taxes_and_totals(api, marta):
    customer, portal = marta
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    quote = sent_quote(api, customer, [
        {"name": "Reforma de cocina", "quantity": "2", "rate": "50.00"},
        {"name": "Cambio de caldera", "quantity": "1", "rate": "1150.00", "tax_id": tax["id"]}],
        terms="Validez 30 días.")
    response = portal.get(f"/quotes/{quote['id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{quote["number"]}.pdf"' in response.headers["Content-Disposition"]
    content = pdf_text(response)
    assert quote["number"] in content
    assert "Reforma de cocina" in content and "Cambio de caldera" in content
    for amount in ("1.250,00 €", "241,50 €", "1.491,50 €"):  # subtotal, IVA, total
        assert amount in content, amount
    assert "IVA (21 %)" in content and "Validez 30 días." in content
    assert "Talleres Norte" in content and "Ferretería Central" in content
    english = pdf_text(portal.get(f"/quotes/{quote['id']}/pdf?lang=en"))
    assert "€1,491.50" in english and "Subtotal" in english and "Quote" in english


# --- forwarding --------------------------------------------------------------------------

def test_forwarding_adds_the_contact_and_queues_the_email_with_the_pdf(app, api, org, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    form = portal.get(f"{path}/forward")
    assert form.status_code == 200
    assert f"Reenviar el presupuesto {quote['number']}" in text(form)

    missing = portal.post_form(f"{path}/forward", {"email": " "})
    assert missing.status_code == 400
    assert ("Introduzca la dirección de correo electrónico a la que enviar el presupuesto."
            in text(missing))

    done = portal.post_form(f"{path}/forward", {
        "email": "obras@gestoria.example", "name": "Ana Gestora",
        "message": "Te reenvío el presupuesto de la cocina."})
    assert done.status_code == 302
    assert done.headers["Location"] == f"{portal.base}{path}"
    assert ("El presupuesto se ha enviado a obras@gestoria.example, que ahora es una de sus "
            "personas de contacto.") in text(portal.get(path))
    added = [c for c in contacts_of(api, customer) if c["email"] == "obras@gestoria.example"]
    assert len(added) == 1 and added[0]["portal_enabled"] is False
    [mail] = mails_to(app, org, "obras@gestoria.example")
    assert mail["kind"] == "document_forwarded"
    assert quote["number"] in mail["subject"] + mail["text_body"]
    assert "Te reenvío el presupuesto de la cocina." in mail["text_body"]
    detail = process_pool(app).call("notify", "get_outgoing_mail", org["id"], mail["id"])
    assert f"{quote['number']}.pdf" in str(detail)


# --- tenancy -----------------------------------------------------------------------------

def test_another_customers_or_organizations_quote_is_404_everywhere(app, api, org, marta,
                                                                    strangers,
                                                                    other_org_api):
    customer, portal = marta
    own = sent_quote(api, customer)
    token = csrf_token(text(portal.get(f"/quotes/{own['id']}")))
    for quote in strangers.values():
        base = f"{portal.base}/quotes/{quote['id']}"
        for path in ("", "/print", "/pdf", "/forward"):
            response = portal.client.get(base + path)
            assert response.status_code == 404, path
            for secret in SECRETS:
                assert secret not in text(response), path
        for action, data in (("accept", {"signature_name": "Intrusa"}),
                             ("decline", {"reason": "No"}),
                             ("comments", {"body": "Hola"}),
                             ("forward", {"email": "intruso@example.com"})):
            response = portal.client.post(f"{base}/{action}", data={**data,
                                                                    "csrf_token": token})
            assert response.status_code == 404, action
            for secret in SECRETS:
                assert secret not in text(response), action
    # Nothing happened to them.
    theirs = staff_quote(api, strangers["same_org"])
    assert theirs["status"] == "sent" and theirs["first_viewed_at"] is None
    assert theirs["comments"] == [] and theirs["decided_at"] is None
    foreign = staff_quote(other_org_api, strangers["other_org"])
    assert foreign["status"] == "sent" and foreign["comments"] == []
    assert all(c["email"] != "intruso@example.com" for c in contacts_of(api, customer))
    assert process_pool(app).call("notify", "list_outgoing_mail", org["id"],
                                  {"to": "intruso@example.com"})["items"] == []
    listing = text(portal.get("/quotes"))
    assert numbers_in(listing) == [own["number"]]
    for secret in SECRETS:
        assert secret not in listing
