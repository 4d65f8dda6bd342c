"""Change password from the menu beside the contact's name."""
import re

from tests.interface.gateway.conftest import Portal, create_customer, invite_and_accept
from tests.interface.gateway.portal_events import events  # noqa: F401 (fixture)

OLD = "Clave-segura-2026"
NEW = "Otra-clave-2027"


def _text(response):
    return response.get_data(as_text=True)


def _change(portal, old=OLD, new=NEW, confirm=None, lang=""):
    return portal.post_form(f"/password{lang}", {"old_password": old, "new_password": new,
                                                 "confirm": new if confirm is None else confirm},
                            page="/password")


def test_the_page_states_the_policy(api, client, org):
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    assert f'href="/portal/{org["slug"]}/password">Cambiar contraseña</a>' in _text(portal.get("/"))
    html = _text(portal.get("/password"))
    assert "Contraseña actual" in html and "Nueva contraseña" in html
    assert "Confirme la nueva contraseña" in html
    assert "Al menos 10 caracteres, con al menos una letra y un dígito" in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    assert "At least 10 characters" in _text(portal.get("/password?lang=en"))


def test_other_sessions_end_this_one_stays_and_the_contact_is_told(api, client, org, events):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    phone = Portal(client.application.test_client(), org["slug"])
    assert phone.login(marta["email"], OLD).status_code == 302
    assert phone.get("/").status_code == 200

    changed = _change(portal)
    assert changed.status_code == 302
    assert changed.headers["Location"] == f"/portal/{org['slug']}/"
    home = portal.get("/")
    assert home.status_code == 200
    assert "Su contraseña se ha cambiado. Se han cerrado sus demás sesiones" in _text(home)

    ended = phone.get("/")
    assert ended.status_code == 302 and ended.headers["Location"].endswith("/login")
    assert "Su sesión ha terminado" in _text(phone.get("/login"))
    assert phone.login(marta["email"], OLD).status_code == 401
    assert phone.login(marta["email"], NEW).status_code == 302

    [event] = events.wait_for("contact_password_changed")
    assert event["organization_id"] == org["id"]
    assert event["payload"] == {"customer_id": customer["id"], "contact_id": marta["id"],
                                "email": "marta@ferreteria.example", "name": "Marta Ibáñez",
                                "language": "es"}


def test_wrong_old_password_weak_or_mismatched_new_one(api, client, org, events):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)

    wrong = _change(portal, old="No-es-la-mia-1")
    assert wrong.status_code == 400
    assert "La contraseña actual no es correcta." in _text(wrong)
    weak = _change(portal, new="corta1")
    assert weak.status_code == 400 and "Use al menos 10 caracteres." in _text(weak)
    same = _change(portal, new=OLD, lang="?lang=en")
    assert same.status_code == 400
    assert "Choose a password different from your current one." in _text(same)
    mismatch = _change(portal, confirm=NEW + "x")
    assert mismatch.status_code == 400 and "The two passwords are not the same." in _text(mismatch)
    # Passwords are never written back into the page.
    assert NEW not in _text(mismatch) and OLD not in _text(same)

    events.settle()
    assert events.of("contact_password_changed") == []
    portal.logout()
    assert portal.login(marta["email"], OLD).status_code == 302


def test_wrong_old_passwords_are_throttled_like_login(api, client, org):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    for _ in range(5):
        assert _change(portal, old="Adivinanza-2026").status_code == 400
    throttled = _change(portal, old=OLD, lang="?lang=en")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert re.search(r"Too many failed attempts\. Try again in \d+ seconds?\.", _text(throttled))
    assert portal.get("/").status_code == 200  # still logged in


def test_password_page_needs_a_login_and_a_csrf_token(api, client, org):
    response = Portal(client, org["slug"]).get("/password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    forged = portal.post_form("/password", {"old_password": OLD, "new_password": NEW,
                                            "confirm": NEW}, with_csrf=False)
    assert forged.status_code == 400
    portal.logout()
    assert portal.login(marta["email"], OLD).status_code == 302
