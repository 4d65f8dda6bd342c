"""The organization's payment gateway settings (Stripe): keys, API base, and the
capabilities and rules billing checks before charging (currencies, recurring payments,
charging saved cards, card verification fields, the duplicate payment window).

billing keeps them; secrets go in and never come out: the answer says only whether a
secret is set (and the secret key's last four characters). The request log records the
path, never the body.
"""
from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body
from .docs import operation
from .schemas import PaymentGatewayBodySchema

TAGS = ("payments",)


@bp.get("/payment-gateway")
@operation("The organization's payment gateway settings (no secrets)", tags=TAGS,
           responses={200: "PaymentGateway"}, errors=(404,),
           description="404 payment_gateway_not_configured until a first PUT.")
def get_payment_gateway():
    return get_rpc().billing.get_gateway_settings(organization_id())


@bp.put("/payment-gateway")
@operation("Set the payment gateway (Stripe) settings", tags=TAGS, body="PaymentGatewayBody",
           responses={200: "PaymentGateway"},
           description="Fields left out keep their value (a missing secret_key keeps the "
                       "stored one); the first PUT needs secret_key and publishable_key. "
                       "The secrets are never returned.")
def set_payment_gateway():
    data = validated_body(PaymentGatewayBodySchema(), partial=True)
    return get_rpc().billing.set_gateway_settings(organization_id(), data)
