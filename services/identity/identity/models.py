"""identity's own tables. No other service reads them."""
from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.timeutil import utcnow


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(2), default="es")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    # Customer portal preferences: the sections a customer sees besides the money ones.
    portal_show_sales_orders: Mapped[bool] = mapped_column(Boolean, default=False,
                                                           server_default=false())
    portal_show_projects: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ApiKey(Base):
    """A staff API key. Only a SHA-256 of the secret is kept: keys are 256-bit random."""

    __tablename__ = "api_keys"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="default")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at = mapped_column(UTCDateTime(), nullable=True)
    revoked_at = mapped_column(UTCDateTime(), nullable=True)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    allow_ach: Mapped[bool] = mapped_column(Boolean, default=False)
    billing_attention: Mapped[str] = mapped_column(String(100), default="")
    billing_street: Mapped[str] = mapped_column(String(200), default="")
    billing_street2: Mapped[str] = mapped_column(String(200), default="")
    billing_city: Mapped[str] = mapped_column(String(100), default="")
    billing_state: Mapped[str] = mapped_column(String(100), default="")
    billing_postal_code: Mapped[str] = mapped_column(String(20), default="")
    billing_country: Mapped[str] = mapped_column(String(2), default="")
    shipping_attention: Mapped[str] = mapped_column(String(100), default="")
    shipping_street: Mapped[str] = mapped_column(String(200), default="")
    shipping_street2: Mapped[str] = mapped_column(String(200), default="")
    shipping_city: Mapped[str] = mapped_column(String(100), default="")
    shipping_state: Mapped[str] = mapped_column(String(100), default="")
    shipping_postal_code: Mapped[str] = mapped_column(String(20), default="")
    shipping_country: Mapped[str] = mapped_column(String(2), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at = mapped_column(UTCDateTime(), nullable=True)

    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer", order_by="Contact.created_at",
        primaryjoin="and_(Customer.id == Contact.customer_id, Contact.deleted_at.is_(None))",
        viewonly=True)


class Contact(Base):
    """A contact person of a customer; the one who logs in to the portal."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_org_email", "organization_id", "email"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    portal_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_changed_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at = mapped_column(UTCDateTime(), nullable=True)

    customer: Mapped[Customer] = relationship(back_populates="contacts",
                                              foreign_keys=[customer_id])

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class Invitation(Base):
    """A single-use, expiring link to set a portal password. Only its hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    expires_at = mapped_column(UTCDateTime())
    used_at = mapped_column(UTCDateTime(), nullable=True)
    revoked_at = mapped_column(UTCDateTime(), nullable=True)


class PortalSession(Base):
    """A logged-in contact. The cookie holds a 256-bit token; only its hash is kept."""

    __tablename__ = "portal_sessions"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at = mapped_column(UTCDateTime(), default=utcnow)
    expires_at = mapped_column(UTCDateTime())
    revoked_at = mapped_column(UTCDateTime(), nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class LoginAttempt(Base):
    """Failed logins, counted per (email, client address) and per client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_lookup", "organization_id", "email", "ip", "at"),
                      Index("ix_login_attempts_ip", "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(String(36))
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))
    at = mapped_column(UTCDateTime(), default=utcnow)


class CustomerMessage(Base):
    """An email a contact wrote to the organization from the portal ("Send email").

    Kept so the per-contact sending limit can be counted, and so what was sent can
    be shown again; notify delivers it to the organization's address.
    """

    __tablename__ = "customer_messages"
    __table_args__ = (Index("ix_customer_messages_contact_at", "contact_id", "created_at"),
                      Index("ix_customer_messages_org_customer", "organization_id", "customer_id"))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str] = mapped_column(String(254))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Review(Base):
    """A contact's review of the organization: a rating from 1 to 5 and a message."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating"),
                      Index("ix_reviews_org_created", "organization_id", "created_at"),
                      Index("ix_reviews_org_customer", "organization_id", "customer_id"),
                      Index("ix_reviews_contact_at", "contact_id", "created_at"))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    rating: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
