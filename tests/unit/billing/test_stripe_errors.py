"""Stripe's errors, built by the SDK itself from Stripe's real error bodies, mapped to what
they mean for a payment: a Cp code, an ordinary decline, or an unknown outcome."""
import json

import pytest
import stripe
from stripe._api_requestor import _APIRequestor

from billing.stripe_gateway import Refused, Unknown, classify


def sdk_error(status: int, **error) -> stripe.StripeError:
    """The exception the SDK raises for this HTTP status and error body."""
    body = {"error": {"message": error.pop("message", "Refused."), **error}}
    with pytest.raises(stripe.StripeError) as raised:
        _APIRequestor._global_instance().handle_error_response(
            json.dumps(body), status, body, {"request-id": "req_1"}, "V1")
    return raised.value


@pytest.mark.parametrize("status, error, cp_code", [
    (401, {"type": "invalid_request_error"}, "Cp3002"),
    (403, {"type": "invalid_request_error"}, "Cp3002"),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "fraudulent"},
     "Cp3003"),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "stolen_card"},
     "Cp3003"),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "lost_card"},
     "Cp3003"),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "pickup_card"},
     "Cp3003"),
    (402, {"type": "card_error", "code": "card_declined",
           "decline_code": "merchant_blacklist"}, "Cp3003"),
    (402, {"type": "card_error", "code": "incorrect_zip"}, "Cp3004"),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "incorrect_address"},
     "Cp3004"),
    (402, {"type": "card_error", "code": "card_declined",
           "decline_code": "duplicate_transaction"}, "Cp3005"),
    (400, {"type": "invalid_request_error", "code": "amount_too_small", "param": "amount"},
     "Cp4001"),
    (400, {"type": "invalid_request_error", "code": "invalid_currency", "param": "currency"},
     "Cp4003"),
    (400, {"type": "invalid_request_error", "param": "currency",  # Stripe sends no code
           "message": "Invalid currency: xts."}, "Cp4003"),
    (400, {"type": "invalid_request_error", "code": "payment_method_unactivated"}, "Cp3001"),
])
def test_errors_with_a_portal_code(status, error, cp_code):
    outcome = classify(sdk_error(status, **error))
    assert isinstance(outcome, Refused)
    assert outcome.cp_code == cp_code


def test_the_body_type_is_never_what_decides():
    """localstripe calls a decline an invalid_request_error: the class and codes decide."""
    outcome = classify(sdk_error(402, type="invalid_request_error", code="card_declined",
                                 decline_code="fraudulent"))
    assert outcome.cp_code == "Cp3003"


@pytest.mark.parametrize("decline_code, message", [
    ("insufficient_funds", "Your card has insufficient funds."),
    ("expired_card", "Your card has expired."),
    ("incorrect_cvc", "Your card's security code is incorrect."),
])
def test_other_declines_keep_the_gateway_reason_without_a_code(decline_code, message):
    outcome = classify(sdk_error(402, type="card_error", code="card_declined",
                                 decline_code=decline_code, message=message))
    assert outcome == Refused(None, decline_code, message)


def test_a_decline_without_decline_code_keeps_its_code():
    outcome = classify(sdk_error(402, type="invalid_request_error", code="card_declined",
                                 message="Your card was declined."))
    assert outcome == Refused(None, "card_declined", "Your card was declined.")


@pytest.mark.parametrize("error", [
    stripe.APIConnectionError("Network error: ReadTimeout", should_retry=True),
    stripe.APIConnectionError("Network error: ConnectionError", should_retry=True),
])
def test_no_answer_is_unknown_never_refused(error):
    assert isinstance(classify(error), Unknown)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_unknown(status):
    assert isinstance(classify(sdk_error(status, type="api_error")), Unknown)
