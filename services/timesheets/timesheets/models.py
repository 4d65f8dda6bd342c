"""timesheets's own tables. No other service reads them.

Projects of a customer, their tasks and the time logged on them; approvals are sets of
time entries sent to the customer (numbered TS-00001 per organization), which the customer
approves or rejects in the portal; comments on projects and approvals.

Durations are whole minutes (``time_entries.minutes``); they travel as hours with two
decimals. An entry is in at most one pending or approved approval: its ``approval_entries``
row is ``active`` then, and a partial unique index over the active rows refuses a second one
whatever the number of timesheets processes. Rejecting an approval deactivates its rows.
"""
from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal_common.db import UTCDateTime, id_column
from portal_common.events import OutboxMixin, ProcessedEventMixin
from portal_common.numbering import DocumentCounterMixin
from portal_common.timeutil import utcnow

PROJECT_STATUSES = ("active", "inactive")
BILLING_METHODS = ("fixed_cost", "project_hours", "task_hours", "staff_hours")
# pending (waiting for the customer) → approved | rejected.
APPROVAL_STATUSES = ("pending", "approved", "rejected")
COMMENT_TARGETS = ("project", "approval")
AUTHOR_TYPES = ("staff", "customer")
MAX_MINUTES = 24 * 60


def _one_of(column: str, values, name: str) -> CheckConstraint:
    return CheckConstraint("{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values)),
                           name=name)


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        _one_of("status", PROJECT_STATUSES, "ck_projects_status"),
        _one_of("billing_method", BILLING_METHODS, "ck_projects_billing_method"),
        Index("ix_projects_org_customer_status", "organization_id", "customer_id", "status"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    billing_method: Mapped[str] = mapped_column(String(20), default="project_hours")
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    tasks = relationship("Task", back_populates="project", order_by="Task.created_at, Task.id",
                         cascade="all, delete-orphan")


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship(Project, back_populates="tasks")


class TimeEntry(Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_MINUTES}",
                        name="ck_time_entries_minutes"),
        Index("ix_time_entries_project_date", "project_id", "date"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"),
                                         index=True)
    date = mapped_column(Date, nullable=False)
    staff_name: Mapped[str] = mapped_column(String(200), default="")
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    billed_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    project = relationship(Project)
    task = relationship(Task)


class Approval(Base):
    """Time entries of one project sent to the customer for approval."""

    __tablename__ = "approvals"
    __table_args__ = (
        _one_of("status", APPROVAL_STATUSES, "ck_approvals_status"),
        Index("ix_approvals_org_customer_status", "organization_id", "customer_id", "status"),
        UniqueConstraint("organization_id", "number", name="uq_approvals_org_number"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    period_start = mapped_column(Date, nullable=False)
    period_end = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    rejection_reason = mapped_column(Text, nullable=True)
    decided_at = mapped_column(UTCDateTime(), nullable=True)
    decided_by_contact_id = mapped_column(String(36), nullable=True)
    decided_by_name = mapped_column(String(200), nullable=True)
    first_viewed_at = mapped_column(UTCDateTime(), nullable=True)
    first_viewed_by_contact_id = mapped_column(String(36), nullable=True)
    submitted_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship(Project)
    links = relationship("ApprovalEntry", back_populates="approval",
                         cascade="all, delete-orphan")


class ApprovalEntry(Base):
    """A time entry in an approval; ``active`` while the approval is pending or approved."""

    __tablename__ = "approval_entries"
    __table_args__ = (
        Index("uq_approval_entries_active", "time_entry_id", unique=True,
              postgresql_where=text("active"), sqlite_where=text("active = 1")),
    )

    id: Mapped[str] = id_column()
    approval_id: Mapped[str] = mapped_column(ForeignKey("approvals.id", ondelete="CASCADE"),
                                             index=True)
    time_entry_id: Mapped[str] = mapped_column(ForeignKey("time_entries.id",
                                                          ondelete="CASCADE"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    approval = relationship(Approval, back_populates="links")
    time_entry = relationship(TimeEntry)


class Comment(Base):
    """A comment on a project or an approval, by staff or by the customer in the portal."""

    __tablename__ = "comments"
    __table_args__ = (
        _one_of("target_type", COMMENT_TARGETS, "ck_comments_target_type"),
        _one_of("author_type", AUTHOR_TYPES, "ck_comments_author_type"),
        Index("ix_comments_target", "target_type", "target_id"),
    )

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(36))
    author_type: Mapped[str] = mapped_column(String(20))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id = mapped_column(String(36), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    show_in_portal: Mapped[bool] = mapped_column(Boolean, default=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


class DocumentCounter(DocumentCounterMixin, Base):
    """The last approval number given per organization and prefix (TS-)."""

    __tablename__ = "document_counters"


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
