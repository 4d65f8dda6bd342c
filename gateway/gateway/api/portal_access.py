"""Who may use the customer portal: enable, disable, invite again, enable in bulk."""
from identity.schemas import BulkEnableSchema, PortalEnableSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body
from .docs import operation

TAGS = ("portal access",)


@bp.post("/customers/<customer_id>/portal")
@operation("Give contacts portal access and invite them", tags=TAGS, body="PortalEnable",
           responses={200: "PortalResult"}, errors=(409,),
           description="Only contacts with an email address can be enabled. Without a "
                       "password, the invitation email carries a link to choose one.")
def enable_portal(customer_id):
    data = validated_body(PortalEnableSchema())
    return get_rpc().identity.enable_portal(organization_id(), customer_id, data)


@bp.delete("/customers/<customer_id>/portal/<contact_id>")
@operation("Take a contact's portal access away (its sessions end at once)", tags=TAGS,
           responses={200: "Contact"})
def disable_portal(customer_id, contact_id):
    return get_rpc().identity.disable_portal(organization_id(), customer_id, contact_id)


@bp.post("/customers/<customer_id>/portal/<contact_id>/reinvite")
@operation("Send the portal invitation again", tags=TAGS, responses={200: "Contact"})
def reinvite(customer_id, contact_id):
    return get_rpc().identity.reinvite(organization_id(), customer_id, contact_id)


@bp.post("/portal/bulk-enable")
@operation("Enable the portal for several customers", tags=TAGS, body="BulkEnable",
           responses={200: "PortalResult"},
           description="Every contact with an email address is enabled; customers and "
                       "contacts that cannot be are listed in 'skipped' with a reason.")
def bulk_enable():
    data = validated_body(BulkEnableSchema())
    return get_rpc().identity.bulk_enable_portal(organization_id(), data)
