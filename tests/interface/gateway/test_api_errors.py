"""Bad requests get a clear answer with the error body, never a 500, and nothing changes."""
import json

from tests.interface.gateway.conftest import create_customer


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.json
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_no_api_key_is_401_with_www_authenticate(client, org):
    response = client.get("/api/v1/customers")
    _error(response, 401, "authentication_required")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    _error(client.get("/api/v1/customers", headers={"Authorization": f"Basic {org['api_key']}"}),
           401, "authentication_required")


def test_a_wrong_api_key_is_401(client, org):
    for key in ("cpk_not-a-real-key", org["api_key"] + "x", "x" * 500):
        response = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {key}"})
        _error(response, 401, "invalid_api_key")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_malformed_json_and_non_object_bodies_are_400(api):
    headers = {"Content-Type": "application/json"}
    error = _error(api.post("/customers", data='{"display_name": "x",', headers=headers),
                   400, "malformed_json")
    assert error["details"]["line"] == 1
    _error(api.post("/customers", data="", headers=headers), 400, "malformed_json")
    _error(api.post("/customers", data='{"display_name": NaN}', headers=headers),
           400, "malformed_json")
    _error(api.post("/customers", data="[" * 50_000 + "]" * 50_000, headers=headers),
           400, "malformed_json")
    for body in ([], "text", 3, None):
        _error(api.post("/customers", data=json.dumps(body), headers=headers), 400, "invalid_body")
    assert api.get("/customers").json["total"] == 0


def test_other_media_types_are_415(api):
    _error(api.post("/customers", data="display_name=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"}),
           415, "unsupported_media_type")


def test_wrong_types_unknown_and_missing_fields_are_named(api):
    error = _error(api.post("/customers", json={
        "display_name": 42, "allow_ach": "maybe", "contacts": [{"email": "not-an-email",
                                                                "nickname": "x"}],
        "colour": "blue"}), 400, "validation_failed")
    details = error["details"]
    assert set(details) == {"display_name", "allow_ach", "contacts", "colour"}
    assert details["colour"] == ["Unknown field."]
    assert set(details["contacts"]["0"]) == {"email", "nickname"}

    missing = _error(api.post("/customers", json={"email": "a@b.example"}), 400,
                     "validation_failed")
    assert missing["details"] == {"display_name": ["Missing data for required field."]}
    assert api.get("/customers").json["total"] == 0

    customer = create_customer(api)
    patch = _error(api.patch(f"/customers/{customer['id']}", json={"currency": "euros",
                                                                    "id": "other"}),
                   400, "validation_failed")
    assert set(patch["details"]) == {"currency", "id"}
    assert api.get(f"/customers/{customer['id']}").json["currency"] == "EUR"


def test_a_body_over_the_limit_is_413(api):
    huge = json.dumps({"display_name": "x" * (2 * 1024 * 1024)})
    error = _error(api.post("/customers", data=huge, headers={"Content-Type": "application/json"}),
                   413, "payload_too_large")
    assert error["message"]
    assert api.get("/customers").json["total"] == 0


def test_unknown_routes_and_methods_answer_with_the_error_body(api):
    _error(api.get("/nothing-here"), 404, "not_found")
    response = api.put("/customers")
    _error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_api_responses_carry_security_headers(api):
    response = api.get("/customers")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]
