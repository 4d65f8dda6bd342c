"""Recurring profiles: the template invoices repeat from (weekly … yearly).

Deleting one is soft: it stays readable with status ``deleted``, and the invoices made
from it say ``recurring_profile_deleted``.
"""
from flask import url_for

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, TAGS, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .schemas import RecurringProfileBodySchema, RecurringProfileListQuerySchema


@bp.post("/recurring-profiles")
@operation("Create a recurring profile", tags=TAGS, body="RecurringProfileBody",
           responses={201: "RecurringProfile"}, headers=(IDEMPOTENCY_HEADER,),
           errors=(404, 409))
def create_recurring_profile():
    key = idempotency_key()
    data = validated_body(RecurringProfileBodySchema())
    owner = customer(data["customer_id"])
    profile = get_rpc().billing.create_recurring_profile(
        organization_id(), document(data, owner), idempotency_key=key)
    return profile, 201, {"Location": url_for(".get_recurring_profile",
                                              profile_id=profile["id"])}


@bp.get("/recurring-profiles")
@operation("List recurring profiles by name (deleted ones included)", tags=TAGS,
           query="RecurringProfileListQuery", responses={200: "RecurringProfileList"},
           description="A customer_id that is not yours simply matches nothing.")
def list_recurring_profiles():
    query = validated_query(RecurringProfileListQuerySchema())
    return {"items": get_rpc().billing.list_recurring_profiles(
        organization_id(), customer_id=query.get("customer_id"))}


@bp.get("/recurring-profiles/<profile_id>")
@operation("One recurring profile", tags=TAGS, responses={200: "RecurringProfile"})
def get_recurring_profile(profile_id):
    return get_rpc().billing.get_recurring_profile(organization_id(), profile_id)


@bp.delete("/recurring-profiles/<profile_id>")
@operation("Delete a recurring profile (it stays readable, status deleted)", tags=TAGS,
           responses={204: None},
           description="Deleting a deleted profile is a 204 too and changes nothing.")
def delete_recurring_profile(profile_id):
    get_rpc().billing.delete_recurring_profile(organization_id(), profile_id)
    return "", 204
