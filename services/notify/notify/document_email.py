"""``send_document_email``: a document a portal contact forwards, as an email with its PDF.

The gateway renders the PDF and names who forwarded it; notify checks the request
(:class:`notify.schemas.DocumentEmailInputSchema`), renders the ``document_forwarded``
email in the language asked for and queues it with the PDF attached. The queue sends it
like every other mail: retries with backoff, ``email_sent`` / ``email_failed``, an .eml
file without SMTP. No event asked for it, so the request's own id stands in the mail's
``event_id``.
"""
from portal_common.db import new_id
from portal_common.errors import load_or_refuse

from .catalog import DOCUMENT_FORWARDED
from .exceptions import DocumentEmailInvalid
from .mail_queue import MailRequest, queue_mail
from .models import OutgoingMail
from .schemas import DocumentEmailInputSchema

# What each document is called in the email's subject and text.
DOCUMENT_NAMES = {
    "invoice": {"es": "Factura", "en": "Invoice"},
    "quote": {"es": "Presupuesto", "en": "Quote"},
    "sales_order": {"es": "Orden de venta", "en": "Sales order"},
    "receipt": {"es": "Recibo de pago", "en": "Payment receipt"},
    "statement": {"es": "Estado de cuenta", "en": "Statement"},
}
PDF = "application/pdf"


def document_email_request(organization_id: str, values: dict) -> MailRequest:
    """``values`` as loaded by DocumentEmailInputSchema (the PDF already decoded)."""
    language = values["language"]
    attachment = values["attachment"]
    return MailRequest(
        kind=DOCUMENT_FORWARDED.key, organization_id=organization_id, event_id=new_id(),
        to_address=values["to_email"], to_name=values["to_name"] or "", language=language,
        organization_name=values["organization_name"], reply_to=values["reply_to"] or "",
        context={
            "recipient_name": values["to_name"] or None,
            "sender_name": values["sender_name"],
            "customer_name": values["customer_name"],
            "organization_name": values["organization_name"],
            "document_name": DOCUMENT_NAMES[values["document_type"]][language],
            "document_number": values["document_number"],
            "filename": attachment["filename"],
            "message": (values["message"] or "").replace("\r\n", "\n").strip() or None,
        },
        attachments=((attachment["filename"], PDF, attachment["content_base64"]),))


def queue_document_email(session, organization_id: str, data: dict) -> OutgoingMail:
    """Check and queue (not committed); refuses with :class:`DocumentEmailInvalid`."""
    values = load_or_refuse(DocumentEmailInputSchema(), data, error_class=DocumentEmailInvalid)
    return queue_mail(session, document_email_request(organization_id, values))
