"""quotes's own tables. No other service reads them.

A quote is numbered once (QT-00001) and keeps its number across revisions: editing a
declined or expired quote snapshots the superseded revision into ``quote_revisions`` and
starts the next one as a draft. Sales orders (SO-00001) may come from a quote. Taxes are
billing's: a line keeps the tax's id, name and rate as they were when it was written.
Money is NUMERIC(18, 3), as in billing, quantized per document currency by the operations.
"""
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date as DateType, ForeignKey, Index,
                        Integer, Numeric, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.idempotency import IdempotencyKeyMixin
from portal_common.numbering import DocumentCounterMixin
from portal_common.timeutil import utcnow

MONEY = Numeric(18, 3)
QUANTITY = Numeric(18, 4)
PERCENT = Numeric(7, 4)
# draft → sent → viewed → accepted | declined; accepted → invoiced. "expired" is read-time
# (a sent or viewed quote past its expiry date), never stored by the service.
QUOTE_STATUSES = ("draft", "sent", "viewed", "accepted", "declined", "expired", "invoiced")
# open → confirmed → fulfilled (an invoice raised from it); any but closed → closed.
SALES_ORDER_STATUSES = ("open", "confirmed", "fulfilled", "closed")


def _one_of(column: str, values) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Base(DeclarativeBase):
    pass


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint(_one_of("status", QUOTE_STATUSES), name="ck_quotes_status"),
        Index("ix_quotes_org_customer_status", "organization_id", "customer_id", "status"),
        UniqueConstraint("organization_id", "number", name="uq_quotes_org_number"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    date: Mapped[Date] = mapped_column(DateType)
    expiry_date: Mapped[Date | None] = mapped_column(DateType, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    # 0003: the document itself, its revision and the customer's answer.
    reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    sent_at = mapped_column(UTCDateTime(), nullable=True)
    first_viewed_at = mapped_column(UTCDateTime(), nullable=True)
    first_viewed_by_contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_at = mapped_column(UTCDateTime(), nullable=True)
    decided_by_contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    signature_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    invoice_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    invoice_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=True)

    lines: Mapped[list["QuoteLine"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteLine.position")
    revisions: Mapped[list["QuoteRevision"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan",
        order_by="QuoteRevision.revision")


class LineColumns:
    """A document line, the same on quotes and sales orders: the amount is quantity × rate
    less the discount, rounded; its tax is the tax rate of it, rounded. ``tax_id`` is
    billing's tax (no foreign key: another service's), its name and rate kept as written."""

    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    rate: Mapped[Decimal] = mapped_column(QUANTITY)
    discount: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    tax_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    tax_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tax_rate: Mapped[Decimal | None] = mapped_column(PERCENT, nullable=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    tax_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))


class QuoteLine(LineColumns, Base):
    __tablename__ = "quote_lines"

    id: Mapped[str] = id_column()
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"),
                                          index=True)

    quote: Mapped[Quote] = relationship(back_populates="lines")


class QuoteRevision(Base):
    """A superseded revision as it stood: status, dates, lines, totals and the decision."""

    __tablename__ = "quote_revisions"
    __table_args__ = (UniqueConstraint("quote_id", "revision",
                                       name="uq_quote_revisions_quote_revision"),)

    id: Mapped[str] = id_column()
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"),
                                          index=True)
    revision: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    superseded_at = mapped_column(UTCDateTime(), default=utcnow)

    quote: Mapped[Quote] = relationship(back_populates="revisions")


class QuoteComment(Base):
    """Staff's or the customer's; staff's show in the portal only when ``show_in_portal``.
    ``emailed``: a staff reply was announced (``staff_replied``) to a contact by email."""

    __tablename__ = "quote_comments"
    __table_args__ = (
        CheckConstraint(_one_of("author_type", ("staff", "customer")),
                        name="ck_quote_comments_author_type"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"),
                                          index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author_type: Mapped[str] = mapped_column(String(20))  # staff | customer
    author_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    show_in_portal: Mapped[bool] = mapped_column(Boolean, default=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class SalesOrder(Base):
    __tablename__ = "sales_orders"
    __table_args__ = (
        CheckConstraint(_one_of("status", SALES_ORDER_STATUSES), name="ck_sales_orders_status"),
        UniqueConstraint("organization_id", "number", name="uq_sales_orders_org_number"),
        Index("ix_sales_orders_org_customer_status", "organization_id", "customer_id",
              "status"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    date: Mapped[Date] = mapped_column(DateType)
    expected_shipment_date: Mapped[Date | None] = mapped_column(DateType, nullable=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("quotes.id"), nullable=True)
    invoice_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    invoice_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    confirmed_at = mapped_column(UTCDateTime(), nullable=True)
    fulfilled_at = mapped_column(UTCDateTime(), nullable=True)
    closed_at = mapped_column(UTCDateTime(), nullable=True)
    first_viewed_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list["SalesOrderLine"]] = relationship(
        back_populates="sales_order", cascade="all, delete-orphan",
        order_by="SalesOrderLine.position")


class SalesOrderLine(LineColumns, Base):
    __tablename__ = "sales_order_lines"

    id: Mapped[str] = id_column()
    sales_order_id: Mapped[str] = mapped_column(
        ForeignKey("sales_orders.id", ondelete="CASCADE"), index=True)

    sales_order: Mapped[SalesOrder] = relationship(back_populates="lines")


class DocumentCounter(DocumentCounterMixin, Base):
    """The last number given per organization and prefix (QT-, SO-); creates lock it."""

    __tablename__ = "document_counters"


class IdempotencyKey(IdempotencyKeyMixin, Base):
    """A create's answer kept under the caller's key: the same request again gets it back."""

    __tablename__ = "idempotency_keys"


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
