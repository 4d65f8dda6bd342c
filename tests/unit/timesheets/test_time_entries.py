"""Logging time: hours refused when 0, negative or over 24; entries locked while in a
pending or approved approval or billed; marking billed is all or nothing and only for
approved time (SQLite in memory)."""
import pytest
from sqlalchemy import func, select

from timesheets import approvals, reads, time_entries
from timesheets.exceptions import (EntriesNotApproved, InvalidTimeEntry, ProjectNotFound,
                                   TaskNotFound, TimeEntryLocked, TimeEntryNotFound)
from timesheets.models import Outbox, TimeEntry

from .conftest import ANA, CUSTOMER, ORG, OTHER_ORG, log, new_project, new_task, submit


def count_entries(session):
    return session.scalar(select(func.count()).select_from(TimeEntry))


def test_an_entry_shows_its_hours_and_takes_billable_from_its_task(session, project, task):
    entry = log(session, task, "1.5", staff_name="Marta")
    shown = reads.time_entry(session, entry)
    assert {k: shown[k] for k in ("task_name", "date", "staff_name", "hours", "notes",
                                  "billable", "billing_status", "billed_at", "approval_id",
                                  "approval_status")} == {
        "task_name": "Obra", "date": "2026-11-02", "staff_name": "Marta", "hours": "1.50",
        "notes": "Trabajo", "billable": True, "billing_status": "unbilled", "billed_at": None,
        "approval_id": None, "approval_status": None}
    internal = new_task(session, project, "Interno", billable=False)
    assert log(session, internal).billable is False
    assert log(session, internal, billable=True).billable is True
    assert reads.time_entry(session, log(session, task, "0.33"))["hours"] == "0.33"
    assert log(session, task, 24).minutes == 24 * 60


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25", "0.001", "abc"])
def test_hours_out_of_range_are_refused_and_nothing_is_written(session, task, hours):
    with pytest.raises(InvalidTimeEntry) as refused:
        log(session, task, hours)
    assert list(refused.value.details) == ["hours"]
    session.rollback()
    assert count_entries(session) == 0


def test_an_entry_needs_the_organizations_project_and_that_projects_task(session, project,
                                                                         task):
    other = new_task(session, new_project(session, name="Otra"))
    with pytest.raises(TaskNotFound):
        time_entries.create_time_entry(session, ORG, {
            "project_id": project.id, "task_id": other.id, "date": "2026-11-02",
            "hours": "1"})
    with pytest.raises(ProjectNotFound):
        time_entries.create_time_entry(session, OTHER_ORG, {
            "project_id": project.id, "task_id": task.id, "date": "2026-11-02",
            "hours": "1"})
    with pytest.raises(InvalidTimeEntry) as refused:
        time_entries.create_time_entry(session, ORG, {"project_id": project.id})
    assert {"task_id", "date", "hours"} <= set(refused.value.details)


def test_entries_are_locked_while_pending_or_approved_and_free_after_a_rejection(
        session, project, task):
    entry = log(session, task)
    changed = time_entries.update_time_entry(session, ORG, entry.id,
                                             {"hours": "2", "notes": "Corregido"})
    assert (changed.minutes, changed.notes, changed.date.isoformat()) == (
        120, "Corregido", "2026-11-02")
    approval = submit(session, project, entry)
    with pytest.raises(TimeEntryLocked) as locked:
        time_entries.update_time_entry(session, ORG, entry.id, {"hours": "3"})
    assert locked.value.details["approval_status"] == "pending"
    with pytest.raises(TimeEntryLocked):
        time_entries.delete_time_entry(session, ORG, entry.id)

    approvals.reject_approval(session, ORG, CUSTOMER, ANA, approval.id,
                              {"contact_name": "Ana", "reason": "Son 1,5 horas"})
    session.commit()
    assert time_entries.update_time_entry(session, ORG, entry.id, {"hours": "1.5"}).minutes == 90
    with pytest.raises(InvalidTimeEntry):
        time_entries.update_time_entry(session, ORG, entry.id, {"project_id": "another"})
    with pytest.raises(InvalidTimeEntry):
        time_entries.update_time_entry(session, ORG, entry.id, {"hours": "30"})
    again = submit(session, project, entry)
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, again.id, {"contact_name": "Ana"})
    session.commit()
    with pytest.raises(TimeEntryLocked) as locked:
        time_entries.delete_time_entry(session, ORG, entry.id)
    assert locked.value.details["approval_status"] == "approved"
    time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": [entry.id]})
    with pytest.raises(TimeEntryLocked) as locked:
        time_entries.update_time_entry(session, ORG, entry.id, {"notes": "x"})
    assert locked.value.details["billing_status"] == "billed"


