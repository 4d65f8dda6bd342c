"""A new customer contact, from the invitation email to the home page and out again."""
import re

from tests.support.mailbox import invitation_link, text_of


def test_invited_contact_sets_password_logs_in_and_out(system, api, organization, mailbox, page,
                                                       browser):
    created = api.post("/customers", json={
        "display_name": "Ferretería Central", "email": "compras@ferreteria.example",
        "currency": "EUR",
        "contacts": [
            {"first_name": "Marta", "last_name": "Ibáñez", "email": "marta@ferreteria.example",
             "is_primary": True},
            {"first_name": "Jorge", "last_name": "Sanz", "email": "jorge@ferreteria.example",
             "is_primary": False}]})
    assert created.status_code == 201, created.text
    customer = created.json()
    marta = next(c for c in customer["contacts"] if c["email"] == "marta@ferreteria.example")

    enabled = api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    assert enabled.status_code == 200, enabled.text

    # The invitation arrives at the real SMTP server: portal URL, user name, accept link.
    [invitation] = mailbox.wait_for("marta@ferreteria.example")
    body = text_of(invitation)
    assert f"{system.base_url}/portal/{organization['slug']}/" in body
    assert "marta@ferreteria.example" in body
    link = invitation_link(invitation)
    assert mailbox.messages("jorge@ferreteria.example") == []

    # Accept the invitation in a real browser and choose a password.
    page.goto(link)
    page.fill("input[name=password]", "Clave-segura-2026")
    page.fill("input[name=confirm]", "Clave-segura-2026")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{organization['slug']}/$"))

    # The home page: the organization's and the customer's details.
    home = page.content()
    assert "Talleres Norte S.L." in home
    assert "staff@talleres.example" in home
    assert "Ferretería Central" in home
    assert "compras@ferreteria.example" in home
    assert "Jorge" in home  # the other contact person
    cookies = page.context.cookies()
    session_cookie = next(c for c in cookies if c["name"] == "portal_session")
    assert session_cookie["httpOnly"] and session_cookie["secure"]
    assert session_cookie["sameSite"] in ("Lax", "Strict")

    # Log out, then log in with the new password, then out again.
    page.click("form[action$='/logout'] button")
    page.wait_for_url(re.compile(r"/login"))
    page.fill("input[name=email]", "marta@ferreteria.example")
    page.fill("input[name=password]", "Clave-segura-2026")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{organization['slug']}/$"))
    assert "Ferretería Central" in page.content()
    old_cookie = next(c for c in page.context.cookies() if c["name"] == "portal_session")
    page.click("form[action$='/logout'] button")
    page.wait_for_url(re.compile(r"/login"))

    # The old cookie no longer opens the home page.
    replay = browser.new_context()
    replay.add_cookies([old_cookie])
    again = replay.new_page()
    again.goto(f"{system.base_url}/portal/{organization['slug']}/")
    assert re.search(r"/login", again.url)
    assert "Ferretería Central" not in again.content()
    replay.close()
