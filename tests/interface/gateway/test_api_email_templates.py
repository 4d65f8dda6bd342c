"""Email templates and the outgoing mail, served by the real notify service."""
from tests.interface.gateway.conftest import create_customer, wait_for_invitation


def test_list_edit_and_reset_a_template(api):
    listing = api.get("/email-templates")
    assert listing.status_code == 200
    keys = {(t["key"], t["language"]) for t in listing.json["items"]}
    assert {("portal_invitation", "es"), ("portal_invitation", "en")} <= keys

    path = "/email-templates/portal_invitation/en"
    original = api.get(path).json
    assert original["customized"] is False and original["subject"]

    changed = api.put(path, json={"subject": "Your portal at {{ organization_name }}",
                                  "body": "Hello {{ contact_name }}: {{ accept_url }}"})
    assert changed.status_code == 200, changed.json
    assert changed.json["customized"] is True
    assert api.get(path).json["subject"] == "Your portal at {{ organization_name }}"

    reset = api.delete(path)
    assert reset.status_code == 200
    assert (reset.json["customized"], reset.json["subject"]) == (False, original["subject"])


def test_template_errors(api):
    missing = api.get("/email-templates/no_such_email/en")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "email_template_not_found"
    refused = api.put("/email-templates/portal_invitation/es", json={"subject": "Hola",
                                                                     "footer": "x"})
    assert refused.status_code == 400
    assert set(refused.json["error"]["details"]) == {"body", "footer"}


def test_outgoing_mail_lists_the_invitation_sent(api):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    token = wait_for_invitation(marta["email"])
    import eventlet
    for _ in range(100):
        page = api.get("/outgoing-mail?kind=portal_invitation")
        if page.json["total"]:
            break
        eventlet.sleep(0.1)
    assert page.status_code == 200
    [mail] = page.json["items"]
    assert mail["to"] == marta["email"]
    assert token not in str(mail)  # the secret link is masked in the kept copy
    detail = api.get(f"/outgoing-mail/{mail['id']}")
    assert detail.status_code == 200 and detail.json["id"] == mail["id"]
    assert api.get("/outgoing-mail?status=lost").status_code == 400
