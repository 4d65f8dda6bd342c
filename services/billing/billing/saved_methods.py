"""Saved payment methods ("Card details"): what a customer keeps at the gateway to pay later.

Only the gateway's ids and what the customer needs to recognise a method are stored (brand,
last four digits, expiry, billing name and address): the card itself stays at Stripe,
attached to the Stripe customer this portal customer has (one, created once). A method of
another customer or organization is "not found".
"""
import logging

import stripe
from marshmallow import Schema, fields, pre_load, validate
from sqlalchemy import select

from portal_common.errors import load_or_refuse as load

from .exceptions import PaymentRefused, SavedMethodNotFound
from .gateway_settings import get_settings
from .models import GatewayCustomer, PaymentAttempt, SavedMethod
from .stripe_gateway import Refused, classify

log = logging.getLogger(__name__)


def _blank_for_none(data, fields_):
    """A form's empty field may come as null: it means "nothing", as an empty string does."""
    if isinstance(data, dict):
        return {k: ("" if v is None and k in fields_ else v) for k, v in data.items()}
    return data


class AddressSchema(Schema):
    @pre_load
    def _nulls(self, data, **kwargs):
        return _blank_for_none(data, ("line1", "city", "postal_code", "country"))

    line1 = fields.String(load_default="", validate=validate.Length(max=200))
    city = fields.String(load_default="", validate=validate.Length(max=100))
    postal_code = fields.String(load_default="", validate=validate.Length(max=20))
    country = fields.String(load_default="", validate=validate.Regexp(
        r"^([A-Za-z]{2})?$", error="A two-letter country code."))


class SavedMethodUpdateSchema(Schema):
    @pre_load
    def _nulls(self, data, **kwargs):
        return _blank_for_none(data, ("billing_name",))

    exp_month = fields.Integer(validate=validate.Range(min=1, max=12))
    exp_year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    billing_name = fields.String(validate=validate.Length(max=200))
    billing_address = fields.Nested(AddressSchema)


def view(method: SavedMethod) -> dict:
    """SavedMethod as the portal shows it."""
    address = method.billing_address or {}
    return {"id": method.id, "type": method.type, "brand": method.brand, "last4": method.last4,
            "exp_month": method.exp_month, "exp_year": method.exp_year,
            "billing_name": method.billing_name,
            "billing_address": {key: address.get(key, "") for key in
                                ("line1", "city", "postal_code", "country")},
            "created_at": method.created_at.isoformat() if method.created_at else None}


def owned(session, organization_id, customer_id, method_id) -> SavedMethod:
    method = session.get(SavedMethod, method_id) if method_id else None
    if method is None or method.organization_id != organization_id \
            or method.customer_id != customer_id:
        raise SavedMethodNotFound("Saved payment method not found.",
                                  {"payment_method_id": method_id})
    return method


def _refused(error: stripe.StripeError) -> PaymentRefused:
    outcome = classify(error)
    if isinstance(outcome, Refused):
        return PaymentRefused.of(outcome.message, cp_code=outcome.cp_code,
                                 decline_code=outcome.decline_code,
                                 gateway_message=outcome.message if outcome.cp_code is None
                                 else None)
    return PaymentRefused.of("The payment gateway did not answer. Please try again.",
                             reason="gateway_unavailable")


def store(session, client, organization_id: str, customer_id: str,
          gateway_method_id: str) -> SavedMethod:
    """Keep the method (already attached to the customer at Stripe), once."""
    existing = session.scalar(select(SavedMethod).where(
        SavedMethod.organization_id == organization_id,
        SavedMethod.gateway_method_id == gateway_method_id))
    if existing is not None:
        return existing
    method = client.v1.payment_methods.retrieve(gateway_method_id).to_dict()
    card = method.get("card") or {}
    bank = method.get("us_bank_account") or {}
    details = method.get("billing_details") or {}
    address = details.get("address") or {}
    row = SavedMethod(
        organization_id=organization_id, customer_id=customer_id,
        gateway_method_id=gateway_method_id,
        type="us_bank_account" if method.get("type") == "us_bank_account" else "card",
        brand=card.get("brand") or bank.get("bank_name") or "",
        last4=card.get("last4") or bank.get("last4") or "",
        exp_month=_int(card.get("exp_month")), exp_year=_int(card.get("exp_year")),
        billing_name=details.get("name") or "",
        billing_address={key: address.get(key) or "" for key in
                         ("line1", "city", "postal_code", "country")})
    session.add(row)
    session.flush()
    return row


