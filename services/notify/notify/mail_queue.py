"""The durable outgoing-mail queue: queue, claim, send, retry with backoff, give up.

Every email goes through here, whatever event asked for it:

1. :func:`queue_mail` renders a :class:`MailRequest` (the organization's
   template or the default, in the recipient's language) and adds an
   ``OutgoingMail`` row in the caller's transaction, the same one that records
   the event as handled. A second request for the same (event, kind, address)
   adds nothing.
2. :func:`claim` takes one due row for one sender: on PostgreSQL the
   candidate is selected ``FOR UPDATE SKIP LOCKED`` and, on every database, a
   conditional update sets ``locked_until`` (a lease) and is committed before
   anything is sent. Two senders, in one process or in two instances, never
   take the same row.
3. :func:`deliver` sends it and records the outcome in one commit: ``sent``
   (and an ``email_sent`` event), or a retry ``next_attempt_at`` later with
   exponential backoff, or after the last attempt (or a permanent refusal)
   ``failed`` (and an ``email_failed`` event). Secrets and attachment bytes
   held for sending are dropped either way.

A sender that dies mid-send leaves its lease to expire and the mail is taken
again. The one case that can send twice is a crash after the SMTP server
accepted the mail and before the commit; the Message-ID is the same, so mail
systems can tell it is the same message.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal_common.db import new_id
from portal_common.events import record_event
from portal_common.timeutil import utcnow

from . import config
from .catalog import KINDS
from .email_message import build_message, make_message_id
from .events import SCHEMAS as EVENT_SCHEMAS
from .models import FAILED, QUEUED, SENT, EmailTemplate, MailAttachment, OutgoingMail, Outbox
from .rendering import TemplateText, render_all
from .transport import DeliveryFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailRequest:
    """What an event handler asks for; the rest (rendering, queue, retries) is shared."""

    kind: str
    organization_id: str
    event_id: str
    to_address: str
    to_name: str
    language: str
    organization_name: str
    reply_to: str
    context: dict
    attachments: tuple = ()      # (filename, content type, bytes), sent with the mail


def organization_template(session, organization_id: str, key: str,
                          language: str) -> EmailTemplate | None:
    return session.scalar(select(EmailTemplate).where(
        EmailTemplate.organization_id == organization_id, EmailTemplate.key == key,
        EmailTemplate.language == language))


def queue_mail(session, request: MailRequest) -> OutgoingMail | None:
    """Render and add the mail (not committed). None if this event already queued it."""
    kind = KINDS[request.kind]
    already = session.scalar(select(OutgoingMail.id).where(
        OutgoingMail.event_id == request.event_id, OutgoingMail.kind == request.kind,
        OutgoingMail.to_address == request.to_address))
    if already is not None:
        return None
    row = organization_template(session, request.organization_id, kind.key, request.language)
    override = TemplateText(row.subject, row.body) if row is not None else None
    masked_context = kind.masked(request.context)
    to_send, to_keep = render_all(kind, request.language, override,
                                  [request.context, masked_context], request.organization_name)
    mail_id = new_id()
    mail = OutgoingMail(
        id=mail_id, organization_id=request.organization_id, event_id=request.event_id,
        kind=kind.key, language=request.language, to_address=request.to_address,
        to_name=(request.to_name or "")[:200], from_name=(request.organization_name or "")[:200],
        reply_to=request.reply_to or "", subject=to_keep.subject, text_body=to_keep.text,
        html_body=to_keep.html,
        sensitive_content=to_send.as_dict() if to_send != to_keep else None,
        status=QUEUED, attempts=0, next_attempt_at=utcnow(),
        message_id=make_message_id(mail_id, config.mail_from()))
    mail.attachments = [
        MailAttachment(mail_id=mail_id, position=position, filename=filename,
                       content_type=content_type, size=len(content), content=content)
        for position, (filename, content_type, content) in enumerate(request.attachments)]
    session.add(mail)
    return mail


def _claimable(now):
    return and_(OutgoingMail.status == QUEUED, OutgoingMail.next_attempt_at <= now,
                or_(OutgoingMail.locked_until.is_(None), OutgoingMail.locked_until <= now))


def claim(session, mail_id: str | None = None) -> OutgoingMail | None:
    """Take one due mail (that one, or the one due longest) for this sender, committed."""
    now = utcnow()
    lease_until = now + config.send_lease()
    query = select(OutgoingMail).where(_claimable(now))
    if mail_id is not None:
        query = query.where(OutgoingMail.id == mail_id)
    query = query.order_by(OutgoingMail.next_attempt_at, OutgoingMail.created_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    mail = session.scalars(query).first()
    if mail is None:
        session.rollback()
        return None
    taken = session.execute(
        update(OutgoingMail).where(OutgoingMail.id == mail.id, _claimable(now))
        .values(locked_until=lease_until)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if taken != 1:
        return None
    set_committed_value(mail, "locked_until", lease_until)
    return mail


def _content_to_send(mail: OutgoingMail) -> dict:
    if mail.sensitive_content:
        return mail.sensitive_content
    return {"subject": mail.subject, "text": mail.text_body, "html": mail.html_body}


def _drop_attachment_bytes(mail: OutgoingMail) -> None:
    """The mail will not be sent again: its files need not be kept (their names stay)."""
    for attachment in mail.attachments:
        attachment.content = None


def _event_payload(mail: OutgoingMail) -> dict:
    return {"mail_id": mail.id, "kind": mail.kind, "to": mail.to_address,
            "source_event_id": mail.event_id, "attempts": mail.attempts}


def deliver(session, transport, mail: OutgoingMail) -> str:
    """Send a claimed mail and record the outcome (committed). Returns the new status."""
    sender = config.mail_from()
    failure = None
    try:
        message = build_message(mail, _content_to_send(mail), sender, mail.attachments)
    except Exception as exc:  # an address or header that cannot be written: no retry helps
        failure = DeliveryFailed(f"message could not be built: {type(exc).__name__}: {exc}",
                                 permanent=True)
    if failure is None:
        try:
            transport.send(message, sender, [mail.to_address])
        except DeliveryFailed as exc:
            failure = exc
    now = utcnow()
    mail.attempts += 1
    mail.locked_until = None
    if failure is None:
        mail.status = SENT
        mail.sent_at = now
        mail.last_error = None
        mail.sensitive_content = None
        _drop_attachment_bytes(mail)
        record_event(session, Outbox, EVENT_SCHEMAS["email_sent"], "email_sent",
                     mail.organization_id, {**_event_payload(mail), "message_id": mail.message_id,
                                            "sent_at": now.isoformat()})
    else:
        mail.last_error = failure.reason[:2000]
        if failure.permanent or mail.attempts >= config.max_attempts():
            mail.status = FAILED
            mail.sensitive_content = None
            _drop_attachment_bytes(mail)
            record_event(session, Outbox, EVENT_SCHEMAS["email_failed"], "email_failed",
                         mail.organization_id, {**_event_payload(mail),
                                                "error": mail.last_error})
        else:
            mail.next_attempt_at = now + config.retry_delay(mail.attempts)
    session.commit()
    entry = {"mail_id": mail.id, "kind": mail.kind, "status": mail.status,
             "attempts": mail.attempts}
    if failure is None:
        log.info("email_sent", extra=entry)
    elif mail.status == FAILED:
        log.error("email_failed", extra={**entry, "error": mail.last_error})
    else:
        log.warning("email_send_retry", extra={
            **entry, "error": mail.last_error,
            "next_attempt_at": mail.next_attempt_at.isoformat()})
    return mail.status


def send_due(session, transport, limit: int) -> dict:
    """Send up to ``limit`` due mails, one claim at a time. Returns counts by outcome."""
    counts = {SENT: 0, QUEUED: 0, FAILED: 0}
    for _ in range(limit):
        mail = claim(session)
        if mail is None:
            break
        counts[deliver(session, transport, mail)] += 1
    return counts
