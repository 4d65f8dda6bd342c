"""timesheets's own tables. No other service reads them.

``approvals`` holds, for now, what the portal counts (timesheet approvals awaiting the
customer); the hours, projects and the customer's approve/reject arrive with the
timesheets issue.
"""
from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.timeutil import utcnow

# draft → submitted (to the customer) → viewed → approved | rejected.
APPROVAL_STATUSES = ("draft", "submitted", "viewed", "approved", "rejected")


class Base(DeclarativeBase):
    pass


class Approval(Base):
    """A set of logged hours sent to the customer for approval."""

    __tablename__ = "approvals"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in APPROVAL_STATUSES)),
                        name="ck_approvals_status"),
        Index("ix_approvals_org_customer_status", "organization_id", "customer_id", "status"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    project_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
