"""``contact_password_changed`` → the "your password was changed" email to the contact."""
from datetime import datetime

from .catalog import PASSWORD_CHANGED, language_or_default
from .dateformat import format_datetime
from .invitation import portal_url
from .mail_queue import MailRequest


def password_changed_request(event_id: str, organization_id: str, occurred_at: datetime,
                             payload: dict, organization: dict) -> MailRequest:
    """``payload`` as loaded by :class:`notify.incoming.ContactPasswordChanged`;
    ``organization`` from identity's activity context."""
    language = language_or_default(payload.get("language"), organization.get("language"))
    return MailRequest(
        kind=PASSWORD_CHANGED.key, organization_id=organization_id, event_id=event_id,
        to_address=payload["email"], to_name=payload.get("name") or "", language=language,
        organization_name=organization["name"], reply_to=organization.get("email") or "",
        context={
            "contact_name": payload.get("name") or payload["email"],
            "organization_name": organization["name"],
            "changed_at": format_datetime(occurred_at, language, organization.get("timezone")),
            "portal_url": portal_url(organization["slug"]),
        })
