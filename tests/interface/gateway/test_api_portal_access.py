"""Giving and taking portal access through the staff API."""
from tests.interface.gateway.conftest import create_customer, wait_for_invitation


def test_enable_invites_and_contacts_without_email_are_refused(api):
    customer = create_customer(api)
    marta, jorge = customer["contacts"]  # Jorge has no email address

    refused = api.post(f"/customers/{customer['id']}/portal",
                       json={"contact_ids": [marta["id"], jorge["id"]]})
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "contact_has_no_email"
    assert refused.json["error"]["details"] == {"contact_ids": [jorge["id"]]}
    assert api.get(f"/customers/{customer['id']}").json["contacts"][0]["portal_status"] == \
        "disabled"  # all or nothing

    enabled = api.post(f"/customers/{customer['id']}/portal",
                       json={"contact_ids": [marta["id"]]})
    assert enabled.status_code == 200
    assert enabled.json == {"enabled": [{"customer_id": customer["id"], "contact_id": marta["id"],
                                         "email": marta["email"]}], "skipped": []}
    assert wait_for_invitation(marta["email"])
    contact = api.get(f"/customers/{customer['id']}").json["contacts"][0]
    assert (contact["portal_enabled"], contact["portal_status"]) == (True, "invited")


def test_enable_with_a_password_checks_the_policy(api):
    customer = create_customer(api)
    weak = api.post(f"/customers/{customer['id']}/portal",
                    json={"contact_ids": [customer["contacts"][0]["id"]], "password": "short"})
    assert weak.status_code == 400
    assert weak.json["error"]["code"] == "password_policy_violation"
    assert weak.json["error"]["details"]["password"]
    strong = api.post(f"/customers/{customer['id']}/portal",
                      json={"contact_ids": [customer["contacts"][0]["id"]],
                            "password": "Otra-clave-2026"})
    assert strong.status_code == 200
    assert api.get(f"/customers/{customer['id']}").json["contacts"][0]["portal_status"] == "active"


def test_reinvite_sends_a_new_invitation_and_disable_ends_access(api):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    api.post(f"/customers/{customer['id']}/portal", json={"contact_ids": [marta["id"]]})
    first = wait_for_invitation(marta["email"])

    again = api.post(f"/customers/{customer['id']}/portal/{marta['id']}/reinvite")
    assert again.status_code == 200 and again.json["id"] == marta["id"]
    second = wait_for_invitation(marta["email"], after=1)
    assert second != first

    disabled = api.delete(f"/customers/{customer['id']}/portal/{marta['id']}")
    assert disabled.status_code == 200
    assert (disabled.json["portal_enabled"], disabled.json["portal_status"]) == (False, "disabled")

    late = api.post(f"/customers/{customer['id']}/portal/{marta['id']}/reinvite")
    assert late.status_code == 404 and late.json["error"]["code"] == "contact_not_found"


def test_bulk_enable_reports_what_it_skipped(api):
    ready = create_customer(api, "Lista Uno")
    mixed = create_customer(api, "Mixta Dos")  # one contact with email, one without
    nobody = create_customer(api, "Nadie Tres", contacts=[{"first_name": "Sin", "email": ""}])
    unknown = "00000000-0000-0000-0000-000000000000"

    result = api.post("/portal/bulk-enable", json={
        "customer_ids": [ready["id"], mixed["id"], nobody["id"], unknown]})
    assert result.status_code == 200
    enabled = {(e["customer_id"], e["contact_id"]) for e in result.json["enabled"]}
    assert enabled == {(ready["id"], ready["contacts"][0]["id"]),
                       (mixed["id"], mixed["contacts"][0]["id"])}
    skipped = result.json["skipped"]
    assert {"customer_id": unknown, "reason": "not_found"} in skipped
    assert {"customer_id": nobody["id"], "reason": "no_contact_with_email"} in skipped
    assert {"customer_id": mixed["id"], "contact_id": mixed["contacts"][1]["id"],
            "reason": "no_email"} in skipped
    assert api.get("/customers?portal=enabled").json["total"] == 2


def test_bulk_enable_needs_a_list_of_ids(api):
    response = api.post("/portal/bulk-enable", json={"customer_ids": "all"})
    assert response.status_code == 400
    assert response.json["error"]["details"] == {"customer_ids": ["Not a valid list."]}
