"""An organization's online payment gateway (Stripe) settings.

The secret key and the webhook secret go in and never come out: ``settings_view`` says only
whether they are set and the key's last four characters. A partial update keeps what is not
sent (a missing secret keeps the stored one), so staff can change a rule without typing the
key again.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal_common.errors import ValidationFailed, load_or_refuse as load
from portal_common.timeutil import utcnow

from .exceptions import GatewayNotConfigured
from .models import GatewaySettings

DEFAULT_API_BASE = "https://api.stripe.com"


class GatewaySettingsInputSchema(Schema):
    secret_key = fields.String(validate=[validate.Length(max=255), validate.Regexp(
        r"^(sk|rk)_\S+$", error="A Stripe secret key starts with sk_ (or rk_).")])
    publishable_key = fields.String(validate=[validate.Length(max=255), validate.Regexp(
        r"^pk_\S+$", error="A Stripe publishable key starts with pk_.")])
    webhook_secret = fields.String(allow_none=True, validate=[
        validate.Length(max=255),
        validate.Regexp(r"^whsec_\S+$", error="A webhook signing secret starts with whsec_.")])
    api_base = fields.String(validate=[validate.Length(max=255), validate.URL(
        require_tld=False, schemes={"http", "https"})])
    supported_currencies = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$")),
        validate=validate.Length(min=1))
    supports_recurring = fields.Boolean()
    reference_transactions = fields.Boolean()
    require_billing_address = fields.Boolean()
    require_postal_code = fields.Boolean()
    duplicate_window_minutes = fields.Integer(validate=validate.Range(min=0, max=1440))

    @validates_schema
    def _no_blank(self, data, **kwargs):
        for name in ("secret_key", "publishable_key"):
            if name in data and not data[name]:
                raise ValidationError("Required.", name)


FIRST_TIME_REQUIRED = ("secret_key", "publishable_key")


def find_settings(session, organization_id: str, lock: bool = False) -> GatewaySettings | None:
    return session.get(GatewaySettings, organization_id, with_for_update=lock)


def get_settings(session, organization_id: str) -> GatewaySettings:
    settings = find_settings(session, organization_id)
    if settings is None:
        raise GatewayNotConfigured("No online payment gateway is set up.",
                                   {"organization_id": organization_id})
    return settings


def set_settings(session, organization_id: str, data: dict) -> GatewaySettings:
    values = load(GatewaySettingsInputSchema(), data)
    settings = find_settings(session, organization_id, lock=True)
    if settings is None:
        missing = {name: ["Required."] for name in FIRST_TIME_REQUIRED if name not in values}
        if missing:
            raise ValidationFailed("The data sent is not valid.", missing)
        settings = GatewaySettings(
            organization_id=organization_id, provider="stripe", api_base=DEFAULT_API_BASE,
            supported_currencies=["EUR", "USD"], supports_recurring=True,
            reference_transactions=True, require_billing_address=False,
            require_postal_code=False, duplicate_window_minutes=5, webhook_secret=None)
        session.add(settings)
    if "supported_currencies" in values:
        values["supported_currencies"] = sorted({c.upper() for c in
                                                 values["supported_currencies"]})
    if "api_base" in values:
        values["api_base"] = values["api_base"].rstrip("/")
    for name, value in values.items():
        setattr(settings, name, value)
    settings.updated_at = utcnow()
    session.flush()
    return settings


def settings_view(settings: GatewaySettings) -> dict:
    """Settings as staff and the portal see them: no secret, ever."""
    return {"provider": settings.provider, "publishable_key": settings.publishable_key,
            "api_base": settings.api_base,
            "supported_currencies": list(settings.supported_currencies),
            "supports_recurring": settings.supports_recurring,
            "reference_transactions": settings.reference_transactions,
            "require_billing_address": settings.require_billing_address,
            "require_postal_code": settings.require_postal_code,
            "duplicate_window_minutes": settings.duplicate_window_minutes,
            "secret_key_set": bool(settings.secret_key),
            "secret_key_last4": settings.secret_key[-4:] if settings.secret_key else None,
            "webhook_secret_set": bool(settings.webhook_secret),
            "updated_at": settings.updated_at.isoformat() if settings.updated_at else None}
