"""Time logged on a project's tasks, and marking approved time billed.

An entry in a pending or approved approval, or billed, is locked: it cannot be changed
nor deleted (TimeEntryLocked). Once its approval is rejected it can be corrected and
submitted again.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal_common.errors import load_or_refuse as load
from portal_common.timeutil import utcnow

from . import schemas
from .exceptions import (EntriesNotApproved, InvalidTimeEntry, TimeEntryLocked,
                         TimeEntryNotFound)
from .hours import hours_text, to_minutes
from .models import Approval, ApprovalEntry, TimeEntry
from .operations import emit, page_of
from .projects import get_project, get_task


def with_task(query):
    """Load each entry's task with the rows (a TimeEntry dump shows its name)."""
    return query.options(selectinload(TimeEntry.task))


def active_approvals(session, entry_ids) -> dict:
    """``{time_entry_id: Approval}``: the pending or approved approval each entry is in."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return {}
    rows = session.execute(select(ApprovalEntry.time_entry_id, Approval)
                           .join(Approval, Approval.id == ApprovalEntry.approval_id)
                           .where(ApprovalEntry.active.is_(True),
                                  ApprovalEntry.time_entry_id.in_(entry_ids)))
    return {entry_id: approval for entry_id, approval in rows}


def get_time_entry(session, organization_id: str, entry_id: str,
                   lock: bool = False) -> TimeEntry:
    entry = session.get(TimeEntry, entry_id, with_for_update=lock,
                        populate_existing=lock) if entry_id else None
    if entry is None or entry.organization_id != organization_id:
        raise TimeEntryNotFound("Time entry not found.", {"time_entry_id": entry_id})
    return entry


def _refuse_if_locked(session, entry: TimeEntry) -> None:
    if entry.billed_at is not None:
        raise TimeEntryLocked("A billed time entry cannot change.",
                              {"time_entry_id": entry.id, "billing_status": "billed"})
    approval = active_approvals(session, [entry.id]).get(entry.id)
    if approval is not None:
        raise TimeEntryLocked(
            f"The time entry is in a {approval.status} timesheet approval.",
            {"time_entry_id": entry.id, "approval_id": approval.id,
             "approval_status": approval.status})


def create_time_entry(session, organization_id: str, data: dict) -> TimeEntry:
    values = load(schemas.TimeEntryCreateSchema(), data, error_class=InvalidTimeEntry)
    project = get_project(session, organization_id, values["project_id"])
    task = get_task(session, organization_id, project.id, values["task_id"])
    billable = values["billable"]
    entry = TimeEntry(organization_id=organization_id, project_id=project.id, task_id=task.id,
                      date=values["date"], staff_name=values["staff_name"],
                      minutes=to_minutes(values["hours"]), notes=values["notes"],
                      billable=task.billable if billable is None else billable)
    session.add(entry)
    session.flush()
    return entry


def update_time_entry(session, organization_id: str, entry_id: str, data: dict) -> TimeEntry:
    """Change the fields given (not its project); a locked entry is refused."""
    entry = get_time_entry(session, organization_id, entry_id, lock=True)
    values = load(schemas.TimeEntryUpdateSchema(), data, partial=True,
                  error_class=InvalidTimeEntry)
    if values.get("project_id", entry.project_id) != entry.project_id:
        raise InvalidTimeEntry("A time entry stays in its project.",
                               {"project_id": ["A time entry stays in its project."]})
    _refuse_if_locked(session, entry)
    if "task_id" in values:
        entry.task = get_task(session, organization_id, entry.project_id, values["task_id"])
    if "hours" in values:
        entry.minutes = to_minutes(values["hours"])
    for name in ("date", "notes", "staff_name"):
        if name in values:
            setattr(entry, name, values[name])
    if values.get("billable") is not None:
        entry.billable = values["billable"]
    session.flush()
    return entry


def delete_time_entry(session, organization_id: str, entry_id: str) -> None:
    entry = get_time_entry(session, organization_id, entry_id, lock=True)
    _refuse_if_locked(session, entry)
    session.delete(entry)
    session.flush()


def list_time_entry_page(session, organization_id: str, query: dict | None = None) -> dict:
    """Entries filtered by project_id, billing_status (billed|unbilled) and a date range,
    newest first."""
    values = load(schemas.TimeEntryListQuerySchema(), query or {})
    select_ = select(TimeEntry).where(TimeEntry.organization_id == organization_id)
    if values.get("project_id"):
        select_ = select_.where(TimeEntry.project_id == values["project_id"])
    if values.get("billing_status") == "billed":
        select_ = select_.where(TimeEntry.billed_at.is_not(None))
    elif values.get("billing_status") == "unbilled":
        select_ = select_.where(TimeEntry.billed_at.is_(None))
    if values.get("date_from"):
        select_ = select_.where(TimeEntry.date >= values["date_from"])
    if values.get("date_to"):
        select_ = select_.where(TimeEntry.date <= values["date_to"])
    select_ = with_task(select_.order_by(TimeEntry.date.desc(), TimeEntry.created_at.desc(),
                                          TimeEntry.id))
    return page_of(session, select_, values["page"], values["per_page"])


def mark_entries_billed(session, organization_id: str, data: dict) -> list[TimeEntry]:
    """All or nothing: every entry must be in an approved approval and not billed yet.

    The entries are locked (FOR UPDATE) so two staff marking them at once bill them once.
    One ``time_entries_billed`` per project.
    """
    values = load(schemas.TimeEntryIdsSchema(), data, error_class=InvalidTimeEntry)
    ids = list(dict.fromkeys(values["time_entry_ids"]))
    entries = {e.id: e for e in session.scalars(
        select(TimeEntry).where(TimeEntry.organization_id == organization_id,
                                TimeEntry.id.in_(ids))
        .with_for_update().execution_options(populate_existing=True))}
    missing = [i for i in ids if i not in entries]
    if missing:
        raise TimeEntryNotFound("Time entry not found.", {"time_entry_ids": missing})
    billed = [i for i in ids if entries[i].billed_at is not None]
    approvals = active_approvals(session, ids)
    not_approved = [i for i in ids if i not in billed and (
        i not in approvals or approvals[i].status != "approved")]
    if billed or not_approved:
        raise EntriesNotApproved(
            "Only time entries of an approved timesheet, not billed yet, can be marked billed.",
            {"time_entry_ids": billed + not_approved, "billed": billed,
             "not_approved": not_approved})
    now = utcnow()
    by_project = {}
    for i in ids:
        entries[i].billed_at = now
        by_project.setdefault(entries[i].project_id, []).append(entries[i])
    session.flush()
    for project_entries in by_project.values():
        project = project_entries[0].project
        emit(session, "time_entries_billed", organization_id,
             {"customer_id": project.customer_id, "contact_id": None,
              "document": {"type": "project", "id": project.id, "number": project.name},
              "time_entry_ids": [e.id for e in project_entries],
              "hours": hours_text(sum(e.minutes for e in project_entries))})
    return [entries[i] for i in ids]
