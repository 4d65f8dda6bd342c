"""The payment errors in the one error table: what an API client reads for billing's
PaymentRefused (its Cp code and the customer message in the request's language, or
payment_declined with the gateway's reason), PaymentInProgress, WebhookSignatureInvalid
and GatewayNotConfigured. Raised through the real handler by routes of this test."""
import pytest

from billing.exceptions import (GatewayNotConfigured, PaymentInProgress, PaymentRefused,
                                WebhookSignatureInvalid)
from gateway.app import create_app
from gateway.rpc_access import close_process_pool
from portal_common.payment_codes import CODES
from tests.unit.gateway.catalogues import compile_catalogues

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"
RAISED = {
    "cp4003": PaymentRefused("Currency not supported by the gateway.",
                             {"cp_code": "Cp4003", "decline_code": None}),
    "decline": PaymentRefused("Your card has insufficient funds.",
                              {"cp_code": None, "decline_code": "insufficient_funds",
                               "gateway_message": "Your card has insufficient funds."}),
    "odd_decline": PaymentRefused("Your card was declined by the issuer (R17).",
                                  {"cp_code": None, "decline_code": "whatever_new",
                                   "gateway_message": "Your card was declined by the "
                                                      "issuer (R17)."}),
    "in_progress": PaymentInProgress("A payment of this invoice is in flight."),
    "signature": WebhookSignatureInvalid("The webhook signature does not verify."),
    "not_configured": GatewayNotConfigured("No payment gateway."),
}


@pytest.fixture
def client():
    compile_catalogues()
    app = create_app({"AMQP_URI": NO_BROKER, "SECRET_KEY": "unit", "TESTING": True,
                      "RPC_TIMEOUT": 1.0})

    @app.get("/api/v1/test-raise/<name>")
    def raise_it(name):
        raise RAISED[name]

    yield app.test_client()
    close_process_pool(app)


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json["error"]) == {"code", "message", "details"}
    return response.json["error"]


def test_a_refusal_with_a_cp_code_answers_that_code_and_its_customer_message(client):
    english = error_of(client.get("/api/v1/test-raise/cp4003?lang=en"), 402)
    assert english["code"] == "Cp4003"
    assert english["message"] == CODES["Cp4003"].customer_en
    assert english["details"]["cp_code"] == "Cp4003"
    spanish = error_of(client.get("/api/v1/test-raise/cp4003?lang=es"), 402)
    assert spanish["code"] == "Cp4003"
    assert spanish["message"] == CODES["Cp4003"].customer_es
    assert "(Cp4003)" in spanish["message"] and "moneda" in spanish["message"]


def test_an_ordinary_decline_is_payment_declined_with_the_reason(client):
    english = error_of(client.get("/api/v1/test-raise/decline?lang=en"), 402)
    assert english["code"] == "payment_declined"
    assert english["message"] == "The card has insufficient funds."
    assert english["details"]["decline_code"] == "insufficient_funds"
    spanish = error_of(client.get("/api/v1/test-raise/decline?lang=es"), 402)
    assert spanish["message"] == "La tarjeta no tiene fondos suficientes."
    # A decline code of no known meaning: the gateway's own words.
    odd = error_of(client.get("/api/v1/test-raise/odd_decline"), 402)
    assert odd["code"] == "payment_declined"
    assert odd["message"] == "Your card was declined by the issuer (R17)."


@pytest.mark.parametrize("name, status, code", [
    ("in_progress", 409, "payment_in_progress"),
    ("signature", 400, "webhook_signature_invalid"),
    ("not_configured", 404, "payment_gateway_not_configured"),
])
def test_the_other_payment_errors(client, name, status, code):
    assert error_of(client.get(f"/api/v1/test-raise/{name}"), status)["code"] == code
