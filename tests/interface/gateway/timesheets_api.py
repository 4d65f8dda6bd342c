"""Projects, tasks, time entries and approvals made through the staff API, for the timesheets
API and portal tests; the customer's decisions go through the timesheets RPC the portal uses."""
from gateway.rpc_access import process_pool

from .billing_api import created

DAY = "2026-03-02"


def project(api, customer, name="Reforma de oficinas", **extra) -> dict:
    return created(api.post("/projects", json={"customer_id": customer["id"], "name": name,
                                               **extra}))


def task(api, project_, name="Fontanería", billable=True, **extra) -> dict:
    return created(api.post(f"/projects/{project_['id']}/tasks",
                            json={"name": name, "billable": billable, **extra}))


def entry(api, project_, task_, hours="1.50", date=DAY, notes="Revisión de tuberías",
          **extra) -> dict:
    return created(api.post("/time-entries", json={
        "project_id": project_["id"], "task_id": task_["id"], "date": date, "hours": hours,
        "notes": notes, **extra}))


def submit(api, project_, entries) -> dict:
    return created(api.post("/timesheet-approvals", json={
        "project_id": project_["id"], "time_entry_ids": [e["id"] for e in entries]}))


def timesheets(app, method, *args, **kwargs):
    return process_pool(app).call("timesheets", method, *args, **kwargs)


def decide(app, org, customer, approval, decision="approve", name="Marta Ibáñez", **data):
    """The customer's decision as the portal asks for it (approve or reject)."""
    contact = customer["contacts"][0]
    return timesheets(app, f"{decision}_approval", org["id"], customer["id"], contact["id"],
                      approval["id"], {"contact_name": name, **data})


def show_projects(api, on=True):
    response = api.patch("/portal-preferences", json={"show_projects_and_timesheets": on})
    assert response.status_code == 200, response.json
