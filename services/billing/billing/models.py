"""billing's own tables. No other service reads them.

Money columns are NUMERIC(18, 3): wide enough for every currency's minor unit;
values are quantized per document currency by the operations before storing.
"""
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date as DateType, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.idempotency import IdempotencyKeyMixin
from portal_common.numbering import DocumentCounterMixin
from portal_common.timeutil import utcnow

MONEY = Numeric(18, 3)
# The customer statement reads each ledger table in (date, id) order for one customer:
# every table a statement branch reads has this index, so a page costs O(limit).
STATEMENT_COLUMNS = ("organization_id", "customer_id", "date", "id")
QUANTITY = Numeric(18, 4)
PERCENT = Numeric(7, 4)


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class Tax(Base):
    __tablename__ = "taxes"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(100))
    rate: Mapped[Decimal] = mapped_column(PERCENT)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_invoices_org_number"),
        Index("ix_invoices_statement", *STATEMENT_COLUMNS),
        # The statement's retainer branch: a customer's few retainers are not found by
        # walking past all their invoices.
        Index("ix_invoices_retainer_statement", *STATEMENT_COLUMNS,
              postgresql_where=text("kind = 'retainer'"), sqlite_where=text("kind = 'retainer'")))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="invoice")  # invoice | retainer
    number: Mapped[str] = mapped_column(String(40))
    date: Mapped[Date] = mapped_column(DateType)
    due_date: Mapped[Date] = mapped_column(DateType)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    allow_partial_payments: Mapped[bool] = mapped_column(Boolean, default=True)
    first_viewed_at = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    balance: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    # Retainer invoices only: what was paid on it and not yet drawn on other invoices.
    retainer_available: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    sent_at = mapped_column(UTCDateTime(), nullable=True)
    voided_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    # Online gateways the customer may pay it with (["stripe"] or none).
    payment_gateways: Mapped[list] = mapped_column(JSON, default=list)
    sales_order_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    quote_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    recurring_profile_id: Mapped[str | None] = mapped_column(
        ForeignKey("recurring_profiles.id"), nullable=True)

    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position")
    recurring_profile: Mapped["RecurringProfile | None"] = relationship()


class LineColumns:
    """What a document's line holds, the same on invoices and credit notes: the amount is
    quantity × rate less the discount, rounded; its tax is the line tax's rate of it."""

    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    rate: Mapped[Decimal] = mapped_column(QUANTITY)
    discount: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    tax_id: Mapped[str | None] = mapped_column(ForeignKey("taxes.id"), nullable=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    tax_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))


class InvoiceLine(LineColumns, Base):
    __tablename__ = "invoice_lines"

    id: Mapped[str] = id_column()
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class CreditNote(Base):
    __tablename__ = "credit_notes"
    __table_args__ = (UniqueConstraint("organization_id", "number",
                                       name="uq_credit_notes_org_number"),
                      Index("ix_credit_notes_statement", *STATEMENT_COLUMNS))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(40))
    date: Mapped[Date] = mapped_column(DateType)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    remaining: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    created_at = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list["CreditNoteLine"]] = relationship(
        back_populates="credit_note", cascade="all, delete-orphan",
        order_by="CreditNoteLine.position")


class CreditNoteLine(LineColumns, Base):
    __tablename__ = "credit_note_lines"

    id: Mapped[str] = id_column()
    credit_note_id: Mapped[str] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="CASCADE"), index=True)

    credit_note: Mapped[CreditNote] = relationship(back_populates="lines")


