"""Every timesheets route of the staff API, with another organization's ids: a 404 with the
error body, and nothing of the owner's changes (read back with the owner's key)."""
from types import SimpleNamespace

import pytest

from .billing_api import created, error, other_organization
from .conftest import create_customer
from .timesheets_api import DAY, entry, project, submit, task


@pytest.fixture
def owner(api):
    """A project with a task, an entry in a pending approval, a loose entry and comments."""
    customer = create_customer(api)
    site = project(api, customer)
    plumbing = task(api, site)
    submitted = entry(api, site, plumbing, "2.00")
    loose = entry(api, site, plumbing, "1.00", date="2026-03-03")
    approval = submit(api, site, [submitted])
    created(api.post(f"/projects/{site['id']}/comments", json={"body": "Interno"}))
    created(api.post(f"/timesheet-approvals/{approval['id']}/comments",
                     json={"body": "Visible", "show_in_portal": True}))
    return SimpleNamespace(customer=customer, project=site, task=plumbing,
                           submitted=submitted, loose=loose, approval=approval)


@pytest.fixture
def other(app, client):
    """Another organization with a customer, a project, a task and an entry of its own."""
    api = other_organization(app, client)
    customer = create_customer(api, "Bodegas Sur")
    site = project(api, customer, "Bodega nueva")
    cellar = task(api, site, "Albañilería")
    return SimpleNamespace(api=api, customer=customer, project=site, task=cellar,
                           entry=entry(api, site, cellar, "3.00"))


def _state(api, w) -> dict:
    """What the owner reads of everything the other organization aims at."""
    reads = [f"/projects/{w.project['id']}", f"/projects/{w.project['id']}/comments",
             f"/time-entries/{w.submitted['id']}", f"/time-entries/{w.loose['id']}",
             f"/timesheet-approvals/{w.approval['id']}",
             f"/timesheet-approvals/{w.approval['id']}/comments", "/projects",
             "/time-entries", "/timesheet-approvals"]
    state = {}
    for path in reads:
        response = api.get(path)
        assert response.status_code == 200, (path, response.json)
        state[path] = response.json
    return state


def _entry_body(project_id, task_id):
    return {"project_id": project_id, "task_id": task_id, "date": DAY, "hours": "1",
            "notes": "intruso"}


CASES = {
    "project for their customer": (
        lambda o, w: o.api.post("/projects", json={"customer_id": w.customer["id"],
                                                   "name": "Intruso"}),
        "customer_not_found"),
    "get project": (lambda o, w: o.api.get(f"/projects/{w.project['id']}"),
                    "project_not_found"),
    "change project": (lambda o, w: o.api.patch(f"/projects/{w.project['id']}",
                                                json={"name": "Cambiado"}),
                       "project_not_found"),
    "add task": (lambda o, w: o.api.post(f"/projects/{w.project['id']}/tasks",
                                         json={"name": "Intrusa", "billable": True}),
                 "project_not_found"),
    "change task": (lambda o, w: o.api.patch(
        f"/projects/{w.project['id']}/tasks/{w.task['id']}", json={"billable": False}),
        "project_not_found"),
    "change their task under my project": (lambda o, w: o.api.patch(
        f"/projects/{o.project['id']}/tasks/{w.task['id']}", json={"billable": False}),
        "task_not_found"),
    "read project comments": (lambda o, w: o.api.get(f"/projects/{w.project['id']}/comments"),
                              "project_not_found"),
    "comment on project": (lambda o, w: o.api.post(
        f"/projects/{w.project['id']}/comments", json={"body": "hola",
                                                       "show_in_portal": True}),
        "project_not_found"),
    "log time on their project": (
        lambda o, w: o.api.post("/time-entries",
                                json=_entry_body(w.project["id"], w.task["id"])),
        "project_not_found"),
    "get entry": (lambda o, w: o.api.get(f"/time-entries/{w.loose['id']}"),
                  "time_entry_not_found"),
    "change entry": (lambda o, w: o.api.patch(f"/time-entries/{w.loose['id']}",
                                              json={"hours": "5"}),
                     "time_entry_not_found"),
    "delete entry": (lambda o, w: o.api.delete(f"/time-entries/{w.loose['id']}"),
                     "time_entry_not_found"),
    "submit their project": (
        lambda o, w: o.api.post("/timesheet-approvals", json={
            "project_id": w.project["id"], "time_entry_ids": [w.loose["id"]]}),
        "project_not_found"),
    "get approval": (lambda o, w: o.api.get(f"/timesheet-approvals/{w.approval['id']}"),
                     "approval_not_found"),
    "read approval comments": (
        lambda o, w: o.api.get(f"/timesheet-approvals/{w.approval['id']}/comments"),
        "approval_not_found"),
    "comment on approval": (
        lambda o, w: o.api.post(f"/timesheet-approvals/{w.approval['id']}/comments",
                                json={"body": "hola"}),
        "approval_not_found"),
}


@pytest.mark.parametrize("case", CASES)
def test_another_organizations_id_is_404_and_changes_nothing(api, owner, other, case):
    attempt, code = CASES[case]
    before = _state(api, owner)
    error(attempt(other, owner), 404, code)
    assert _state(api, owner) == before


def test_their_entries_cannot_be_billed_submitted_or_logged_on_their_task(api, owner, other):
    before = _state(api, owner)
    billed = other.api.post("/time-entries/mark-billed",
                            json={"time_entry_ids": [owner.submitted["id"]]})
    assert owner.submitted["id"] in error(billed, 404, "time_entry_not_found")["details"][
        "time_entry_ids"]
    mine_with_theirs = other.api.post("/timesheet-approvals", json={
        "project_id": other.project["id"],
        "time_entry_ids": [other.entry["id"], owner.loose["id"]]})
    # Like another project's entry: not one of this project's (their id tells nothing).
    error(mine_with_theirs, 400, "invalid_approval")
    their_task = other.api.post("/time-entries",
                                json=_entry_body(other.project["id"], owner.task["id"]))
    error(their_task, 404, "task_not_found")
    assert other.api.get("/timesheet-approvals").json["total"] == 0
    assert other.api.get("/time-entries").json["total"] == 1
    assert _state(api, owner) == before


def test_lists_filtered_by_their_ids_are_empty(api, owner, other):
    for path, query in (("/projects", {"customer_id": owner.customer["id"]}),
                        ("/time-entries", {"project_id": owner.project["id"]}),
                        ("/timesheet-approvals", {"customer_id": owner.customer["id"]}),
                        ("/timesheet-approvals", {"project_id": owner.project["id"]})):
        page = other.api.get(path, query_string=query)
        assert (page.status_code, page.json["total"], page.json["items"]) == (200, 0, []), \
            (path, query)
    assert api.get("/projects", query_string={"customer_id": owner.customer["id"]}).json[
        "total"] == 1
