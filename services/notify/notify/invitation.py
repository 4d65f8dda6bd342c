"""``contact_invited`` → the portal invitation email."""
from portal_common import settings

from .catalog import PORTAL_INVITATION, language_or_default
from .dateformat import format_datetime
from .mail_queue import MailRequest


def portal_url(slug: str) -> str:
    return f"{settings.portal_base_url()}/portal/{slug}/"


def accept_url(slug: str, token: str) -> str:
    return f"{settings.portal_base_url()}/portal/{slug}/invitation/{token}"


def invitation_request(event_id: str, organization_id: str, payload: dict) -> MailRequest:
    """``payload`` as loaded by :class:`notify.incoming.ContactInvited`."""
    org = payload["organization"]
    language = language_or_default(payload.get("language"), org.get("language"))
    return MailRequest(
        kind=PORTAL_INVITATION.key, organization_id=organization_id, event_id=event_id,
        to_address=payload["email"], to_name=payload.get("name") or "", language=language,
        organization_name=org["name"], reply_to=org.get("email") or "",
        context={
            "contact_name": payload.get("name") or payload["email"],
            "organization_name": org["name"],
            "portal_url": portal_url(org["slug"]),
            "username": payload["email"],
            "password": payload.get("password") or None,
            "accept_url": accept_url(org["slug"], payload["invitation_token"]),
            "expires_at": format_datetime(payload["invitation_expires_at"], language,
                                          org.get("timezone")),
        })
