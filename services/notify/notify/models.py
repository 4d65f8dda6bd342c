"""notify's own tables. No other service reads them."""
from sqlalchemy import (JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.timeutil import utcnow

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUSES = (QUEUED, SENT, FAILED)


class Base(DeclarativeBase):
    pass


class EmailTemplate(Base):
    """An organization's own wording of one kind of email in one language.

    Without a row the default template shipped with notify is used.
    """

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("organization_id", "key", "language",
                                       name="uq_email_templates_org_key_language"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OutgoingMail(Base):
    """One email, rendered when it was queued, and what became of it.

    ``subject``, ``text_body`` and ``html_body`` are the copy kept and shown to
    staff: sensitive placeholders (a staff-set password, the invitation link)
    appear masked there. What was actually sent, secrets included, is held in
    ``sensitive_content`` only until the mail has left or has finally failed.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        # One event never queues the same email to the same address twice.
        UniqueConstraint("event_id", "kind", "to_address", name="uq_outgoing_mail_event_kind_to"),
        Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
        Index("ix_outgoing_mail_org_created", "organization_id", "created_at"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(2))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    sensitive_content: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # Set while one sender works on the mail; another takes it only once this has passed.
    locked_until = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_id: Mapped[str] = mapped_column(String(250))
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sent_at = mapped_column(UTCDateTime(), nullable=True)

    attachments: Mapped[list["MailAttachment"]] = relationship(
        order_by="MailAttachment.position", cascade="all, delete-orphan")


class MailAttachment(Base):
    """A file sent with one outgoing mail (the PDF of a forwarded document).

    The bytes are kept while the mail may still be sent (retries included) and dropped
    once it has been sent or has failed for good, like ``sensitive_content``; the name,
    type and size stay to show staff what went with it.
    """

    __tablename__ = "mail_attachments"

    id: Mapped[str] = id_column()
    mail_id: Mapped[str] = mapped_column(ForeignKey("outgoing_mail.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class NotificationPreference(Base):
    """An organization's choice for one kind of customer activity: email staff, add a feed
    entry, both or neither. Without a row the kind's default applies
    (``notify.activities``)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("organization_id", "kind",
                                       name="uq_notification_preferences_org_kind"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    email: Mapped[bool] = mapped_column(Boolean)
    feed: Mapped[bool] = mapped_column(Boolean)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class FeedEntry(Base):
    """One customer activity in the staff feed: who, what, which document, when.

    Names are those identity gave when the event was handled; ``summary`` is the
    line in the organization's language; ``details`` holds the rest of the event
    (the changed fields, the review, the message …). One entry per event.
    """

    __tablename__ = "feed_entries"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_feed_entries_event"),
        Index("ix_feed_entries_org_occurred", "organization_id", "occurred_at"),
        Index("ix_feed_entries_org_customer", "organization_id", "customer_id"),
        Index("ix_feed_entries_org_read", "organization_id", "read_at"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(36))
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    document_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    document_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    document_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at = mapped_column(UTCDateTime(), nullable=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    read_at = mapped_column(UTCDateTime(), nullable=True)

    @property
    def customer(self) -> dict:
        return {"id": self.customer_id, "name": self.customer_name}

    @property
    def contact(self) -> dict | None:
        return {"id": self.contact_id, "name": self.contact_name} if self.contact_id else None

    @property
    def document(self) -> dict | None:
        if not self.document_type:
            return None
        return {"type": self.document_type, "id": self.document_id,
                "number": self.document_number}

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
