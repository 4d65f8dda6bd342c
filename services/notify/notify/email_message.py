"""The RFC 5322 message for one outgoing mail: headers, plain-text and HTML parts."""
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from .models import OutgoingMail


def mail_domain(mail_from: str) -> str:
    return mail_from.rpartition("@")[2] or "localhost"


def make_message_id(mail_id: str, mail_from: str) -> str:
    """Stable per mail: a mail sent again after a crash carries the same Message-ID."""
    return f"<{mail_id}@{mail_domain(mail_from)}>"


def build_message(mail: OutgoingMail, content: dict, mail_from: str,
                  attachments=()) -> EmailMessage:
    """``content`` holds "subject", "text" and "html" (the copy to send); ``attachments``
    are :class:`notify.models.MailAttachment` rows (filename, content_type, content)."""
    message = EmailMessage()
    message["Subject"] = content["subject"]
    message["From"] = Address(display_name=mail.from_name or "", addr_spec=mail_from)
    message["To"] = Address(display_name=mail.to_name or "", addr_spec=mail.to_address)
    if mail.reply_to:
        message["Reply-To"] = Address(addr_spec=mail.reply_to)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    # RFC 3834: automatic replies should not answer this message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(content["text"])
    message.add_alternative(content["html"], subtype="html")
    for attachment in attachments:   # the message becomes multipart/mixed around the text
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    message["Content-Language"] = mail.language  # after the parts: set_content clears Content-*
    return message
