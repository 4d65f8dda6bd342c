"""Projects and tasks: created, changed, listed, and their hours logged, billed and
unbilled, which add up (SQLite in memory)."""
import pytest

from timesheets import approvals, projects, reads, time_entries
from timesheets.exceptions import InvalidProject, ProjectNotFound, TaskNotFound

from .conftest import (ANA, CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, log, new_project,
                       new_task, submit)


def test_a_project_has_defaults_and_refuses_bad_fields(session):
    project = new_project(session, description="Local de la calle Mayor")
    shown = reads.project(session, project)
    assert {k: shown[k] for k in ("customer_id", "name", "description", "status",
                                  "billing_method", "hours_logged", "hours_billed",
                                  "hours_unbilled")} == {
        "customer_id": CUSTOMER, "name": "Reforma local",
        "description": "Local de la calle Mayor", "status": "active",
        "billing_method": "project_hours", "hours_logged": "0.00", "hours_billed": "0.00",
        "hours_unbilled": "0.00"}
    with pytest.raises(InvalidProject) as refused:
        projects.create_project(session, ORG, {"customer_id": CUSTOMER, "name": "  ",
                                               "billing_method": "by_the_hour"})
    assert set(refused.value.details) == {"name", "billing_method"}
    with pytest.raises(InvalidProject) as refused:
        projects.create_project(session, ORG, {"name": "Sin cliente"})
    assert "customer_id" in refused.value.details


def test_a_project_changes_partially_and_keeps_its_customer_once_submitted(session, project,
                                                                           task):
    changed = projects.update_project(session, ORG, project.id,
                                      {"status": "inactive", "billing_method": "task_hours"})
    assert (changed.name, changed.status, changed.billing_method) == (
        "Reforma local", "inactive", "task_hours")
    projects.update_project(session, ORG, project.id, {"customer_id": OTHER_CUSTOMER})
    projects.update_project(session, ORG, project.id, {"customer_id": CUSTOMER})
    submit(session, project, log(session, task))
    with pytest.raises(InvalidProject) as refused:
        projects.update_project(session, ORG, project.id, {"customer_id": OTHER_CUSTOMER})
    assert "customer_id" in refused.value.details
    with pytest.raises(ProjectNotFound):
        projects.update_project(session, OTHER_ORG, project.id, {"name": "Mía"})


def test_tasks_are_the_projects_own(session, project):
    task = projects.create_task(session, ORG, project.id, {"name": "Diseño"})
    assert task.billable is True
    other = new_project(session, name="Otra")
    with pytest.raises(TaskNotFound):
        projects.update_task(session, ORG, other.id, task.id, {"name": "X"})
    with pytest.raises(ProjectNotFound):
        projects.create_task(session, OTHER_ORG, project.id, {"name": "X"})
    with pytest.raises(InvalidProject):
        projects.create_task(session, ORG, project.id, {"name": ""})
    changed = projects.update_task(session, ORG, project.id, task.id, {"billable": False})
    assert (changed.name, changed.billable) == ("Diseño", False)


def test_hours_logged_billed_and_unbilled_add_up(session, project):
    work = new_task(session, project, "Obra")
    internal = new_task(session, project, "Interno", billable=False)
    first = log(session, work, "1.5", "2026-11-02")
    second = log(session, work, "2.25", "2026-11-03")
    third = log(session, internal, "0.5", "2026-11-03")
    log(session, work, "1", "2026-11-04")                  # not submitted
    approval = submit(session, project, first, second, third)
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, approval.id, {"contact_name": "Ana"})
    time_entries.mark_entries_billed(session, ORG,
                                     {"time_entry_ids": [first.id, second.id, third.id]})
    session.commit()

    staff = reads.project_detail(session, project)
    assert (staff["hours_logged"], staff["hours_billed"], staff["hours_unbilled"]) == (
        "5.25", "4.25", "1.00")
    by_task = {t["name"]: (t["hours_logged"], t["hours_billed"], t["hours_unbilled"])
               for t in staff["tasks"]}
    assert by_task == {"Obra": ("4.75", "3.75", "1.00"), "Interno": ("0.50", "0.50", "0.00")}
    assert [e["date"] for e in staff["time_entries"]] == [
        "2026-11-04", "2026-11-03", "2026-11-03", "2026-11-02"]
    assert [e["billing_status"] for e in staff["time_entries"]].count("billed") == 3

    customer = reads.project_detail(session, project, portal=True)
    assert (customer["hours_logged"], customer["hours_billed"],
            customer["hours_unbilled"]) == ("4.75", "3.75", "1.00")
    assert all(e["billable"] for e in customer["time_entries"])
    assert len(customer["time_entries"]) == 3


def test_the_customer_sees_only_their_active_projects(session, project):
    new_project(session, name="Parada", status="inactive")
    new_project(session, customer=OTHER_CUSTOMER, name="Ajena")
    new_project(session, org=OTHER_ORG, name="De otra organización")
    page = projects.portal_project_page(session, ORG, CUSTOMER, {})
    assert [p.name for p in page["items"]] == ["Reforma local"]
    inactive = projects.list_project_page(session, ORG, {"status": "inactive"})["items"][0]
    with pytest.raises(ProjectNotFound):
        projects.get_project(session, ORG, inactive.id, CUSTOMER)
    with pytest.raises(ProjectNotFound):
        projects.get_project(session, ORG, project.id, OTHER_CUSTOMER)
    with pytest.raises(ProjectNotFound):
        projects.get_project(session, OTHER_ORG, project.id)
    assert projects.get_project(session, ORG, project.id, CUSTOMER) is project


def test_staff_list_projects_filtered_sorted_and_paged(session):
    for name in ("Beta", "Alfa", "Gamma"):
        new_project(session, name=name)
    new_project(session, customer=OTHER_CUSTOMER, name="Delta")
    new_project(session, org=OTHER_ORG, name="Épsilon")
    page = projects.list_project_page(session, ORG, {"sort": "-name", "per_page": 2})
    assert [p.name for p in page["items"]] == ["Gamma", "Delta"]
    assert (page["total"], page["pages"]) == (4, 2)
    mine = projects.list_project_page(session, ORG, {"customer_id": CUSTOMER, "status": "all"})
    assert [p.name for p in mine["items"]] == ["Alfa", "Beta", "Gamma"]
    with pytest.raises(Exception) as refused:
        projects.list_project_page(session, ORG, {"sort": "price"})
    assert "sort" in refused.value.details
