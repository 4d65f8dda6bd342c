"""Gateway settings over RPC: secrets go in and never come out."""
import uuid

import pytest

from billing.exceptions import GatewayNotConfigured
from portal_common.errors import ValidationFailed

from .payment_support import billing, settings_data  # noqa: F401 - fixture


def test_settings_keep_secrets_and_accept_partial_updates(billing, localstripe):  # noqa: F811
    org = str(uuid.uuid4())
    with pytest.raises(GatewayNotConfigured):
        billing.get_gateway_settings(org)
    with pytest.raises(ValidationFailed) as missing:
        billing.set_gateway_settings(org, {"publishable_key": "pk_test_1"})
    assert "secret_key" in missing.value.details

    saved = billing.set_gateway_settings(org, settings_data(localstripe,
                                                            secret_key="sk_test_abcd1234"))
    assert saved["secret_key_set"] is True and saved["secret_key_last4"] == "1234"
    assert saved["webhook_secret_set"] is True
    assert "sk_test_abcd1234" not in str(saved) and "whsec_" not in str(saved)
    assert (saved["provider"], saved["api_base"], saved["duplicate_window_minutes"],
            saved["supports_recurring"], saved["reference_transactions"]) == (
        "stripe", localstripe.url, 5, True, True)

    changed = billing.set_gateway_settings(org, {"reference_transactions": False,
                                                 "supported_currencies": ["usd"]})
    assert changed["secret_key_last4"] == "1234"  # the stored secret was kept
    assert changed["reference_transactions"] is False
    assert changed["supported_currencies"] == ["USD"]
    assert billing.get_gateway_settings(org) == changed


@pytest.mark.parametrize("data, field", [
    ({"secret_key": "pk_live_oops"}, "secret_key"),
    ({"publishable_key": "sk_test_oops"}, "publishable_key"),
    ({"webhook_secret": "secret"}, "webhook_secret"),
    ({"duplicate_window_minutes": 1441}, "duplicate_window_minutes"),
    ({"api_base": "ftp://example.com"}, "api_base"),
])
def test_wrong_values_are_refused_by_field(billing, localstripe, data, field):  # noqa: F811
    org = str(uuid.uuid4())
    with pytest.raises(ValidationFailed) as refused:
        billing.set_gateway_settings(org, {**settings_data(localstripe), **data})
    assert field in refused.value.details
    with pytest.raises(GatewayNotConfigured):  # nothing was stored
        billing.get_gateway_settings(org)


def test_secrets_are_never_logged(billing, localstripe, caplog):  # noqa: F811
    """Settings saved, a payment made with them, a refused webhook: at DEBUG level no log
    record (message or structured fields, the stripe SDK's included) holds a secret."""
    import logging

    from billing.exceptions import WebhookSignatureInvalid

    from .payment_support import (CUSTOMER, browser_confirms_card_setup, intent_event,
                                  sent_invoice, signed)
    caplog.set_level(logging.DEBUG)
    secret_key, webhook_secret = "sk_test_never_in_a_log_81723", "whsec_never_in_a_log_55190"
    org = str(uuid.uuid4())
    billing.create_tax(org, {"name": "IVA", "rate": "21", "is_default": True})
    billing.set_gateway_settings(org, settings_data(localstripe, secret_key=secret_key,
                                                    webhook_secret=webhook_secret))
    invoice = sent_invoice(billing, org, "10.00")
    attempt = billing.start_payment(org, CUSTOMER, {"invoice_ids": [invoice["id"]]})
    browser_confirms_card_setup(localstripe, attempt["client_secret"])
    assert billing.complete_payment(org, CUSTOMER, attempt["id"])["status"] == "succeeded"
    body, header = signed(intent_event({"id": "pi_x", "object": "payment_intent",
                                        "status": "succeeded"}, "payment_intent.succeeded"),
                          secret="whsec_wrong")
    with pytest.raises(WebhookSignatureInvalid):
        billing.handle_stripe_webhook(org, body, header)

    assert len(caplog.records) > 10  # the calls above were logged
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert secret_key not in text and webhook_secret not in text, record.name
