"""Sessions: logging out, access taken away, other customers and organizations."""
from tests.interface.gateway.conftest import (Api, Portal, create_customer, invite_and_accept,
                                              new_organization)


def _text(response):
    return response.get_data(as_text=True)


def test_logout_ends_the_session_and_the_old_cookie_is_useless(api, client, org):
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    old_token = portal.session_cookie().value
    assert portal.get("/").status_code == 200

    out = portal.logout()
    assert out.status_code == 302 and out.headers["Location"] == f"/portal/{org['slug']}/login"
    assert portal.session_cookie() is None
    assert "Ha cerrado la sesión." in _text(portal.get("/login"))

    replay = client.application.test_client()
    replay.set_cookie("portal_session", old_token, path=f"/portal/{org['slug']}/")
    again = Portal(replay, org["slug"]).get("/")
    assert again.status_code == 302 and again.headers["Location"].endswith("/login")
    assert "Su sesión ha terminado" in _text(Portal(replay, org["slug"]).get("/login"))


def test_logging_in_again_rotates_the_session(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    first = portal.session_cookie().value
    assert portal.login(marta["email"], "Clave-segura-2026").status_code == 302
    assert portal.session_cookie().value != first
    replay = client.application.test_client()
    replay.set_cookie("portal_session", first, path=f"/portal/{org['slug']}/")
    assert Portal(replay, org["slug"]).get("/").status_code == 302


def test_a_disabled_contacts_cookie_is_refused_at_once(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    assert portal.get("/").status_code == 200

    assert api.delete(f"/customers/{customer['id']}/portal/{marta['id']}").status_code == 200
    refused = portal.get("/")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/login")
    login_page = _text(portal.get("/login"))
    assert "Su sesión ha terminado. Inicie sesión de nuevo." in login_page
    assert "Ferretería" not in login_page
    assert portal.login(marta["email"], "Clave-segura-2026").status_code == 401


def test_a_contact_sees_only_its_own_customer(api, client, org):
    mine = create_customer(api, "Ferretería Central")
    theirs = create_customer(api, "Carpintería Robles", phone="+34 699 999 999")
    portal = invite_and_accept(api, client, org, mine, mine["contacts"][0])
    html = _text(portal.get("/"))
    assert "Ferretería Central" in html
    for secret in ("Carpintería Robles", theirs["email"], theirs["contacts"][0]["email"],
                   "+34 699 999 999"):
        assert secret not in html


def test_a_session_of_one_organization_opens_nothing_in_another(app, api, client, org):
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    token = portal.session_cookie().value

    other = new_organization(app, "Otra Empresa")
    other_customer = create_customer(Api(client, other["api_key"]), "Cliente Ajeno")
    browser = client.application.test_client()
    browser.set_cookie("portal_session", token, path=f"/portal/{other['slug']}/")
    response = Portal(browser, other["slug"]).get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/{other['slug']}/login"
    assert "Cliente Ajeno" not in _text(response)
    assert other_customer["id"]
    # ... and the session itself is still good where it belongs.
    assert portal.get("/").status_code == 200


def test_home_without_a_session_goes_to_login(client, org):
    response = Portal(client, org["slug"]).get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/{org['slug']}/login"


def test_an_expired_session_goes_back_to_login_with_a_message(api, client, org, monkeypatch):
    from datetime import timedelta

    import identity.operations
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    assert portal.get("/").status_code == 200
    # identity runs in this process: from now on a session idle for a moment has expired.
    monkeypatch.setattr(identity.operations, "SESSION_IDLE", timedelta(0))
    response = portal.get("/?lang=en")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert portal.session_cookie() is None
    assert "Your session has ended. Please log in again." in _text(portal.get("/login"))
