"""Stripe's webhooks: POST /webhooks/stripe/<organization_id>.

One endpoint per organization, so billing checks the signature with that organization's
own signing secret. No session, no API key and no CSRF token: Stripe's signature
(the ``Stripe-Signature`` header over the raw body) is the authentication, and billing
verifies it with the stripe library before believing a byte. The body is passed on
exactly as it came (a parsed and re-serialized body would no longer match the
signature). A refused signature is a 400 and changes nothing; Stripe retries what is
not answered 2xx.
"""
import re

from flask import Blueprint, abort, request

from .csrf import csrf
from .rpc_access import get_rpc

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

# Organization ids are short opaque strings; anything else is not sent on.
ORGANIZATION_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SIGNATURE_HEADER = "Stripe-Signature"
MAX_SIGNATURE_LENGTH = 2000


@bp.post("/stripe/<organization_id>")
@csrf.exempt
def stripe_webhook(organization_id):
    if not ORGANIZATION_ID.match(organization_id):
        abort(404)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or len(signature) > MAX_SIGNATURE_LENGTH:
        abort(400, description="The Stripe-Signature header is missing.")
    try:
        payload = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description="The body is not UTF-8 JSON.")
    get_rpc().billing.handle_stripe_webhook(organization_id, payload, signature)
    return {"received": True}
