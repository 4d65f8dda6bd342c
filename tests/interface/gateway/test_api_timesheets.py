"""Projects, tasks, time entries and timesheet approvals through the staff API, against the
real identity and timesheets services: what an integrator sends and reads back, and every
refusal (bad hours, locked entries, an entry in two approvals, billing before approval)
with nothing half-written."""
import pytest

from .billing_api import created, error
from .conftest import create_customer
from .timesheets_api import DAY, decide, entry, project, submit, task


@pytest.fixture
def customer(api):
    return create_customer(api)


@pytest.fixture
def work(api, customer):
    """A project with a billable and a non-billable task, and two entries on the first."""
    site = project(api, customer)
    plumbing = task(api, site)
    meeting = task(api, site, "Reuniones", billable=False)
    first = entry(api, site, plumbing, "1.50")
    second = entry(api, site, plumbing, "2.25", date="2026-03-04", staff_name="Luis")
    return site, plumbing, meeting, first, second


def read(api, path) -> dict:
    response = api.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


# --- projects and tasks ----------------------------------------------------------------------

def test_a_project_is_created_listed_read_and_changed(api, customer):
    response = api.post("/projects", json={"customer_id": customer["id"],
                                           "name": "Reforma de oficinas"})
    site = created(response)
    assert response.headers["Location"].endswith(f"/api/v1/projects/{site['id']}")
    assert site["customer_id"] == customer["id"] and site["name"] == "Reforma de oficinas"
    assert (site["status"], site["billing_method"]) == ("active", "project_hours")
    assert (site["hours_logged"], site["hours_billed"], site["hours_unbilled"]) == \
        ("0.00", "0.00", "0.00")

    other = project(api, customer, "Mantenimiento", billing_method="task_hours",
                    description="Anual")
    listing = read(api, "/projects")
    assert listing["total"] == 2 and {p["id"] for p in listing["items"]} == {site["id"],
                                                                            other["id"]}
    changed = api.patch(f"/projects/{other['id']}", json={"status": "inactive",
                                                          "name": "Mantenimiento 2026"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["status"], changed.json["name"]) == ("inactive", "Mantenimiento 2026")
    assert changed.json["billing_method"] == "task_hours"
    assert [p["id"] for p in read(api, "/projects?status=active")["items"]] == [site["id"]]
    assert read(api, f"/projects?customer_id={customer['id']}")["total"] == 2
    detail = read(api, f"/projects/{site['id']}")
    assert detail["tasks"] == [] and detail["time_entries"] == [] and detail["comments"] == []


def test_tasks_are_added_and_changed(api, customer):
    site = project(api, customer)
    response = api.post(f"/projects/{site['id']}/tasks", json={"name": "Fontanería",
                                                               "billable": True})
    plumbing = created(response)
    assert response.headers["Location"].endswith(
        f"/api/v1/projects/{site['id']}/tasks/{plumbing['id']}")
    assert (plumbing["name"], plumbing["billable"], plumbing["project_id"]) == \
        ("Fontanería", True, site["id"])
    assert plumbing["hours_logged"] == "0.00"
    changed = api.patch(f"/projects/{site['id']}/tasks/{plumbing['id']}",
                        json={"billable": False, "description": "Baños"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["billable"], changed.json["description"]) == (False, "Baños")
    [shown] = read(api, f"/projects/{site['id']}")["tasks"]
    assert shown["id"] == plumbing["id"] and shown["billable"] is False


@pytest.mark.parametrize("body, field", [
    ({"name": "Sin cliente"}, "customer_id"),
    ({"customer_id": "x", "name": ""}, "name"),
    ({"customer_id": "x", "name": "P", "billing_method": "per_minute"}, "billing_method"),
    ({"customer_id": "x", "name": "P", "status": "archived"}, "status"),
    ({"customer_id": "x", "name": "P", "colour": "red"}, "colour"),
])
def test_bad_project_bodies_are_refused(api, customer, body, field):
    body = {**body, "customer_id": customer["id"]} if "customer_id" in body else body
    details = error(api.post("/projects", json=body), 400)["details"]
    assert field in details
    assert read(api, "/projects")["total"] == 0


def test_a_project_for_an_unknown_customer_is_404(api):
    error(api.post("/projects", json={"customer_id": "nobody", "name": "P"}), 404,
          "customer_not_found")
    assert read(api, "/projects")["total"] == 0


# --- time entries ----------------------------------------------------------------------------

def test_time_is_logged_read_listed_changed_and_deleted(api, work):
    site, plumbing, meeting, first, second = work
    assert (first["hours"], first["billable"], first["billing_status"]) == \
        ("1.50", True, "unbilled")
    assert (first["task_id"], first["task_name"], first["date"]) == \
        (plumbing["id"], "Fontanería", DAY)
    assert first["approval_id"] is None and first["billed_at"] is None
    not_billable = entry(api, site, meeting, "0.75")
    assert not_billable["billable"] is False
    assert read(api, f"/time-entries/{first['id']}") == first

    listing = read(api, f"/time-entries?project_id={site['id']}")
    assert listing["total"] == 3
    dated = read(api, "/time-entries?date_from=2026-03-03&date_to=2026-03-31")
    assert [e["id"] for e in dated["items"]] == [second["id"]]
    assert read(api, "/time-entries?billing_status=billed")["total"] == 0

    changed = api.patch(f"/time-entries/{first['id']}", json={"hours": "3", "notes": "Más"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["hours"], changed.json["notes"]) == ("3.00", "Más")
    detail = read(api, f"/projects/{site['id']}")
    assert detail["hours_logged"] == "6.00"  # 3 + 2.25 + 0.75
    assert detail["hours_unbilled"] == "6.00" and detail["hours_billed"] == "0.00"
    by_task = {t["id"]: t for t in detail["tasks"]}
    assert by_task[plumbing["id"]]["hours_logged"] == "5.25"
    assert by_task[meeting["id"]]["hours_logged"] == "0.75"

    deleted = api.delete(f"/time-entries/{not_billable['id']}")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    error(api.get(f"/time-entries/{not_billable['id']}"), 404, "time_entry_not_found")
    assert read(api, f"/projects/{site['id']}")["hours_logged"] == "5.25"


@pytest.mark.parametrize("hours", ["0", "0.00", "-1", -2, "25", 24.5, "abc", None])
def test_hours_must_be_more_than_0_and_at_most_24(api, work, hours):
    site, plumbing, _meeting, first, _second = work
    refused = api.post("/time-entries", json={
        "project_id": site["id"], "task_id": plumbing["id"], "date": DAY, "hours": hours,
        "notes": "x"})
    assert "hours" in error(refused, 400)["details"]
    assert read(api, "/time-entries")["total"] == 2
    changed = api.patch(f"/time-entries/{first['id']}", json={"hours": hours})
    assert "hours" in error(changed, 400)["details"]
    assert read(api, f"/time-entries/{first['id']}")["hours"] == "1.50"


def test_24_hours_and_a_quarter_of_an_hour_are_accepted(api, work):
    site, plumbing, *_ = work
    assert entry(api, site, plumbing, "24")["hours"] == "24.00"
    assert entry(api, site, plumbing, 0.25)["hours"] == "0.25"


def test_an_entry_needs_a_task_of_its_project(api, customer, work):
    site, plumbing, *_ = work
    elsewhere = project(api, customer, "Otro")
    foreign_task = task(api, elsewhere, "Pintura")
    refused = api.post("/time-entries", json={
        "project_id": site["id"], "task_id": foreign_task["id"], "date": DAY,
        "hours": "1", "notes": ""})
    error(refused, 404, "task_not_found")
    missing = api.post("/time-entries", json={"project_id": site["id"], "date": DAY,
                                              "hours": "1"})
    assert "task_id" in error(missing, 400)["details"]
    assert read(api, "/time-entries")["total"] == 2


# --- approvals -------------------------------------------------------------------------------

def test_an_approval_is_submitted_and_locks_its_entries(api, customer, work):
    site, _plumbing, _meeting, first, second = work
    response = api.post("/timesheet-approvals", json={
        "project_id": site["id"], "time_entry_ids": [first["id"], second["id"]]})
    approval = created(response)
    assert response.headers["Location"].endswith(
        f"/api/v1/timesheet-approvals/{approval['id']}")
    assert approval["number"].startswith("TS-") and approval["status"] == "pending"
    assert (approval["project_id"], approval["project_name"], approval["customer_id"]) == \
        (site["id"], site["name"], customer["id"])
    assert (approval["period_start"], approval["period_end"]) == (DAY, "2026-03-04")
    assert (approval["total_hours"], approval["billable_hours"], approval["entry_count"]) == \
        ("3.75", "3.75", 2)
    assert {e["id"] for e in approval["entries"]} == {first["id"], second["id"]}
    assert approval["decided_at"] is None and approval["first_viewed_at"] is None
    assert read(api, f"/timesheet-approvals/{approval['id']}") == approval
    locked = read(api, f"/time-entries/{first['id']}")
    assert (locked["approval_id"], locked["approval_status"]) == (approval["id"], "pending")

    error(api.patch(f"/time-entries/{first['id']}", json={"hours": "2"}), 409,
          "time_entry_locked")
    error(api.delete(f"/time-entries/{second['id']}"), 409, "time_entry_locked")
    assert read(api, f"/time-entries/{first['id']}")["hours"] == "1.50"
    assert read(api, f"/time-entries/{second['id']}")["hours"] == "2.25"

    listing = read(api, "/timesheet-approvals?status=pending")
    assert [a["id"] for a in listing["items"]] == [approval["id"]]
    assert read(api, "/timesheet-approvals?status=approved")["total"] == 0
    assert read(api, f"/timesheet-approvals?project_id={site['id']}")["total"] == 1


def test_an_entry_is_in_one_pending_or_approved_approval_at_a_time(app, api, org, customer,
                                                                   work):
    site, plumbing, _meeting, first, second = work
    approval = submit(api, site, [first])
    twice = api.post("/timesheet-approvals", json={
        "project_id": site["id"], "time_entry_ids": [second["id"], first["id"]]})
    assert first["id"] in error(twice, 409, "entry_already_in_approval")["details"][
        "time_entry_ids"]
    assert read(api, "/timesheet-approvals")["total"] == 1
    assert read(api, f"/time-entries/{second['id']}")["approval_id"] is None

    decide(app, org, customer, approval)
    again = api.post("/timesheet-approvals", json={"project_id": site["id"],
                                                   "time_entry_ids": [first["id"]]})
    error(again, 409, "entry_already_in_approval")
    assert read(api, "/timesheet-approvals")["total"] == 1


def test_bad_approval_bodies_are_refused(api, customer, work):
    site, plumbing, _meeting, first, _second = work
    other = project(api, customer, "Otro")
    theirs = entry(api, other, task(api, other, "Pintura"))
    error(api.post("/timesheet-approvals", json={"project_id": site["id"],
                                                 "time_entry_ids": []}), 400)
    error(api.post("/timesheet-approvals", json={"project_id": site["id"]}), 400)
    wrong = api.post("/timesheet-approvals", json={
        "project_id": site["id"], "time_entry_ids": [first["id"], theirs["id"]]})
    assert theirs["id"] in error(wrong, 400, "invalid_approval")["details"]["time_entry_ids"]
    error(api.post("/timesheet-approvals", json={"project_id": "nope",
                                                 "time_entry_ids": [first["id"]]}),
          404, "project_not_found")
    assert read(api, "/timesheet-approvals")["total"] == 0
    assert read(api, f"/time-entries/{first['id']}")["approval_id"] is None


def test_entries_are_billed_only_once_their_approval_is_approved(app, api, org, customer,
                                                                 work):
    site, plumbing, _meeting, first, second = work
    approval = submit(api, site, [first])
    loose = second  # in no approval

    for ids in ([first["id"]], [loose["id"]], [first["id"], loose["id"]]):
        refused = api.post("/time-entries/mark-billed", json={"time_entry_ids": ids})
        assert set(error(refused, 409, "entries_not_approved")["details"][
            "time_entry_ids"]) <= set(ids)
    assert read(api, "/time-entries?billing_status=billed")["total"] == 0

    decide(app, org, customer, approval)
    assert read(api, f"/timesheet-approvals/{approval['id']}")["status"] == "approved"
    # All or nothing: the approved entry is not billed while the loose one is refused.
    mixed = api.post("/time-entries/mark-billed",
                     json={"time_entry_ids": [first["id"], loose["id"]]})
    assert error(mixed, 409, "entries_not_approved")["details"]["time_entry_ids"] == \
        [loose["id"]]
    assert read(api, f"/time-entries/{first['id']}")["billing_status"] == "unbilled"

    billed = api.post("/time-entries/mark-billed", json={"time_entry_ids": [first["id"]]})
    assert billed.status_code == 200, billed.json
    [done] = billed.json["items"]
    assert (done["id"], done["billing_status"]) == (first["id"], "billed")
    assert done["billed_at"] is not None
    detail = read(api, f"/projects/{site['id']}")
    assert (detail["hours_logged"], detail["hours_billed"], detail["hours_unbilled"]) == \
        ("3.75", "1.50", "2.25")
    [plumbing_hours] = [t for t in detail["tasks"] if t["id"] == plumbing["id"]]
    assert (plumbing_hours["hours_billed"], plumbing_hours["hours_unbilled"]) == \
        ("1.50", "2.25")

    error(api.post("/time-entries/mark-billed", json={"time_entry_ids": [first["id"]]}),
          409, "entries_not_approved")
    error(api.patch(f"/time-entries/{first['id']}", json={"notes": "x"}), 409,
          "time_entry_locked")
    assert read(api, "/time-entries?billing_status=billed")["total"] == 1


def test_after_a_rejection_the_entries_are_corrected_and_submitted_again(app, api, org,
                                                                         customer, work):
    site, _plumbing, _meeting, first, second = work
    approval = submit(api, site, [first, second])
    decide(app, org, customer, approval, "reject", reason="Sobran horas el día 4")
    rejected = read(api, f"/timesheet-approvals/{approval['id']}")
    assert (rejected["status"], rejected["rejection_reason"], rejected["decided_by_name"]) \
        == ("rejected", "Sobran horas el día 4", "Marta Ibáñez")
    assert rejected["decided_at"] is not None
    freed = read(api, f"/time-entries/{second['id']}")
    assert freed["approval_id"] is None

    corrected = api.patch(f"/time-entries/{second['id']}", json={"hours": "1.25"})
    assert corrected.status_code == 200, corrected.json
    again = submit(api, site, [first, second])
    assert again["id"] != approval["id"] and again["number"] != approval["number"]
    assert (again["status"], again["total_hours"]) == ("pending", "2.75")
    assert read(api, f"/timesheet-approvals/{approval['id']}")["status"] == "rejected"
    assert read(api, "/timesheet-approvals?status=rejected")["total"] == 1
    assert read(api, "/timesheet-approvals?status=pending")["total"] == 1


# --- comments --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["projects", "timesheet-approvals"])
def test_staff_comments_on_projects_and_approvals(api, work, kind):
    site, _plumbing, _meeting, first, _second = work
    target = site if kind == "projects" else submit(api, site, [first])
    path = f"/{kind}/{target['id']}/comments"
    internal = created(api.post(path, json={"body": "Revisar con Luis"}))
    assert (internal["author_type"], internal["author_name"], internal["show_in_portal"]) == \
        ("staff", "Staff", False)
    shown = created(api.post(path, json={"body": "Hemos corregido el día 4.",
                                         "author_name": "Ana", "show_in_portal": True}))
    assert (shown["author_name"], shown["show_in_portal"]) == ("Ana", True)
    for body in ("", "   ", "<b>hola</b>", "x" * 4001):
        error(api.post(path, json={"body": body}), 400)
    error(api.post(path, json={"body": "hola", "colour": "red"}), 400)
    assert [c["id"] for c in read(api, path)["items"]] == [internal["id"], shown["id"]]
    detail = read(api, f"/{kind}/{target['id']}")
    assert [c["body"] for c in detail["comments"]] == ["Revisar con Luis",
                                                       "Hemos corregido el día 4."]


def test_unknown_ids_are_404_with_their_code(api, work):
    site, *_ = work
    for path, code in (("/projects/nope", "project_not_found"),
                       ("/projects/nope/comments", "project_not_found"),
                       ("/time-entries/nope", "time_entry_not_found"),
                       ("/timesheet-approvals/nope", "approval_not_found"),
                       ("/timesheet-approvals/nope/comments", "approval_not_found")):
        error(api.get(path), 404, code)
    error(api.patch(f"/projects/{site['id']}/tasks/nope", json={"name": "x"}), 404,
          "task_not_found")
    error(api.post("/projects/nope/tasks", json={"name": "x", "billable": True}), 404,
          "project_not_found")
