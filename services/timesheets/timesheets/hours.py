"""Durations: stored as whole minutes, shown and sent as hours with two decimals.

``hours * 60`` is rounded to the minute on the way in (1.5 → 90 minutes); on the way out
minutes are divided by 60 and rounded half up to the hundredth (20 minutes → "0.33").
Logged, billed and unbilled hours are SQL sums over the entries, per project or per task;
unbilled is logged minus billed, so the three always add up.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select

from .models import ApprovalEntry, TimeEntry

HUNDREDTH = Decimal("0.01")


def to_minutes(hours: Decimal) -> int:
    return int((Decimal(hours) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours_text(minutes: int | None) -> str:
    value = (Decimal(minutes or 0) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return format(value, "f")


def hours_fields(logged: int, billed: int) -> dict:
    return {"hours_logged": hours_text(logged), "hours_billed": hours_text(billed),
            "hours_unbilled": hours_text(logged - billed)}


def minutes_by(session, column, ids, billable_only: bool = False) -> dict:
    """``{id: (logged, billed)}`` in minutes, grouped by ``column`` (TimeEntry.project_id
    or TimeEntry.task_id) over ``ids``; with ``billable_only`` (what a customer sees) only
    billable entries count."""
    ids = list(ids)
    if not ids:
        return {}
    query = (select(column, func.coalesce(func.sum(TimeEntry.minutes), 0),
                    func.coalesce(func.sum(case((TimeEntry.billed_at.is_not(None),
                                                 TimeEntry.minutes), else_=0)), 0))
             .where(column.in_(ids)).group_by(column))
    if billable_only:
        query = query.where(TimeEntry.billable.is_(True))
    return {row[0]: (int(row[1]), int(row[2])) for row in session.execute(query)}


def approval_minutes(session, approval_ids) -> dict:
    """``{approval_id: (total, billable, entry_count)}``, minutes over each approval's
    entries (a rejected approval keeps the entries it was sent with)."""
    approval_ids = list(approval_ids)
    if not approval_ids:
        return {}
    query = (select(ApprovalEntry.approval_id, func.coalesce(func.sum(TimeEntry.minutes), 0),
                    func.coalesce(func.sum(case((TimeEntry.billable.is_(True),
                                                 TimeEntry.minutes), else_=0)), 0),
                    func.count(TimeEntry.id))
             .join(TimeEntry, TimeEntry.id == ApprovalEntry.time_entry_id)
             .where(ApprovalEntry.approval_id.in_(approval_ids))
             .group_by(ApprovalEntry.approval_id))
    return {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in session.execute(query)}
