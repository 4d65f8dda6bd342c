"""The staff API's payment gateway settings against real billing: set, read, partial
updates, refusals, and that a secret is never given back (in the answer, in the
OpenAPI document's answer shape, or in the request log)."""
import json
import logging

from tests.interface.gateway.billing_api import error, other_organization

SECRET = "sk_test_Zq81secretKEYvalue4242"
WEBHOOK_SECRET = "whsec_signingSECRETvalue9876"
SETTINGS = {"secret_key": SECRET, "publishable_key": "pk_test_public1234",
            "webhook_secret": WEBHOOK_SECRET, "api_base": "http://127.0.0.1:9",
            "supported_currencies": ["EUR", "USD"], "supports_recurring": True,
            "reference_transactions": True, "require_billing_address": False,
            "require_postal_code": True, "duplicate_window_minutes": 5}


def no_secret_in(text: str) -> None:
    assert SECRET not in text and WEBHOOK_SECRET not in text
    assert "Zq81secret" not in text and "signingSECRET" not in text


def test_settings_are_set_and_read_without_their_secrets(api, caplog):
    caplog.set_level(logging.INFO, logger="gateway.request")
    assert error(api.get("/payment-gateway"), 404, "payment_gateway_not_configured")

    response = api.put("/payment-gateway", json=SETTINGS)
    assert response.status_code == 200, response.json
    settings = response.json
    no_secret_in(response.get_data(as_text=True))
    assert settings["provider"] == "stripe"
    assert settings["publishable_key"] == "pk_test_public1234"
    assert settings["api_base"] == "http://127.0.0.1:9"
    assert settings["supported_currencies"] == ["EUR", "USD"]
    assert settings["secret_key_set"] is True and settings["secret_key_last4"] == "4242"
    assert settings["webhook_secret_set"] is True
    assert settings["require_postal_code"] is True
    assert "secret_key" not in settings and "webhook_secret" not in settings

    read = api.get("/payment-gateway")
    assert read.status_code == 200
    assert read.json == settings
    no_secret_in(read.get_data(as_text=True))

    lines = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert any("/api/v1/payment-gateway" in line for line in lines)
    for line in lines:
        no_secret_in(line)


def test_a_partial_update_keeps_the_secret_and_the_rest(api):
    assert api.put("/payment-gateway", json=SETTINGS).status_code == 200
    response = api.put("/payment-gateway", json={"duplicate_window_minutes": 10,
                                                 "reference_transactions": False})
    assert response.status_code == 200, response.json
    assert response.json["duplicate_window_minutes"] == 10
    assert response.json["reference_transactions"] is False
    assert response.json["secret_key_set"] is True
    assert response.json["secret_key_last4"] == "4242"
    assert response.json["publishable_key"] == "pk_test_public1234"
    assert response.json["supported_currencies"] == ["EUR", "USD"]


def test_invalid_settings_are_refused_and_change_nothing(api):
    assert api.put("/payment-gateway", json=SETTINGS).status_code == 200
    for body, field in ((dict(SETTINGS, secret_key="pk_wrong_kind"), "secret_key"),
                        (dict(SETTINGS, publishable_key="sk_test_oops"), "publishable_key"),
                        (dict(SETTINGS, duplicate_window_minutes=2000),
                         "duplicate_window_minutes"),
                        (dict(SETTINGS, supported_currencies=["euro"]), "supported_currencies"),
                        (dict(SETTINGS, api_base="not a url"), "api_base"),
                        (dict(SETTINGS, surprise=True), "surprise")):
        refused = error(api.put("/payment-gateway", json=body), 400, "validation_failed")
        assert field in refused["details"], refused
        no_secret_in(json.dumps(refused))
    assert api.get("/payment-gateway").json["duplicate_window_minutes"] == 5


def test_each_organization_has_its_own_settings(app, client, api):
    assert api.put("/payment-gateway", json=SETTINGS).status_code == 200
    other = other_organization(app, client)
    assert error(other.get("/payment-gateway"), 404, "payment_gateway_not_configured")
    assert error(api.get("/payment-gateway", headers={"Authorization": "Bearer nope"}), 401)


def test_the_openapi_document_never_shows_a_secret_in_an_answer(client):
    document = client.get("/api/v1/openapi.json").json
    answer = document["components"]["schemas"]["PaymentGateway"]["properties"]
    assert "secret_key" not in answer and "webhook_secret" not in answer
    assert {"secret_key_set", "secret_key_last4", "webhook_secret_set"} <= set(answer)
    body = document["components"]["schemas"]["PaymentGatewayBody"]["properties"]
    assert body["secret_key"].get("writeOnly") is True
    operations = document["paths"]["/api/v1/payment-gateway"]
    assert set(operations) == {"get", "put"}
