"""quotes's own tables. No other service reads them.

``quotes`` holds, for now, what the portal counts (quotes awaiting the customer's answer);
the lines, the sending and the customer's accept/decline arrive with the quotes issue.
Money is NUMERIC(18, 3), as in billing.
"""
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date as DateType, Index, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.timeutil import utcnow

MONEY = Numeric(18, 3)
# draft → sent → viewed → accepted | declined | expired; accepted → invoiced.
QUOTE_STATUSES = ("draft", "sent", "viewed", "accepted", "declined", "expired", "invoiced")


class Base(DeclarativeBase):
    pass


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in QUOTE_STATUSES)),
                        name="ck_quotes_status"),
        Index("ix_quotes_org_customer_status", "organization_id", "customer_id", "status"),
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


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
