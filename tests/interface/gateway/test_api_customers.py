"""Customers and contacts through the staff API, with the exact shapes integrators rely on."""
from tests.interface.gateway.conftest import Api, create_customer, new_organization


def test_create_customer_answers_201_with_the_contacts_ids(api):
    response = api.post("/customers", json={
        "display_name": "Ferretería Central", "email": "compras@ferreteria.example",
        "currency": "EUR",
        "contacts": [{"first_name": "Marta", "last_name": "Ibáñez",
                      "email": "marta@ferreteria.example", "is_primary": True},
                     {"first_name": "Jorge", "last_name": "Sanz",
                      "email": "jorge@ferreteria.example", "is_primary": False}]})
    assert response.status_code == 201
    customer = response.json
    assert customer["id"] and customer["display_name"] == "Ferretería Central"
    assert customer["currency"] == "EUR"
    assert response.headers["Location"] == f"/api/v1/customers/{customer['id']}"
    by_email = {c["email"]: c for c in customer["contacts"]}
    assert set(by_email) == {"marta@ferreteria.example", "jorge@ferreteria.example"}
    assert all(c["id"] for c in customer["contacts"])
    assert by_email["marta@ferreteria.example"]["is_primary"] is True
    assert by_email["marta@ferreteria.example"]["portal_status"] == "disabled"
    assert customer["created_at"].endswith("+00:00")  # ISO-8601, UTC

    fetched = api.get(f"/customers/{customer['id']}")
    assert fetched.status_code == 200 and fetched.json == customer


def test_list_filters_sorts_and_pages(api):
    a = create_customer(api, "Alfa Distribuciones")
    create_customer(api, "Beta Suministros")
    create_customer(api, "Gamma Obras")
    api.post(f"/customers/{a['id']}/portal", json={"contact_ids": [a["contacts"][0]["id"]]})

    page = api.get("/customers?sort=-display_name&per_page=2&page=1").json
    assert [c["display_name"] for c in page["items"]] == ["Gamma Obras", "Beta Suministros"]
    assert (page["total"], page["page"], page["per_page"], page["pages"]) == (3, 1, 2, 2)

    assert [c["display_name"] for c in api.get("/customers?q=beta").json["items"]] == \
        ["Beta Suministros"]
    enabled = api.get("/customers?portal=enabled").json
    assert [c["id"] for c in enabled["items"]] == [a["id"]]
    assert api.get("/customers?portal=disabled").json["total"] == 2

    bad = api.get("/customers?page=abc&portal=maybe")
    assert bad.status_code == 400
    assert set(bad.json["error"]["details"]) == {"page", "portal"}


def test_update_and_delete_customer_and_contacts(api):
    customer = create_customer(api)
    changed = api.patch(f"/customers/{customer['id']}", json={
        "phone": "+34 600 000 000", "billing_address": {"street": "Calle Luna 3", "city": "Soria",
                                                       "country": "ES"}})
    assert changed.status_code == 200
    assert changed.json["phone"] == "+34 600 000 000"
    assert changed.json["billing_address"]["city"] == "Soria"
    assert changed.json["display_name"] == "Ferretería Central"  # untouched

    added = api.post(f"/customers/{customer['id']}/contacts",
                     json={"first_name": "Luis", "email": "luis@ferreteria.example"})
    assert added.status_code == 201 and added.json["id"]
    contact_path = f"/customers/{customer['id']}/contacts/{added.json['id']}"
    assert api.patch(contact_path, json={"last_name": "Gil"}).json["name"] == "Luis Gil"
    assert api.delete(contact_path).status_code == 204
    assert api.patch(contact_path, json={"last_name": "X"}).json["error"]["code"] == \
        "contact_not_found"

    assert api.delete(f"/customers/{customer['id']}").status_code == 204
    gone = api.get(f"/customers/{customer['id']}")
    assert gone.status_code == 404
    assert gone.json == {"error": {"code": "customer_not_found", "message": "Customer not found.",
                                   "details": {}}}


def test_another_organizations_customer_is_not_found(app, client, api):
    customer = create_customer(api)
    other = Api(client, new_organization(app, "Otra Empresa")["api_key"])
    path = f"/customers/{customer['id']}"
    for response in (other.get(path), other.patch(path, json={"phone": "1"}),
                     other.delete(path),
                     other.post(f"{path}/contacts", json={"first_name": "Intrusa"}),
                     other.post(f"{path}/portal",
                                json={"contact_ids": [customer["contacts"][0]["id"]]})):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "customer_not_found"
    assert other.get("/customers").json["total"] == 0
    assert api.get(path).json["contacts"] == customer["contacts"]  # nothing changed


def test_organization_read_and_update(api, org):
    assert api.get("/organization").json["slug"] == org["slug"]
    changed = api.patch("/organization", json={"phone": "+34 911 111 111", "language": "en"})
    assert changed.status_code == 200
    assert (changed.json["phone"], changed.json["language"]) == ("+34 911 111 111", "en")
    refused = api.patch("/organization", json={"slug": "robada", "timezone": "Mars/Base"})
    assert refused.status_code == 400
    assert set(refused.json["error"]["details"]) == {"slug", "timezone"}


def test_allow_ach_is_set_on_create_changed_by_patch_and_shown(api):
    """Staff decide which customers may pay by ACH bank transfer; off unless set."""
    assert create_customer(api, "Sin ACH")["allow_ach"] is False
    created = api.post("/customers", json={"display_name": "Con ACH", "currency": "USD",
                                           "allow_ach": True})
    assert created.status_code == 201 and created.json["allow_ach"] is True
    customer_id = created.json["id"]
    assert api.get(f"/customers/{customer_id}").json["allow_ach"] is True

    kept = api.patch(f"/customers/{customer_id}", json={"phone": "+1 555 0100"})
    assert kept.status_code == 200 and kept.json["allow_ach"] is True
    off = api.patch(f"/customers/{customer_id}", json={"allow_ach": False})
    assert off.status_code == 200 and off.json["allow_ach"] is False
    assert api.get(f"/customers/{customer_id}").json["allow_ach"] is False

    refused = api.patch(f"/customers/{customer_id}", json={"allow_ach": "yes please"})
    assert refused.status_code == 400
    assert set(refused.json["error"]["details"]) == {"allow_ach"}
