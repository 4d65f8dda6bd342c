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
