"""The logged-in customer as the portal's service calls name them: the session's
organization and customer, the contact's name as an author, the portal profile."""
from flask import g

from ..rpc_access import get_rpc


def who() -> tuple[str, str]:
    """(organization_id, customer_id) of the session: every portal call names both."""
    return g.portal["organization_id"], g.portal["customer_id"]


def author_name() -> str:
    """The contact's name (or email) as the author of a comment or a decision."""
    contact = g.portal["contact"]
    return (contact.get("name") or contact.get("email") or "")[:200]


def profile() -> dict:
    """identity's portal profile: the customer and the organization as documents show them."""
    return get_rpc().identity.get_portal_profile(*who())
