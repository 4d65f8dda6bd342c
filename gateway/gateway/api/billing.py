"""What the billing routes share, and taxes.

A body's ``customer_id`` is checked with identity first (``get_customer``), so another
organization's customer is a 404 before billing is asked anything. The currency of a
document or payment is the customer's unless the body gives one.
"""
from billing.schemas import TaxCreateSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body
from .docs import operation

TAGS = ("billing",)


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
           responses={201: "Tax"})
def create_tax():
    data = validated_body(TaxCreateSchema())
    return get_rpc().billing.create_tax(organization_id(), data), 201


@bp.get("/taxes")
@operation("List the organization's taxes", tags=TAGS, responses={200: "TaxList"})
def list_taxes():
    return {"items": get_rpc().billing.list_taxes(organization_id())}
