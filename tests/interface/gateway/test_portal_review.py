"""Write a review from the portal; staff list the reviews per customer, per contact and
for the whole organization through the API."""
import re

from tests.interface.gateway.conftest import (Api, Portal, create_customer, invite_and_accept,
                                              new_organization)
from tests.interface.gateway.portal_events import events  # noqa: F401 (fixture)


def _text(response):
    return response.get_data(as_text=True)


def test_the_review_button_form_and_the_thanks(api, client, org, events):
    customer = create_customer(api)
    marta = customer["contacts"][0]
    portal = invite_and_accept(api, client, org, customer, marta)
    home = _text(portal.get("/"))
    assert f'href="/portal/{org["slug"]}/review">Opinión</a>' in home

    page = _text(portal.get("/review"))
    assert "Escriba una opinión sobre Talleres Norte" in page
    assert page.count('type="radio"') == 5 and "5 – Excelente" in page and "1 – Muy mala" in page
    assert 'name="csrf_token"' in page

    sent = portal.post_form("/review", {"rating": "4", "message": "Muy buen servicio.\r\nGracias"})
    assert sent.status_code == 302 and sent.headers["Location"] == f"/portal/{org['slug']}/"
    assert "Gracias por su opinión." in _text(portal.get("/"))

    [event] = events.wait_for("review_submitted")
    listed = api.get(f"/customers/{customer['id']}/reviews").json
    assert listed["total"] == 1
    review = listed["items"][0]
    assert event["payload"] == {"customer_id": customer["id"], "contact_id": marta["id"],
                                "review_id": review["id"], "rating": 4,
                                "message": "Muy buen servicio.\nGracias"}
    assert review["contact_name"] == "Marta Ibáñez" and review["customer_name"] == \
        "Ferretería Central"
    assert review["contact_email"] == "marta@ferreteria.example" and review["created_at"]


def test_a_rating_outside_one_to_five_is_refused_and_nothing_kept(api, client, org, events):
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    script = "<script>alert('x')</script>"
    for rating in ("9", "0", "", "3.5", "cinco"):
        refused = portal.post_form("/review?lang=en", {"rating": rating, "message": script},
                                   page="/review")
        assert refused.status_code == 400, rating
        html = _text(refused)
        assert "Choose a rating from 1 to 5." in html
        assert script not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # kept, as text
    empty = portal.post_form("/review?lang=es", {"rating": "5", "message": "   "},
                             page="/review")
    assert empty.status_code == 400 and "Rellene este campo." in _text(empty)
    assert re.search(r'<input checked id="rating-\d" name="rating"[^>]* value="5">', _text(empty))
    long = portal.post_form("/review", {"rating": "5", "message": "x" * 2001})
    assert long.status_code == 400 and "Use como máximo 2000 caracteres." in _text(long)
    assert api.get("/reviews").json["total"] == 0
    events.settle()
    assert events.of("review_submitted") == []


