"""Forwarding an invoice from the portal: the person becomes one of the customer's
contacts (identity) and an email with the invoice's PDF is queued (notify). Whether it
reaches a mailbox is checked end to end elsewhere."""
import eventlet

from gateway.rpc_access import process_pool
from tests.interface.gateway.test_portal_invoices import (  # noqa: F401 (fixtures)
    marta, sent, strangers, text)


def _contacts(api, customer):
    return api.get(f"/customers/{customer['id']}").json["contacts"]


def _mails_to(app, org, email, timeout=10.0):
    """notify's outgoing mail to ``email`` (waits a little: the call is synchronous, but
    the list may be read while the queue writes)."""
    for _ in range(int(timeout / 0.2)):
        page = process_pool(app).call("notify", "list_outgoing_mail", org["id"], {"to": email})
        if page["items"]:
            return page["items"]
        eventlet.sleep(0.2)
    return []


def test_forwarding_adds_the_contact_and_queues_the_email_with_the_pdf(app, api, org, marta):
    customer, portal = marta
    invoice = sent(api, customer)
    path = f"/invoices/{invoice['id']}"
    form = portal.get(f"{path}/forward")
    assert form.status_code == 200
    html = text(form)
    assert f"Reenviar la factura {invoice['number']}" in html
    for name in ("email", "name", "message"):
        assert f'name="{name}"' in html

    done = portal.post_form(f"{path}/forward", {
        "email": "Contabilidad@Ferreteria.example", "name": "Ana Gestora",
        "message": "Te reenvío la factura de marzo."})
    assert done.status_code == 302
    assert done.headers["Location"] == f"{portal.base}{path}"
    page = text(portal.get(path))
    assert ("La factura se ha enviado a Contabilidad@Ferreteria.example, que ahora es una de "
            "sus personas de contacto.") in page

    added = [c for c in _contacts(api, customer)
             if c["email"].lower() == "contabilidad@ferreteria.example"]
    assert len(added) == 1
    assert f'{added[0]["first_name"]} {added[0]["last_name"]}'.strip() == "Ana Gestora"
    assert added[0]["portal_enabled"] is False

    [mail] = _mails_to(app, org, "contabilidad@ferreteria.example")
    assert mail["kind"] == "document_forwarded"
    assert mail["language"] == "es"
    assert invoice["number"] in mail["subject"] + mail["text_body"]
    assert "Te reenvío la factura de marzo." in mail["text_body"]
    detail = process_pool(app).call("notify", "get_outgoing_mail", org["id"], mail["id"])
    assert f"{invoice['number']}.pdf" in str(detail)

    # Forwarding to the same person again adds no second contact.
    again = portal.post_form(f"{path}/forward", {"email": "contabilidad@ferreteria.example"})
    assert again.status_code == 302
    assert len([c for c in _contacts(api, customer)
                if c["email"].lower() == "contabilidad@ferreteria.example"]) == 1


def test_a_wrong_or_missing_address_is_refused_with_the_fields_kept(app, api, org, marta):
    customer, portal = marta
    invoice = sent(api, customer)
    path = f"/invoices/{invoice['id']}/forward"
    before = len(_contacts(api, customer))

    wrong = portal.post_form(path, {"email": "ana-at-gestoria", "name": "Ana <Gestora>",
                                    "message": "Para tu archivo"})
    assert wrong.status_code == 400
    html = text(wrong)
    assert "Introduzca una dirección de correo electrónico válida" in html
    assert 'value="ana-at-gestoria"' in html and 'value="Ana &lt;Gestora&gt;"' in html
    assert "Para tu archivo" in html

    missing = portal.post_form(path, {"email": "  ", "name": "Ana"})
    assert missing.status_code == 400
    assert ("Introduzca la dirección de correo electrónico a la que enviar la factura."
            in text(missing))
    english = portal.post_form(path + "?lang=en", {"email": ""})
    assert "Enter the email address to send the invoice to." in text(english)

    no_token = portal.post_form(path, {"email": "ana@gestoria.example"}, with_csrf=False)
    assert no_token.status_code == 400

    assert len(_contacts(api, customer)) == before
    assert process_pool(app).call("notify", "list_outgoing_mail", org["id"],
                                  {"kind": "document_forwarded"})["items"] == []


def test_another_customers_invoice_cannot_be_forwarded(app, api, org, marta, strangers):
    customer, portal = marta
    own = sent(api, customer)
    token_page = f"/invoices/{own['id']}/forward"
    for invoice in strangers.values():
        path = f"/invoices/{invoice['id']}/forward"
        assert portal.get(path).status_code == 404
        refused = portal.post_form(path, {"email": "intruso@example.com"}, page=token_page)
        assert refused.status_code == 404
        assert "Mesa de roble" not in text(refused)
    assert all(c["email"] != "intruso@example.com" for c in _contacts(api, customer))
    assert process_pool(app).call("notify", "list_outgoing_mail", org["id"],
                                  {"to": "intruso@example.com"})["items"] == []