def test_a_free_entry_is_deleted_and_another_organizations_is_not_found(session, task):
    entry = log(session, task)
    with pytest.raises(TimeEntryNotFound):
        time_entries.delete_time_entry(session, OTHER_ORG, entry.id)
    with pytest.raises(TimeEntryNotFound):
        time_entries.get_time_entry(session, OTHER_ORG, entry.id)
    time_entries.delete_time_entry(session, ORG, entry.id)
    session.commit()
    assert count_entries(session) == 0


def test_marking_billed_is_all_or_nothing_and_only_for_approved_time(session, project, task):
    approved = [log(session, task, "1"), log(session, task, "2")]
    pending = log(session, task, "3")
    free = log(session, task, "4")
    approval = submit(session, project, *approved)
    submit(session, project, pending)
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, approval.id, {"contact_name": "Ana"})
    session.commit()

    with pytest.raises(EntriesNotApproved) as refused:
        time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": [
            approved[0].id, pending.id, free.id]})
    assert refused.value.details["time_entry_ids"] == [pending.id, free.id]
    session.rollback()
    assert all(e.billed_at is None for e in session.scalars(select(TimeEntry)))
    with pytest.raises(TimeEntryNotFound):
        time_entries.mark_entries_billed(session, OTHER_ORG,
                                         {"time_entry_ids": [approved[0].id]})
    with pytest.raises(InvalidTimeEntry):
        time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": []})

    billed = time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": [
        e.id for e in approved]})
    session.commit()
    assert [e.id for e in billed] == [e.id for e in approved]
    assert all(e["billing_status"] == "billed" for e in reads.time_entries(session, billed))
    [event] = session.scalars(select(Outbox).where(Outbox.event_type == "time_entries_billed"))
    assert event.payload == {
        "customer_id": CUSTOMER, "contact_id": None,
        "document": {"type": "project", "id": project.id, "number": "Reforma local"},
        "time_entry_ids": [e.id for e in approved], "hours": "3.00"}

    with pytest.raises(EntriesNotApproved) as refused:
        time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": [approved[1].id]})
    assert refused.value.details["billed"] == [approved[1].id]


def test_staff_list_entries_by_project_billing_status_and_dates(session, project, task):
    other_task = new_task(session, new_project(session, name="Otra"))
    first = log(session, task, date="2026-11-01")
    second = log(session, task, date="2026-11-10")
    log(session, other_task, date="2026-11-05")
    log(session, new_task(session, new_project(session, org=OTHER_ORG), org=OTHER_ORG),
        org=OTHER_ORG)
    approval = submit(session, project, first)
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, approval.id, {"contact_name": "Ana"})
    time_entries.mark_entries_billed(session, ORG, {"time_entry_ids": [first.id]})
    session.commit()

    def ids(query):
        return [e.id for e in time_entries.list_time_entry_page(session, ORG, query)["items"]]

    assert len(ids({})) == 3
    assert len(ids({"project_id": None, "billing_status": None, "date_from": None})) == 3
    assert ids({"project_id": project.id}) == [second.id, first.id]
    assert ids({"project_id": project.id, "billing_status": "billed"}) == [first.id]
    assert ids({"project_id": project.id, "billing_status": "unbilled"}) == [second.id]
    assert ids({"date_from": "2026-11-02", "date_to": "2026-11-09"}) != []
    assert ids({"date_from": "2026-11-06"}) == [second.id]