def _int(value):
    return int(value) if value not in (None, "") else None


def after_payment(session, client, attempt: PaymentAttempt) -> None:
    """A new card that paid: kept when the customer asked to save it, else detached from
    the Stripe customer it was set up on."""
    if attempt.status != "succeeded" or attempt.method == "saved_card" \
            or not attempt.gateway_method_id:
        return
    if attempt.save_method:
        store(session, client, attempt.organization_id, attempt.customer_id,
              attempt.gateway_method_id)
    elif attempt.method == "card":
        client.v1.payment_methods.detach(attempt.gateway_method_id)


# --- RPC use cases -------------------------------------------------------------------------

def start_setup(session, make_client, organization_id, customer_id, contact_id,
                gateway_customer) -> dict:
    settings = get_settings(session, organization_id)
    client = make_client(settings)
    try:
        customer = gateway_customer(session, client, organization_id, customer_id)
        setup = client.v1.setup_intents.create(params={
            "customer": customer, "payment_method_types": ["card"], "usage": "off_session",
            "metadata": {"organization_id": organization_id, "customer_id": customer_id,
                         "contact_id": contact_id or ""}})
    except stripe.StripeError as error:
        raise _refused(error) from None
    return {"setup_intent_id": setup.id, "client_secret": setup.client_secret,
            "publishable_key": settings.publishable_key, "api_base": settings.api_base}


def complete_setup(session, make_client, organization_id, customer_id,
                   setup_intent_id) -> SavedMethod:
    settings = get_settings(session, organization_id)
    client = make_client(settings)
    mine = session.get(GatewayCustomer, (organization_id, customer_id))
    try:
        setup = client.v1.setup_intents.retrieve(setup_intent_id)
    except stripe.InvalidRequestError:
        setup = None
    except stripe.StripeError as error:
        raise _refused(error) from None
    if setup is None or mine is None or setup.customer != mine.gateway_customer_id:
        raise SavedMethodNotFound("Card setup not found.", {"setup_intent_id": setup_intent_id})
    if setup.status != "succeeded" or not setup.payment_method:
        raise PaymentRefused("The card was not set up.", {"reason": f"setup_{setup.status}"})
    try:
        return store(session, client, organization_id, customer_id, setup.payment_method)
    except stripe.StripeError as error:
        raise _refused(error) from None


def list_methods(session, organization_id, customer_id) -> list[SavedMethod]:
    return list(session.scalars(select(SavedMethod).where(
        SavedMethod.organization_id == organization_id,
        SavedMethod.customer_id == customer_id).order_by(SavedMethod.created_at,
                                                         SavedMethod.id)))


def update_method(session, make_client, organization_id, customer_id, method_id,
                  data) -> SavedMethod:
    values = load(SavedMethodUpdateSchema(), data)
    method = owned(session, organization_id, customer_id, method_id)
    params = {}
    if method.type == "card" and ("exp_month" in values or "exp_year" in values):
        params["card"] = {"exp_month": values.get("exp_month", method.exp_month),
                          "exp_year": values.get("exp_year", method.exp_year)}
    billing = {}
    if "billing_name" in values:
        billing["name"] = values["billing_name"]
    if "billing_address" in values:
        billing["address"] = {k: v for k, v in values["billing_address"].items()}
        if billing["address"].get("country"):
            billing["address"]["country"] = billing["address"]["country"].upper()
    if billing:
        params["billing_details"] = billing
    if params:
        client = make_client(get_settings(session, organization_id))
        try:
            client.v1.payment_methods.update(method.gateway_method_id, params=params)
        except stripe.StripeError as error:
            raise _refused(error) from None
    if "card" in params:
        method.exp_month, method.exp_year = (params["card"]["exp_month"],
                                             params["card"]["exp_year"])
    if "name" in billing:
        method.billing_name = billing["name"]
    if "address" in billing:
        method.billing_address = billing["address"]
    session.flush()
    return method


def remove_method(session, make_client, organization_id, customer_id, method_id) -> dict:
    method = owned(session, organization_id, customer_id, method_id)
    client = make_client(get_settings(session, organization_id))
    try:
        client.v1.payment_methods.detach(method.gateway_method_id)
    except stripe.InvalidRequestError:
        log.info("saved_method_already_detached", extra={"saved_method_id": method.id})
    except stripe.StripeError as error:
        raise _refused(error) from None
    session.delete(method)
    session.flush()
    return {"id": method_id, "removed": True}
