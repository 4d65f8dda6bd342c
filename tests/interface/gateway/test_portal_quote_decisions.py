"""Deciding on a quote in the portal and talking about it: Accept with an optional typed
signature (who and when are shown), Decline with an optional reason, the refusals (an
expired quote, one somebody already decided: the quote again with status 409 and who
decided it), and the comment thread (staff replies shown in the portal, internal ones not;
an empty, too long or marked-up comment refused with the text kept)."""
import pytest

from tests.interface.gateway.conftest import create_customer, csrf_token, invite_and_accept
from tests.interface.gateway.test_portal_quotes import (  # noqa: F401 (fixtures)
    expired_quote, marta, ok, other_org_api, sent_quote, staff_quote, strangers, text)


def accept_button(html: str) -> bool:
    return 'name="signature_name"' in html


def decline_button(html: str) -> bool:
    return 'name="reason"' in html


@pytest.fixture
def colleagues(app, api, org):
    """One customer with two contacts in the portal, each in their own browser."""
    customer = create_customer(api, "Reformas Sol", contacts=[
        {"first_name": "Marta", "last_name": "Ibáñez", "email": "marta@reformas.example",
         "is_primary": True},
        {"first_name": "Jorge", "last_name": "Sanz", "email": "jorge@reformas.example",
         "is_primary": False}])
    marta_portal = invite_and_accept(api, app.test_client(), org, customer,
                                     customer["contacts"][0])
    jorge_portal = invite_and_accept(api, app.test_client(), org, customer,
                                     customer["contacts"][1])
    return customer, marta_portal, jorge_portal


# --- accept, decline ----------------------------------------------------------------------

