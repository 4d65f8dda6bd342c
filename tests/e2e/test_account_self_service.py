"""A logged-in contact looks after the account; staff hear about it by email and in the feed."""
import re

from tests.support.mailbox import html_of, text_of, wait_until

STAFF = "staff@talleres.example"  # the organization's registered email (see conftest)
PASSWORD = "Primera-clave-2026"
NEW_PASSWORD = "Segunda-clave-2026"
SCRIPT = "<script>alert('x')</script>"


def _login(page, base, slug, email, password):
    page.goto(f"{base}/portal/{slug}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))


def _staff_mail(mailbox, subject_part, count_before=0):
    def found():
        return [m for m in mailbox.messages(STAFF) if subject_part in m["Subject"]][count_before:]
    return wait_until(found, timeout=30, what=f"a staff email about {subject_part!r}")


def test_contact_updates_details_password_writes_and_reviews(system, api, organization, mailbox,
                                                             browser):
    base, slug = system.base_url, organization["slug"]
    created = api.post("/customers", json={
        "display_name": "Librería Aurora", "currency": "EUR",
        "billing_address": {"street": "Calle Luna 3", "city": "Madrid", "postal_code": "28004",
                            "country": "ES"},
        "contacts": [{"first_name": "Elena", "last_name": "Mora",
                      "email": "elena@aurora.example", "is_primary": True}]})
    assert created.status_code == 201, created.text
    customer = created.json()
    elena = customer["contacts"][0]
    enabled = api.post(f"/customers/{customer['id']}/portal",
                       json={"contact_ids": [elena["id"]], "password": PASSWORD})
    assert enabled.status_code == 200, enabled.text

    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _login(page, base, slug, "elena@aurora.example", PASSWORD)

    # My details: edit the billing address (with script in one field) and save.
    page.goto(f"{base}/portal/{slug}/details?edit=billing_address")
    page.fill("input[name=street]", f"Avenida Sol 9 {SCRIPT}")
    page.fill("input[name=city]", "Sevilla")
    page.fill("input[name=postal_code]", "41001")
    page.click("form[action*='edit=billing_address'] button[type=submit]")
    page.wait_for_url(re.compile(r"/details"))
    assert "Sevilla" in page.inner_text("body")
    assert f"Avenida Sol 9 {SCRIPT}" in page.inner_text("body")  # shown as text, not run
    assert dialogs == []

    staff_view = api.get(f"/customers/{customer['id']}").json()
    assert staff_view["billing_address"]["city"] == "Sevilla"
    assert staff_view["billing_address"]["street"] == f"Avenida Sol 9 {SCRIPT}"

    [details_mail] = _staff_mail(mailbox, "Librería Aurora")
    details_text = text_of(details_mail)
    assert "Madrid" in details_text and "Sevilla" in details_text
    assert "28004" in details_text and "41001" in details_text
    assert SCRIPT in details_text
    assert "<script>" not in html_of(details_mail)
    assert "&lt;script&gt;" in html_of(details_mail)

    # Change password: another session of the same contact ends at once; the contact is told.
    other = browser.new_context(locale="es-ES")
    other_page = other.new_page()
    _login(other_page, base, slug, "elena@aurora.example", PASSWORD)
    page.goto(f"{base}/portal/{slug}/password")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.click("form[action$='/password'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))
    other_page.goto(f"{base}/portal/{slug}/")
    assert re.search(r"/login", other_page.url)
    other.close()
    changed = wait_until(lambda: [m for m in mailbox.messages("elena@aurora.example")
                                  if "contraseña" in m["Subject"].lower()],
                         timeout=30, what="the password-changed email")
    assert len(changed) == 1

    # Email the business: it arrives at the organization's address, Reply-To the contact.
    page.goto(f"{base}/portal/{slug}/message")
    page.fill("input[name=subject]", f"Duda sobre la factura {SCRIPT}")
    page.fill("textarea[name=message]", "¿Pueden enviarme el detalle de horas?")
    page.click("form[action$='/message'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))
    [message] = _staff_mail(mailbox, "Duda sobre la factura")
    assert "elena@aurora.example" in message["Reply-To"]
    assert "¿Pueden enviarme el detalle de horas?" in text_of(message)
    assert "<script>" not in html_of(message)

    # Write a review: staff list it and see it in the feed.
    page.goto(f"{base}/portal/{slug}/review")
    page.check("input[name=rating][value='4']")
    page.fill("textarea[name=message]", f"Muy buen servicio {SCRIPT}")
    page.click("form[action$='/review'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))
    reviews = api.get(f"/customers/{customer['id']}/reviews").json()
    assert [(r["rating"], r["message"]) for r in reviews["items"]] == \
        [(4, f"Muy buen servicio {SCRIPT}")]
    feed = wait_until(lambda: [e for e in api.get("/feed", params={
        "customer_id": customer["id"], "kind": "review_submitted"}).json()["items"]],
        timeout=30, what="the review in the staff feed")
    assert len(feed) == 1
    assert dialogs == []

    # Log out from the sidebar: the session ends on the server.
    cookie = next(c for c in context.cookies() if c["name"] == "portal_session")
    page.click("form[action$='/logout'] button")
    page.wait_for_url(re.compile(r"/login"))
    replay = browser.new_context()
    replay.add_cookies([cookie])
    replay_page = replay.new_page()
    replay_page.goto(f"{base}/portal/{slug}/")
    assert re.search(r"/login", replay_page.url)
    replay.close()
    context.close()
