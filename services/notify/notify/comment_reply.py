"""quotes' and timesheets' ``staff_replied`` → the ``comment_reply`` email to the contact.

Staff answered on a quote, a timesheet (approval) or a project, showed the answer in the
portal and asked to email the customer. The publisher names the contact to email; identity
gives their name and address. It goes whatever the staff's notification preferences say
(staff chose to email), once per event (its own handled-event record).
"""
import logging

from portal_common import settings

from .activities import DOCUMENT_TYPES, label
from .catalog import COMMENT_REPLY, language_or_default
from .mail_queue import MailRequest

log = logging.getLogger(__name__)

# The portal's page of each document type (the gateway's routes: portal.quote,
# portal.timesheet, portal.project).
PORTAL_PATHS = {"quote": "quotes", "approval": "timesheets", "project": "projects"}


def document_url(slug: str, document_type: str, document_id: str) -> str:
    return (f"{settings.portal_base_url()}/portal/{slug}/"
            f"{PORTAL_PATHS[document_type]}/{document_id}")


def document_text(document_type: str, number: str | None, language: str) -> str:
    """'presupuesto QT-00001', 'hoja de horas TS-00001', 'proyecto Web corporativa'."""
    noun = label(DOCUMENT_TYPES, document_type, language)
    return f"{noun} {number}" if number else noun


def comment_reply_request(event_id: str, organization_id: str, payload: dict,
                          context: dict) -> MailRequest | None:
    """``payload`` as loaded by :class:`notify.incoming.StaffReplied`; ``context`` identity's
    activity context. None when the contact has no email address (logged)."""
    organization, customer = context["organization"], context["customer"]
    contact = context.get("contact") or {}
    if not contact.get("email"):
        log.warning("comment_reply_without_address", extra={
            "event_id": event_id, "organization_id": organization_id,
            "contact_id": payload.get("contact_id")})
        return None
    language = language_or_default(customer.get("language"), organization.get("language"))
    return MailRequest(
        kind=COMMENT_REPLY.key, organization_id=organization_id, event_id=event_id,
        to_address=contact["email"], to_name=contact.get("name") or "", language=language,
        organization_name=organization["name"], reply_to=organization.get("email") or "",
        context={
            "contact_name": contact.get("name") or contact["email"],
            "organization_name": organization["name"],
            "author_name": payload.get("author_name") or "",
            "document": document_text(payload["document_type"],
                                      payload.get("document_number"), language),
            "comment": payload["body"],
            "document_url": document_url(organization["slug"], payload["document_type"],
                                         payload["document_id"]),
        })
