"""Send email: the business details at the bottom of the home page, the message form,
the refusal when one contact writes too often."""
import identity.operations

from tests.interface.gateway.conftest import Portal, create_customer, invite_and_accept
from tests.interface.gateway.portal_events import events  # noqa: F401 (fixture)


def _text(response):
    return response.get_data(as_text=True)


def _marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


def test_business_details_and_a_sent_message(api, client, org, events):
    customer, portal = _marta(api, client, org)
    home = _text(portal.get("/"))
    business = home.split('id="organization-title"', 1)[1]
    assert "staff@talleresnorte.example" in business and "+34 910 000 000" in business
    assert f'href="/portal/{org["slug"]}/message">Enviar correo electrónico</a>' in business

    page = _text(portal.get("/message"))
    assert "Enviar correo electrónico a Talleres Norte" in page
    assert "Talleres Norte &lt;staff@talleresnorte.example&gt;" in page
    assert "Marta Ibáñez &lt;marta@ferreteria.example&gt;" in page  # the Reply-To
    sent = portal.post_form("/message", {"subject": "Pedido 1043",
                                         "message": "Hola,\r\n¿Cuándo llega el pedido?"})
    assert sent.status_code == 302 and sent.headers["Location"] == f"/portal/{org['slug']}/"
    assert "Su mensaje se ha enviado." in _text(portal.get("/"))

    [event] = events.wait_for("customer_message_sent")
    payload = event["payload"]
    assert payload == {"customer_id": customer["id"],
                       "contact_id": customer["contacts"][0]["id"],
                       "message_id": payload["message_id"], "subject": "Pedido 1043",
                       "message": "Hola,\n¿Cuándo llega el pedido?",
                       "contact_email": "marta@ferreteria.example",
                       "contact_name": "Marta Ibáñez"}
    assert len(payload["message_id"]) == 36


def test_bad_messages_are_explained_and_nothing_is_sent(api, client, org, events):
    _customer, portal = _marta(api, client, org)
    refused = portal.post_form("/message", {"subject": "", "message": "x" * 5001})
    assert refused.status_code == 400
    html = _text(refused)
    assert "Rellene este campo." in html and "Use como máximo 5000 caracteres." in html
    script = '<img src=x onerror="alert(1)">'
    kept = portal.post_form("/message?lang=en", {"subject": script, "message": ""},
                            page="/message")
    assert kept.status_code == 400 and "Fill in this field." in _text(kept)
    assert script not in _text(kept)
    assert 'value="&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"' in _text(kept)
    header = portal.post_form("/message", {"subject": "Hola\nBcc: todos@example.com",
                                           "message": "Hola"})
    assert header.status_code == 400
    assert "Remove the control characters (such as line breaks) from this field." in \
        _text(header)
    events.settle()
    assert events.of("customer_message_sent") == []


def test_a_message_flood_is_refused_with_when_to_write_again(api, client, org, events,
                                                             monkeypatch):
    monkeypatch.setattr(identity.operations, "MESSAGES_PER_HOUR", 2)
    _customer, portal = _marta(api, client, org)
    for n in range(2):
        assert portal.post_form("/message", {"subject": f"Hola {n}",
                                             "message": "Texto"}).status_code == 302
    refused = portal.post_form("/message", {"subject": "Tercero", "message": "Texto"})
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    html = _text(refused)
    assert ("Ya ha enviado 2 mensajes en la última hora. Podrá escribir de nuevo dentro de "
            "60 minutos.") in html
    assert 'value="Tercero"' in html  # what they wrote is still there
    english = portal.post_form("/message?lang=en", {"subject": "Cuarto", "message": "Texto"},
                               page="/message")
    assert english.status_code == 429
    assert "You have already sent 2 messages in the last hour. You can write again in" in \
        _text(english)
    events.wait_for("customer_message_sent", count=2)
    events.settle()
    assert len(events.of("customer_message_sent")) == 2


def test_the_message_page_needs_a_login(client, org):
    response = Portal(client, org["slug"]).get("/message")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
