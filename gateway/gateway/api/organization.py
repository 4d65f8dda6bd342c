"""The organization the API key belongs to."""
from identity.schemas import OrganizationUpdateSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body
from .docs import operation

TAGS = ("organization",)


@bp.get("/organization")
@operation("The organization of this API key", tags=TAGS, responses={200: "Organization"})
def get_organization():
    return get_rpc().identity.get_organization(organization_id())


@bp.patch("/organization")
@operation("Change the organization's details", tags=TAGS, body="OrganizationUpdate",
           responses={200: "Organization"})
def update_organization():
    data = validated_body(OrganizationUpdateSchema(), partial=True)
    return get_rpc().identity.update_organization(organization_id(), data)