def test_a_review_flood_is_refused(api, client, org, monkeypatch):
    import identity.operations
    monkeypatch.setattr(identity.operations, "REVIEWS_PER_DAY", 2)
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    for _ in range(2):
        assert portal.post_form("/review", {"rating": "5", "message": "Bien"}).status_code == 302
    refused = portal.post_form("/review", {"rating": "5", "message": "Otra"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Ya ha escrito 2 opiniones en las últimas 24 horas." in _text(refused)
    assert api.get("/reviews").json["total"] == 2


def _reviews(api, client, org):
    """Two customers; Marta writes 5 and 3, Jorge (another customer) 1 and 5."""
    ferreteria = create_customer(api)
    carpinteria = create_customer(api, "Carpintería Robles", contacts=[
        {"first_name": "Jorge", "last_name": "Robles", "email": "jorge@carpinteria.example"}])
    marta, jorge = ferreteria["contacts"][0], carpinteria["contacts"][0]
    for customer, contact, ratings in ((ferreteria, marta, (5, 3)), (carpinteria, jorge, (1, 5))):
        portal = invite_and_accept(api, client, org, customer, contact)
        for rating in ratings:
            sent = portal.post_form("/review", {"rating": str(rating),
                                                "message": f"{contact['first_name']} {rating}"})
            assert sent.status_code == 302
        portal.logout()
    return ferreteria, carpinteria, marta, jorge


def test_staff_list_reviews_with_filters_sort_and_pages(api, client, org):
    ferreteria, carpinteria, marta, jorge = _reviews(api, client, org)

    everything = api.get("/reviews")
    assert everything.status_code == 200
    body = everything.json
    assert set(body) == {"items", "total", "page", "per_page", "pages"}
    assert body["total"] == 4 and body["pages"] == 1
    assert [r["message"] for r in body["items"]] == ["Jorge 5", "Jorge 1", "Marta 3", "Marta 5"]

    assert [r["rating"] for r in api.get("/reviews?sort=-rating").json["items"]][:2] == [5, 5]
    assert [r["message"] for r in api.get(
        f"/reviews?customer_id={ferreteria['id']}&sort=rating").json["items"]] == \
        ["Marta 3", "Marta 5"]
    assert [r["message"] for r in api.get(f"/reviews?contact_id={jorge['id']}&rating=1")
            .json["items"]] == ["Jorge 1"]
    second = api.get("/reviews?per_page=3&page=2").json
    assert (second["total"], second["pages"], second["page"], second["per_page"]) == (4, 2, 2, 3)
    assert [r["message"] for r in second["items"]] == ["Marta 5"]

    per_customer = api.get(f"/customers/{carpinteria['id']}/reviews?rating=5").json
    assert [r["message"] for r in per_customer["items"]] == ["Jorge 5"]
    per_contact = api.get(f"/customers/{ferreteria['id']}/contacts/{marta['id']}/reviews").json
    assert per_contact["total"] == 2 and {r["contact_id"] for r in per_contact["items"]} == \
        {marta["id"]}
    # A contact of another customer under this customer's path is not found.
    wrong = api.get(f"/customers/{ferreteria['id']}/contacts/{jorge['id']}/reviews")
    assert wrong.status_code == 404 and wrong.json["error"]["code"] == "contact_not_found"

    for bad in ("rating=6", "rating=x", "sort=message", "per_page=500", "page=0"):
        refused = api.get(f"/reviews?{bad}")
        assert refused.status_code == 400, bad
        assert refused.json["error"]["code"] == "validation_failed"


def test_another_organizations_key_finds_none_of_these_reviews(app, api, client, org):
    ferreteria, _carpinteria, marta, _jorge = _reviews(api, client, org)
    other = Api(client, new_organization(app, "Otra Empresa")["api_key"])
    for path in (f"/customers/{ferreteria['id']}/reviews",
                 f"/customers/{ferreteria['id']}/contacts/{marta['id']}/reviews"):
        response = other.get(path)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "customer_not_found"
        assert "Marta" not in response.get_data(as_text=True)
    assert other.get("/reviews").json == {"items": [], "total": 0, "page": 1, "per_page": 25,
                                          "pages": 0}
    assert other.get(f"/reviews?customer_id={ferreteria['id']}").json["total"] == 0
    assert api.get("/reviews", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_review_lists_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    paths = document["paths"]
    for path in ("/api/v1/reviews", "/api/v1/customers/{customer_id}/reviews",
                 "/api/v1/customers/{customer_id}/contacts/{contact_id}/reviews"):
        assert paths[path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"] == {"$ref": "#/components/schemas/ReviewPage"}
    query = {p["name"] for p in paths["/api/v1/reviews"]["get"]["parameters"]
             if p["in"] == "query"}
    assert query == {"customer_id", "contact_id", "rating", "sort", "page", "per_page"}
    review = document["components"]["schemas"]["Review"]["properties"]
    assert {"id", "customer_id", "contact_id", "rating", "message", "created_at"} <= set(review)
    assert "404" in paths["/api/v1/customers/{customer_id}/reviews"]["get"]["responses"]


def test_the_review_page_needs_a_login_and_a_csrf_token(api, client, org):
    assert Portal(client, org["slug"]).get("/review").status_code == 302
    customer = create_customer(api)
    portal = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    forged = portal.post_form("/review", {"rating": "5", "message": "x"}, with_csrf=False)
    assert forged.status_code == 400
    assert api.get("/reviews").json["total"] == 0
