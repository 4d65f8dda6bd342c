"""The login page as a customer's contact meets it, in Spanish and English."""
import re

from tests.interface.gateway.conftest import Portal, create_customer, new_organization


def _text(response):
    return response.get_data(as_text=True)


def test_login_page_in_the_organizations_language_and_on_request(client, org):
    portal = Portal(client, org["slug"])
    spanish = portal.get("/login")
    assert spanish.status_code == 200
    html = _text(spanish)
    assert '<html lang="es">' in html
    assert "Iniciar sesión en el portal del cliente" in html
    assert "Dirección de correo electrónico" in html and "Contraseña" in html
    assert 'name="viewport"' in html
    assert 'href="?lang=en"' in html  # the visible language switch

    english = portal.get("/login?lang=en")
    assert "Log in to the customer portal" in _text(english)
    assert 'href="?lang=es"' in _text(english)
    cookie = client.get_cookie("portal_lang", path="/portal/")
    assert cookie.value == "en" and cookie.http_only
    # Remembered without the parameter, until changed again.
    assert "Log in to the customer portal" in _text(portal.get("/login"))
    assert "Iniciar sesión en el portal" in _text(portal.get("/login?lang=es"))
    assert "Iniciar sesión en el portal" in _text(portal.get("/login"))


def test_pages_are_safe_to_show(client, org):
    response = Portal(client, org["slug"]).get("/login")
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "<script" not in _text(response)


def test_a_post_without_csrf_token_is_refused(client, org):
    portal = Portal(client, org["slug"])
    response = portal.post_form("/login", {"email": "a@b.example", "password": "x" * 12},
                                with_csrf=False)
    assert response.status_code == 400
    assert "No se pudo enviar el formulario" in _text(response)
    assert portal.session_cookie() is None
    forged = portal.post_form("/login", {"email": "a@b.example", "password": "x" * 12,
                                         "csrf_token": "forged"}, with_csrf=False)
    assert forged.status_code == 400


def test_a_refused_form_is_explained_in_the_organizations_language(app, client):
    english = new_organization(app, "Northern Works", language="en")
    response = Portal(client, english["slug"]).post_form(
        "/logout", {}, with_csrf=False)
    assert response.status_code == 400
    html = _text(response)
    assert "The form could not be sent" in html and "Northern Works" in html


def test_wrong_password_and_empty_fields_are_explained(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal",
             json={"contact_ids": [marta["id"]], "password": "Clave-segura-2026"})
    portal = Portal(client, org["slug"])

    wrong = portal.login(marta["email"], "Clave-mala-2026")
    assert wrong.status_code == 401
    assert "La dirección de correo electrónico o la contraseña no son correctas." in _text(wrong)
    assert portal.session_cookie() is None
    # The same words whether or not the address exists.
    unknown = portal.login("nadie@ferreteria.example", "Clave-mala-2026")
    assert "no son correctas" in _text(unknown)

    empty = portal.login("", "")
    assert empty.status_code == 400
    assert "Introduzca su dirección de correo electrónico." in _text(empty)
    assert "Introduzca su contraseña." in _text(empty)

    right = portal.login(marta["email"].upper(), "Clave-segura-2026")
    assert right.status_code == 302 and right.headers["Location"] == f"/portal/{org['slug']}/"


def test_too_many_attempts_says_how_long_to_wait(api, client, org):
    portal = Portal(client, org["slug"])
    for _ in range(5):
        assert portal.login("someone@ferreteria.example", "Nope-2026-x").status_code == 401
    throttled = portal.post_form("/login?lang=en", {"email": "someone@ferreteria.example",
                                                    "password": "Nope-2026-x"}, page="/login")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert re.search(r"Too many failed attempts\. Try again in \d+ seconds?\.", _text(throttled))


def test_login_sets_a_strict_session_cookie(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal",
             json={"contact_ids": [marta["id"]], "password": "Clave-segura-2026"})
    response = Portal(client, org["slug"]).login(marta["email"], "Clave-segura-2026")
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("portal_session="))
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path"} <= attributes
    assert f"Path=/portal/{org['slug']}/" in header and "SameSite=Lax" in header


def test_unknown_organization_is_a_404_page(client):
    for path in ("/portal/no-such-org/login", "/portal/no-such-org/", "/portal/NOT_A_SLUG/login"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Página no encontrada" in _text(response) or "Page not found" in _text(response)
