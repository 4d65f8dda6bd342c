"""What staff and the portal read: projects with their hours, tasks and entries; approvals
with their totals, entries and comments.

Built as plain dicts in the wire form (hours as "1.50", dates ISO), each part dumped with
its schema of schemas.py (ProjectDetailSchema and ApprovalDetailSchema describe the whole):
these are views over several tables, not rows of one. Hours are SQL sums (hours.py), one
query per kind of figure for a whole page. Acting for a customer
(``portal``), only billable entries are shown and counted, and only comments shown there.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import schemas
from .comments import comments_of
from .hours import approval_minutes, hours_fields, hours_text, minutes_by
from .models import Approval, ApprovalEntry, Task, TimeEntry
from .time_entries import active_approvals

project_schema = schemas.ProjectSchema()
task_schema = schemas.TaskSchema()
time_entry_schema = schemas.TimeEntrySchema()
approval_schema = schemas.ApprovalSchema()
comment_schema = schemas.CommentSchema()


def time_entries(session, entries) -> list[dict]:
    entries = list(entries)
    approvals = active_approvals(session, [e.id for e in entries])
    views = []
    for entry in entries:
        approval = approvals.get(entry.id)
        views.append({
            "id": entry.id, "project_id": entry.project_id, "task_id": entry.task_id,
            "task_name": entry.task.name, "date": entry.date, "staff_name": entry.staff_name,
            "hours": hours_text(entry.minutes), "notes": entry.notes,
            "billable": entry.billable,
            "billing_status": "billed" if entry.billed_at else "unbilled",
            "billed_at": entry.billed_at, "approval_id": approval.id if approval else None,
            "approval_status": approval.status if approval else None,
            "created_at": entry.created_at})
    return time_entry_schema.dump(views, many=True)


def time_entry(session, entry: TimeEntry) -> dict:
    return time_entries(session, [entry])[0]


def tasks(session, tasks_, portal: bool = False) -> list[dict]:
    tasks_ = list(tasks_)
    minutes = minutes_by(session, TimeEntry.task_id, [t.id for t in tasks_], portal)
    return [{**task_schema.dump(t), **hours_fields(*minutes.get(t.id, (0, 0)))}
            for t in tasks_]


def task(session, task_: Task) -> dict:
    return tasks(session, [task_])[0]


def projects(session, projects_, portal: bool = False) -> list[dict]:
    projects_ = list(projects_)
    minutes = minutes_by(session, TimeEntry.project_id, [p.id for p in projects_], portal)
    return [{**project_schema.dump(p), **hours_fields(*minutes.get(p.id, (0, 0)))}
            for p in projects_]


def project(session, project_) -> dict:
    return projects(session, [project_])[0]


def project_detail(session, project_, portal: bool = False) -> dict:
    """ProjectDetail: the project with its tasks, its entries (newest first) and comments."""
    tasks_ = session.scalars(select(Task).where(Task.project_id == project_.id)
                             .order_by(Task.created_at, Task.id))
    entries = select(TimeEntry).where(TimeEntry.project_id == project_.id)
    if portal:
        entries = entries.where(TimeEntry.billable.is_(True))
    entries = session.scalars(entries.options(selectinload(TimeEntry.task))
                              .order_by(TimeEntry.date.desc(), TimeEntry.created_at.desc(),
                                        TimeEntry.id))
    return {
        **projects(session, [project_], portal)[0],
        "tasks": tasks(session, tasks_, portal),
        "time_entries": time_entries(session, entries),
        "comments": comment_schema.dump(comments_of(session, "project", project_.id, portal),
                                        many=True)}


def approvals(session, approvals_) -> list[dict]:
    approvals_ = list(approvals_)
    minutes = approval_minutes(session, [a.id for a in approvals_])
    views = []
    for a in approvals_:
        total, billable, count = minutes.get(a.id, (0, 0, 0))
        views.append({
            "id": a.id, "number": a.number, "project_id": a.project_id,
            "project_name": a.project.name, "customer_id": a.customer_id,
            "period_start": a.period_start, "period_end": a.period_end, "status": a.status,
            "rejection_reason": a.rejection_reason, "decided_at": a.decided_at,
            "decided_by_name": a.decided_by_name, "first_viewed_at": a.first_viewed_at,
            "submitted_at": a.submitted_at, "total_hours": hours_text(total),
            "billable_hours": hours_text(billable), "entry_count": count})
    return approval_schema.dump(views, many=True)


def approval(session, approval_: Approval) -> dict:
    return approvals(session, [approval_])[0]


def approval_detail(session, approval_: Approval, portal: bool = False) -> dict:
    """ApprovalDetail: the approval with the entries it was sent with (oldest date first)
    and its comments."""
    entries = session.scalars(
        select(TimeEntry).join(ApprovalEntry, ApprovalEntry.time_entry_id == TimeEntry.id)
        .where(ApprovalEntry.approval_id == approval_.id)
        .options(selectinload(TimeEntry.task))
        .order_by(TimeEntry.date, TimeEntry.created_at, TimeEntry.id))
    return {
        **approvals(session, [approval_])[0],
        "entries": time_entries(session, entries),
        "comments": comment_schema.dump(comments_of(session, "approval", approval_.id,
                                                    portal), many=True)}


def page(session, page_: dict, view, **kwargs) -> dict:
    """A page of rows, its items as ``view`` shows them."""
    return {**page_, "items": view(session, page_["items"], **kwargs)}
