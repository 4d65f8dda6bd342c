"""The organization the API key belongs to, and its customer portal preferences."""
from identity.schemas import OrganizationUpdateSchema, PortalPreferencesSchema

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


@bp.get("/portal-preferences")
@operation("The customer portal's optional sections", tags=TAGS,
           responses={200: "PortalPreferences"},
           description="Both are off for a new organization: customers then see neither "
                       "sales orders nor projects and timesheets, whose portal pages are 404.")
def get_portal_preferences():
    return get_rpc().identity.get_portal_preferences(organization_id())


@bp.patch("/portal-preferences")
@operation("Turn the portal's optional sections on or off", tags=TAGS,
           body="PortalPreferences", responses={200: "PortalPreferences"},
           description="Only the preferences given change.")
def update_portal_preferences():
    data = validated_body(PortalPreferencesSchema(), partial=True)
    return get_rpc().identity.update_portal_preferences(organization_id(), data)