def test_accepting_with_a_typed_signature_records_who_when_and_the_name(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    page = text(portal.get(path))
    assert accept_button(page) and decline_button(page)
    assert "Escriba su nombre completo para firmar (opcional)" in page

    done = portal.post_form(f"{path}/accept", {"signature_name": "  M.  Ibáñez "}, page=path)
    assert done.status_code == 302
    assert done.headers["Location"] == f"{portal.base}{path}"
    html = text(portal.get(path))
    assert "Ha aceptado este presupuesto. ¡Gracias!" in html
    assert "Aceptado por Marta Ibáñez el " in html and "firmado como M. Ibáñez" in html
    assert html.count("firmado como M. Ibáñez") == 1
    assert not accept_button(html) and not decline_button(html)
    printed = text(portal.get(f"{path}/print"))
    assert "Aceptado por Marta Ibáñez el " in printed and "firmado como M. Ibáñez" in printed

    stored = staff_quote(api, quote)
    assert stored["status"] == "accepted"
    assert stored["decided_by_name"] == "Marta Ibáñez"
    assert stored["signature_name"] == "M. Ibáñez" and stored["decided_at"]
    english = text(portal.get(f"{path}?lang=en"))
    assert "Accepted by Marta Ibáñez on " in english and "signed as M. Ibáñez" in english


def test_accepting_without_a_signature(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    assert portal.post_form(f"{path}/accept", {"signature_name": ""}, page=path).status_code \
        == 302
    html = text(portal.get(path))
    assert "Aceptado por Marta Ibáñez el " in html and "firmado como" not in html
    assert staff_quote(api, quote)["signature_name"] in (None, "")


def test_declining_with_a_reason_and_without(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    done = portal.post_form(f"{path}/decline", {"reason": "El precio es alto.\nMejor 80 €."},
                            page=path)
    assert done.status_code == 302
    html = text(portal.get(path))
    assert "Ha rechazado este presupuesto." in html
    assert "Rechazado por Marta Ibáñez el " in html
    assert "El precio es alto.\nMejor 80 €." in html
    assert not accept_button(html) and not decline_button(html)
    stored = staff_quote(api, quote)
    assert stored["status"] == "declined" and stored["decline_reason"] == \
        "El precio es alto.\nMejor 80 €."

    other = sent_quote(api, customer)
    other_path = f"/quotes/{other['id']}"
    assert portal.post_form(f"{other_path}/decline", {"reason": ""},
                            page=other_path).status_code == 302
    assert staff_quote(api, other)["status"] == "declined"


def test_a_signature_or_reason_that_is_too_long_or_holds_markup_is_refused(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    long_name = portal.post_form(f"{path}/accept", {"signature_name": "M" * 201}, page=path)
    assert long_name.status_code == 400
    assert "Use como máximo 200 caracteres." in text(long_name)
    markup = portal.post_form(f"{path}/accept", {"signature_name": "<b>Marta</b>"}, page=path)
    assert markup.status_code == 400
    assert "sin marcas &lt; &gt;" in text(markup)
    assert 'value="&lt;b&gt;Marta&lt;/b&gt;"' in text(markup)
    long_reason = portal.post_form(f"{path}/decline", {"reason": "caro " * 401}, page=path)
    assert long_reason.status_code == 400
    assert "Use como máximo 2000 caracteres." in text(long_reason)
    script = portal.post_form(f"{path}/decline", {"reason": "<script>alert(1)</script>"},
                              page=path)
    assert script.status_code == 400
    assert "Escriba el motivo como texto sin formato" in text(script)
    no_token = portal.post_form(f"{path}/accept", {}, with_csrf=False)
    assert no_token.status_code == 400
    stored = staff_quote(api, quote)
    assert stored["status"] == "viewed" and stored["decided_at"] is None


def test_an_expired_quote_cannot_be_accepted_nor_declined(api, marta):
    customer, portal = marta
    quote = expired_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    page = text(portal.get(path))
    assert "Caducado" in page and "Este presupuesto caducó el " in page
    assert not accept_button(page) and not decline_button(page)
    token = csrf_token(page)
    for action, data in (("accept", {"signature_name": "Marta"}), ("decline", {"reason": ""})):
        refused = portal.client.post(f"{portal.base}{path}/{action}",
                                     data={**data, "csrf_token": token})
        assert refused.status_code == 409, action
        html = text(refused)
        assert "Este presupuesto caducó el " in html and "ya no se puede aceptar ni rechazar" \
            in html
        assert not accept_button(html)
        assert quote["number"] in html  # the quote itself, not an error page
    assert staff_quote(api, quote)["status"] == "expired"


def test_the_second_decision_loses_with_a_clear_message(api, colleagues):
    """Marta and Jorge have the quote open; Jorge declines first, then Marta accepts."""
    customer, marta_portal, jorge_portal = colleagues
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    marta_page = text(marta_portal.get(path))
    assert accept_button(marta_page)
    declined = jorge_portal.post_form(f"{path}/decline", {"reason": "Preferimos esperar."},
                                      page=path)
    assert declined.status_code == 302

    lost = marta_portal.client.post(f"{marta_portal.base}{path}/accept", data={
        "signature_name": "Marta", "csrf_token": csrf_token(marta_page)})
    assert lost.status_code == 409
    html = text(lost)
    assert "Este presupuesto ya lo rechazó Jorge Sanz el " in html
    assert "Preferimos esperar." in html and not accept_button(html)
    english = marta_portal.client.post(f"{marta_portal.base}{path}/decline?lang=en", data={
        "reason": "", "csrf_token": csrf_token(marta_page)})
    assert english.status_code == 409
    assert "This quote has already been declined by Jorge Sanz on " in text(english)
    stored = staff_quote(api, quote)
    assert stored["status"] == "declined" and stored["decided_by_name"] == "Jorge Sanz"

    accepted = sent_quote(api, customer)
    accepted_path = f"/quotes/{accepted['id']}"
    token = csrf_token(text(jorge_portal.get(accepted_path)))
    assert marta_portal.post_form(f"{accepted_path}/accept", {"signature_name": "MI"},
                                  page=accepted_path).status_code == 302
    again = jorge_portal.client.post(f"{jorge_portal.base}{accepted_path}/decline",
                                     data={"reason": "No", "csrf_token": token})
    assert again.status_code == 409
    assert "Este presupuesto ya lo aceptó Marta Ibáñez el " in text(again)
    assert staff_quote(api, accepted)["status"] == "accepted"


def test_an_invoiced_quote_links_to_its_invoice(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    assert portal.post_form(f"{path}/accept", {}, page=path).status_code == 302
    converted = api.post(f"/quotes/{quote['id']}/convert-to-invoice")
    assert converted.status_code == 201, converted.json
    invoice = converted.json["invoice"]
    html = text(portal.get(path))
    assert "Facturado" in html and "Aceptado por Marta Ibáñez" in html
    assert f'href="{portal.base}/invoices/{invoice["id"]}"' in html
    assert invoice["number"] in html and not accept_button(html)
    assert portal.get(f"/invoices/{invoice['id']}").status_code == 200


# --- comments -----------------------------------------------------------------------------

def test_comments_and_staff_replies_shown_in_the_portal(api, org, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    added = portal.post_form(f"{path}/comments", {"body": "¿Incluye la instalación?"},
                             page=path)
    assert added.status_code == 302
    assert added.headers["Location"] == f"{portal.base}{path}#comments"
    for body, shown in (("Sí, incluida.", True), ("Nota interna: margen bajo.", False)):
        reply = api.post(f"/quotes/{quote['id']}/comments", json={
            "body": body, "author_name": "Luis (Talleres)", "show_in_portal": shown})
        assert reply.status_code == 201, reply.json
    html = text(portal.get(path))
    assert "Su comentario se ha añadido." in html
    assert "¿Incluye la instalación?" in html and "Marta Ibáñez" in html
    assert "Sí, incluida." in html and "Luis (Talleres)" in html
    assert "Nota interna" not in html
    again = text(portal.get(path))
    assert "Su comentario se ha añadido." not in again  # the notice is shown once
    assert "Sí, incluida." in again and "Nota interna" not in again
    staff_view = api.get(f"/quotes/{quote['id']}/comments").json["items"]
    mine = [c for c in staff_view if c["author_type"] == "customer"]
    assert [c["body"] for c in mine] == ["¿Incluye la instalación?"]
    assert len(staff_view) == 3
    # A decided quote can still be talked about.
    assert portal.post_form(f"{path}/decline", {"reason": ""}, page=path).status_code == 302
    assert portal.post_form(f"{path}/comments", {"body": "¿Y con otro precio?"},
                            page=path).status_code == 302
    assert "¿Y con otro precio?" in text(portal.get(path))


def test_an_empty_too_long_or_marked_up_comment_is_refused_with_the_text_kept(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    empty = portal.post_form(f"{path}/comments", {"body": "   "}, page=path)
    assert empty.status_code == 400
    assert "Escriba su comentario antes de enviarlo." in text(empty)
    long_text = "Demasiado largo " * 260
    refused = portal.post_form(f"{path}/comments", {"body": long_text}, page=path)
    assert refused.status_code == 400
    assert "Use como máximo 4000 caracteres." in text(refused)
    assert "Demasiado largo Demasiado largo" in text(refused)
    markup = portal.post_form(f"{path}/comments",
                              {"body": "Mire <a href='javascript:alert(1)'>aquí</a>"},
                              page=path)
    assert markup.status_code == 400
    html = text(markup)
    assert "Los comentarios son texto sin formato: quite las marcas &lt; &gt;." in html
    assert "Mire &lt;a href=" in html and "<a href='javascript" not in html
    english = portal.post_form(f"{path}/comments?lang=en", {"body": "<b>hola</b>"}, page=path)
    assert "Comments are plain text: remove the &lt; &gt; markup." in text(english)
    no_token = portal.post_form(f"{path}/comments", {"body": "Hola"}, with_csrf=False)
    assert no_token.status_code == 400
    assert api.get(f"/quotes/{quote['id']}/comments").json["items"] == []


def test_a_revised_quote_can_be_decided_again_and_shows_its_earlier_revision(api, marta):
    customer, portal = marta
    quote = sent_quote(api, customer)
    path = f"/quotes/{quote['id']}"
    assert portal.post_form(f"{path}/decline", {"reason": "Demasiado caro."},
                            page=path).status_code == 302
    revised = api.patch(f"/quotes/{quote['id']}", json={
        "line_items": [{"name": "Reforma de cocina", "quantity": "2", "rate": "40.00"}]})
    assert revised.status_code == 200, revised.json
    assert portal.get(path).status_code == 404  # a draft again until staff send it
    ok_sent = api.post(f"/quotes/{quote['id']}/send")
    assert ok_sent.status_code == 200, ok_sent.json

    html = text(portal.get(path))
    assert "Revisión 2" in html and "Revisiones anteriores" in html
    assert "Demasiado caro." in html  # the earlier revision's reason
    assert "80,00\xa0€" in html and "100,00\xa0€" in html  # now and before
    assert accept_button(html) and decline_button(html)
    assert portal.post_form(f"{path}/accept", {"signature_name": "Marta I."},
                            page=path).status_code == 302
    stored = staff_quote(api, quote)
    assert stored["status"] == "accepted" and stored["revision"] == 2