class Payment(Base):
    """An offline payment recorded by staff; ``unapplied`` is the customer's credit left."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_payments_org_number"),
                      UniqueConstraint("attempt_id", name="uq_payments_attempt_id"),
                      Index("ix_payments_statement", *STATEMENT_COLUMNS))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    unapplied: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    date: Mapped[Date] = mapped_column(DateType)
    mode: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    # An online payment's attempt: unique, so settling an attempt twice makes one payment.
    attempt_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    applications: Mapped[list["PaymentApplication"]] = relationship(
        back_populates="payment", cascade="all, delete-orphan")


class PaymentApplication(Base):
    __tablename__ = "payment_applications"

    id: Mapped[str] = id_column()
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"),
                                            index=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)

    payment: Mapped[Payment] = relationship(back_populates="applications")


class CreditApplication(Base):
    """Credit drawn on an invoice: from a credit note, a payment's excess or a retainer."""

    __tablename__ = "credit_applications"
    __table_args__ = (
        # Only retainer draws appear on the statement (a credit note or a payment counted
        # when it was issued or received): a partial index over just those rows.
        Index("ix_credit_applications_retainer_statement", *STATEMENT_COLUMNS,
              postgresql_where=text("source = 'retainer'"),
              sqlite_where=text("source = 'retainer'")),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    source: Mapped[str] = mapped_column(String(20))  # credit_note | payment | retainer
    credit_note_id: Mapped[str | None] = mapped_column(ForeignKey("credit_notes.id"),
                                                       nullable=True)
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    retainer_invoice_id: Mapped[str | None] = mapped_column(ForeignKey("invoices.id"),
                                                            nullable=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    date: Mapped[Date] = mapped_column(DateType)  # the day it was applied (statement date)
    applied_at = mapped_column(UTCDateTime(), default=utcnow)

    invoice: Mapped[Invoice] = relationship(foreign_keys=[invoice_id])
    credit_note: Mapped[CreditNote | None] = relationship(foreign_keys=[credit_note_id])
    payment: Mapped[Payment | None] = relationship(foreign_keys=[payment_id])
    retainer_invoice: Mapped[Invoice | None] = relationship(foreign_keys=[retainer_invoice_id])


class Refund(Base):
    """Money given back to the customer out of a credit note, a payment's unapplied part or a
    retainer's available balance; it raises what the customer owes on the statement."""

    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_refunds_org_number"),
                      Index("ix_refunds_statement", *STATEMENT_COLUMNS))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))  # credit_note | payment | retainer
    source_id: Mapped[str] = mapped_column(String(36), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    date: Mapped[Date] = mapped_column(DateType)
    mode: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class InvoiceComment(Base):
    __tablename__ = "invoice_comments"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    author_type: Mapped[str] = mapped_column(String(20))  # customer | staff
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    show_in_portal: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class RecurringProfile(Base):
    """A template staff bill from periodically. Its lines are kept as the validated input
    (JSON, amounts as strings) with the computed total: it is not a ledger document."""

    __tablename__ = "recurring_profiles"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[str] = mapped_column(String(20))  # weekly | monthly | quarterly | yearly
    start_date: Mapped[Date] = mapped_column(DateType)
    end_date: Mapped[Date | None] = mapped_column(DateType, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    lines: Mapped[list] = mapped_column(JSON, default=list)
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | deleted
    deleted_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class DocumentCounter(DocumentCounterMixin, Base):
    """The last number given per organization and prefix (INV-, RET-, CN-, PAY-, RFD-).

    Creates lock this row (FOR UPDATE) to take the next number, so concurrent creates
    queue here instead of colliding on the unique number.
    """

    __tablename__ = "document_counters"


class IdempotencyKey(IdempotencyKeyMixin, Base):
    """A create's answer kept under the caller's key: the same request again gets it back."""

    __tablename__ = "idempotency_keys"


# --- online payments -------------------------------------------------------------------

class GatewaySettings(Base):
    """An organization's Stripe account and the rules its payments follow.

    The secret key and the webhook secret are never returned by an RPC, logged or put in an
    event: the schemas only say whether they are set (and the key's last four characters).
    """

    __tablename__ = "gateway_settings"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="stripe")
    secret_key: Mapped[str] = mapped_column(String(255))
    publishable_key: Mapped[str] = mapped_column(String(255))
    webhook_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    api_base: Mapped[str] = mapped_column(String(255), default="https://api.stripe.com")
    supported_currencies: Mapped[list] = mapped_column(JSON, default=lambda: ["EUR", "USD"])
    supports_recurring: Mapped[bool] = mapped_column(Boolean, default=True)
    reference_transactions: Mapped[bool] = mapped_column(Boolean, default=True)
    require_billing_address: Mapped[bool] = mapped_column(Boolean, default=False)
    require_postal_code: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_window_minutes: Mapped[int] = mapped_column(Integer, default=5)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PaymentAttempt(Base):
    """One try at paying invoices online: one idempotency key (its id), one PaymentIntent.

    ``status``: processing (the gateway was or is being asked; outcome unknown until it
    answers or reconciliation asks it), requires_confirmation (the browser confirms the
    card), pending (a bank payment on its way), succeeded, failed.
    """

    __tablename__ = "payment_attempts"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_payment_attempts_idempotency_key"),
        UniqueConstraint("organization_id", "request_key",
                         name="uq_payment_attempts_org_request_key"),
        Index("ix_payment_attempts_status_updated", "status", "updated_at"),
        Index("ix_payment_attempts_intent", "intent_id"))

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Sent to Stripe as Idempotency-Key: the attempt's own id, unique.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    # The caller's optional key: the same request again gets this attempt back.
    request_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    method: Mapped[str] = mapped_column(String(20))  # card | saved_card | ach
    status: Mapped[str] = mapped_column(String(30), default="processing")
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    saved_method_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    gateway_method_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    gateway_customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    save_method: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_charge: Mapped[bool] = mapped_column(Boolean, default=False)
    # A new card is entered in the browser into a SetupIntent (Stripe.js confirmCardSetup),
    # then charged with a PaymentIntent confirmed by us.
    setup_intent_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    intent_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    client_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    cp_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    decline_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    settled_at = mapped_column(UTCDateTime(), nullable=True)

    invoices: Mapped[list["AttemptInvoice"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan",
        order_by="AttemptInvoice.position")


class AttemptInvoice(Base):
    """An invoice an attempt pays and how much of it. ``in_flight`` while the attempt is not
    settled: a partial unique index makes two unsettled attempts of one invoice impossible,
    whatever the number of billing processes."""

    __tablename__ = "attempt_invoices"
    __table_args__ = (
        Index("uq_attempt_invoices_in_flight", "invoice_id", unique=True,
              postgresql_where=text("in_flight"), sqlite_where=text("in_flight = 1")),)

    id: Mapped[str] = id_column()
    attempt_id: Mapped[str] = mapped_column(ForeignKey("payment_attempts.id",
                                                       ondelete="CASCADE"), index=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    in_flight: Mapped[bool] = mapped_column(Boolean, default=True)

    attempt: Mapped[PaymentAttempt] = relationship(back_populates="invoices")
    invoice: Mapped[Invoice] = relationship()


class StripeEvent(Base):
    """A webhook event already handled (per organization): a replay does nothing."""

    __tablename__ = "stripe_events"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(80))
    received_at = mapped_column(UTCDateTime(), default=utcnow)


class GatewayCustomer(Base):
    """The Stripe customer that holds a portal customer's saved methods (created once)."""

    __tablename__ = "gateway_customers"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    gateway_customer_id: Mapped[str] = mapped_column(String(255))
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class SavedMethod(Base):
    """A card or bank account the customer saved: only the gateway's ids and what the
    customer needs to recognise it (brand, last four digits, expiry, billing details)."""

    __tablename__ = "saved_methods"
    __table_args__ = (UniqueConstraint("organization_id", "gateway_method_id",
                                       name="uq_saved_methods_org_gateway_method"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    gateway_method_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20), default="card")  # card | us_bank_account
    brand: Mapped[str] = mapped_column(String(40), default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    exp_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exp_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    billing_name: Mapped[str] = mapped_column(String(200), default="")
    billing_address: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
