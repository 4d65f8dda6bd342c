"""From the invitation link to the home page, with the password policy on the way."""
from tests.interface.gateway.conftest import (Portal, create_customer, wait_for_invitation)


def _text(response):
    return response.get_data(as_text=True)


def test_accepting_the_invitation_opens_the_home_page(api, client, org):
    customer = create_customer(api, "Ferretería Central", phone="+34 600 111 222",
                               company_name="Ferretería Central S.A.",
                               billing_address={"street": "Calle Luna 3", "city": "Soria",
                                                "postal_code": "42001", "country": "ES"})
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    token = wait_for_invitation(marta["email"])
    portal = Portal(client, org["slug"])

    page = portal.get(f"/invitation/{token}")
    assert page.status_code == 200
    html = _text(page)
    assert "Marta Ibáñez" in html and marta["email"] in html
    assert "Al menos 10 caracteres" in html  # identity's policy, in the page language
    assert 'name="password"' in html and 'name="confirm"' in html

    mismatch = portal.post_form(f"/invitation/{token}", {"password": "Clave-segura-2026",
                                                         "confirm": "Clave-segura-2027"})
    assert mismatch.status_code == 400
    assert "Las dos contraseñas no coinciden." in _text(mismatch)

    weak = portal.post_form(f"/invitation/{token}", {"password": "abcdefghijk",
                                                     "confirm": "abcdefghijk"})
    assert weak.status_code == 400
    assert "Incluya al menos un dígito." in _text(weak)
    short = portal.post_form(f"/invitation/{token}?lang=en", {"password": "a1", "confirm": "a1"},
                             page=f"/invitation/{token}")
    assert "Use at least 10 characters." in _text(short)

    accepted = portal.post_form(f"/invitation/{token}", {"password": "Clave-segura-2026",
                                                         "confirm": "Clave-segura-2026"})
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == f"/portal/{org['slug']}/"
    home = portal.get("/?lang=es")
    assert home.status_code == 200
    html = _text(home)
    for shown in ("Talleres Norte", org["email"], "+34 910 000 000", "https://talleres.example",
                  "Calle Mayor 1", "28013 Madrid", "España",  # the organization
                  "Ferretería Central S.A.", customer["email"], "+34 600 111 222",
                  "Calle Luna 3", "42001 Soria",  # the customer's account
                  "Jorge Sanz", "Contacto principal",  # its contact persons
                  "Cerrar sesión"):
        assert shown in html, shown
    assert "Dirección de facturación" in html and "Dirección de envío" in html

    used = Portal(client.application.test_client(), org["slug"]).get(f"/invitation/{token}")
    assert used.status_code == 410
    assert "Esta invitación ya se ha utilizado." in _text(used)


def test_unknown_invitation_links_are_explained(client, org):
    response = Portal(client, org["slug"]).get("/invitation/not-a-real-token?lang=en")
    assert response.status_code == 404
    assert "This invitation link is not valid. Ask Talleres Norte to send you a new one." in \
        _text(response)


def test_a_reinvite_replaces_the_old_link(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    old = wait_for_invitation(marta["email"])
    api.post(f"/customers/{customer['id']}/portal/{marta['id']}/reinvite")
    new = wait_for_invitation(marta["email"], after=1)
    portal = Portal(client, org["slug"])
    assert portal.get(f"/invitation/{old}").status_code == 404
    assert portal.get(f"/invitation/{new}").status_code == 200


def test_an_expired_invitation_is_explained(api, client, org, monkeypatch):
    from datetime import timedelta

    import identity.operations
    # identity runs in this process: its invitations now expire as soon as they are made.
    monkeypatch.setattr(identity.operations, "INVITATION_TTL", timedelta(seconds=-1))
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    token = wait_for_invitation(marta["email"])
    response = Portal(client, org["slug"]).get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "Este enlace de invitación ha caducado. Pida a Talleres Norte que le envíe uno nuevo." \
        in _text(response)
