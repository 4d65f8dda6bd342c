"""What the billing routes share, and taxes.

A body's ``customer_id`` is checked with identity first (``get_customer``), so another
organization's customer is a 404 before billing is asked anything. The currency of a
document or payment is the customer's unless the body gives one.

Every POST that creates something takes an ``Idempotency-Key`` header: billing keeps the
first answer under that key, so a client that retries after a lost response gets the same
status and body instead of a second invoice or payment (and a 409 if it reuses the key for
different data).
"""
from flask import request

from billing.schemas import TaxCreateSchema
from portal_common.errors import ValidationFailed

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body
from .docs import operation

TAGS = ("billing",)
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 255


def idempotency_key() -> str | None:
    """The request's ``Idempotency-Key`` (1..255 characters), or None without one."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationFailed("The Idempotency-Key header is not valid.", {
            IDEMPOTENCY_HEADER: [f"Give 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
    return key


def customer(customer_id: str) -> dict:
    """The organization's customer (CustomerNotFound, a 404, for anyone else's)."""
    return get_rpc().identity.get_customer(organization_id(), customer_id)


def document(data: dict, customer: dict | None) -> dict:
    """The API's body as billing takes it: ``line_items`` → ``lines``, the currency."""
    data = dict(data)
    if "line_items" in data:
        data["lines"] = data.pop("line_items")
    if customer is not None and not data.get("currency"):
        data["currency"] = customer["currency"]
    return data


# --- taxes -------------------------------------------------------------------------------

@bp.post("/taxes")
@operation("Create a tax (a rate in percent)", tags=TAGS, body="TaxCreate",
           responses={201: "Tax"}, headers=(IDEMPOTENCY_HEADER,), errors=(409,))
def create_tax():
    key = idempotency_key()
    data = validated_body(TaxCreateSchema())
    return get_rpc().billing.create_tax(organization_id(), data, idempotency_key=key), 201


@bp.get("/taxes")
@operation("List the organization's taxes", tags=TAGS, responses={200: "TaxList"})
def list_taxes():
    return {"items": get_rpc().billing.list_taxes(organization_id())}
