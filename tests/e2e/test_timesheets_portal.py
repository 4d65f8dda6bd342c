"""Staff log time on a project and ask the customer to approve it in the portal.

The organization shows projects and timesheets; staff log entries and submit them; the
home page counts the approval; the customer opens it (staff are told), rejects it with a
reason (staff are told the reason), staff correct the entries and submit them again, the
customer approves, staff mark the entries billed; the project page's hours (logged =
billed + unbilled, per task and in all) add up.
"""
import re
from datetime import date, timedelta

from tests.support.mailbox import text_of, wait_until

STAFF = "staff@talleres.example"  # the organization's registered email (see conftest)
CONTACT = "jorge@estudio-norte.example"
PASSWORD = "Clave-de-Jorge-2026"
MONDAY = date.today() - timedelta(days=date.today().weekday() + 7)


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _login(page, base, slug):
    page.goto(f"{base}/portal/{slug}/login")
    page.fill("input[name=email]", CONTACT)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/portal/{slug}/$"))


def _feed(api, customer_id, kind):
    return wait_until(lambda: api.get("/feed", params={
        "customer_id": customer_id, "kind": kind}).json()["items"],
        timeout=30, what=f"{kind} in the staff feed")


def _entry(api, project, task, day, hours, notes):
    return _ok(api.post("/time-entries", json={
        "project_id": project["id"], "task_id": task["id"], "date": day.isoformat(),
        "hours": hours, "notes": notes, "staff_name": "Luis Gómez"}), 201)


def test_timesheet_rejected_corrected_approved_and_billed(system, api, organization,
                                                         mailbox, browser):
    base, slug = system.base_url, organization["slug"]
    _ok(api.patch("/portal-preferences", json={"show_projects_and_timesheets": True}))
    # These staff want the rejection by email as well as in the feed.
    _ok(api.put("/notification-preferences/approval_rejected", json={"email": True}))
    customer = _ok(api.post("/customers", json={
        "display_name": "Estudio Norte", "currency": "EUR",
        "contacts": [{"first_name": "Jorge", "last_name": "Sanz", "email": CONTACT,
                      "is_primary": True}]}), 201)
    _ok(api.post(f"/customers/{customer['id']}/portal",
                 json={"contact_ids": [customer["contacts"][0]["id"]], "password": PASSWORD}))
    project = _ok(api.post("/projects", json={"customer_id": customer["id"],
                                              "name": "Web corporativa"}), 201)
    design = _ok(api.post(f"/projects/{project['id']}/tasks",
                          json={"name": "Diseño", "billable": True}), 201)
    build = _ok(api.post(f"/projects/{project['id']}/tasks",
                         json={"name": "Desarrollo", "billable": True}), 201)
    first = [_entry(api, project, design, MONDAY, "2.5", "Bocetos"),
             _entry(api, project, build, MONDAY + timedelta(days=1), "6", "Maquetación"),
             _entry(api, project, build, MONDAY + timedelta(days=1), "6", "Maquetación")]
    later = _entry(api, project, build, MONDAY + timedelta(days=3), "1.25", "Ajustes")
    approval = _ok(api.post("/timesheet-approvals", json={
        "project_id": project["id"], "time_entry_ids": [e["id"] for e in first]}), 201)
    assert approval["status"] == "pending" and approval["total_hours"] == "14.50"

    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    _login(page, base, slug)
    figure = page.locator(".figure-timesheets")
    assert figure.locator(".value").inner_text() == "1"
    figure.locator("a").click()
    page.wait_for_url(re.compile(r"/timesheets\?status=pending"))
    page.click(f"a[href$='/timesheets/{approval['id']}']")
    page.wait_for_url(re.compile(rf"/timesheets/{approval['id']}$"))
    shown = page.inner_text("main")
    assert "Maquetación" in shown and "14,50" in shown
    [viewed] = _feed(api, customer["id"], "approval_viewed")
    assert viewed["link"] == f"/api/v1/timesheet-approvals/{approval['id']}"

    # Rejected without a reason: refused, nothing changes; with one: staff are told it.
    page.click("form[action$='/reject'] button[type=submit]")
    assert "motivo" in page.inner_text("main").lower()
    assert _ok(api.get(f"/timesheet-approvals/{approval['id']}"))["status"] == "pending"
    reason = "La maquetación del martes está duplicada"
    page.fill("form[action$='/reject'] textarea[name=reason]", reason)
    page.click("form[action$='/reject'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/timesheets/{approval['id']}"))
    [rejected] = _feed(api, customer["id"], "approval_rejected")
    assert reason in str(rejected)
    wait_until(lambda: [m for m in mailbox.messages(STAFF) if reason in text_of(m)],
               timeout=30, what="the staff email with the rejection reason")

    # Staff correct: the duplicate goes, the entry is right; submitted again.
    assert api.delete(f"/time-entries/{first[2]['id']}").status_code == 204
    _ok(api.patch(f"/time-entries/{first[1]['id']}", json={"hours": "6.5"}))
    again = _ok(api.post("/timesheet-approvals", json={
        "project_id": project["id"], "time_entry_ids": [first[0]["id"], first[1]["id"]]}), 201)
    assert again["total_hours"] == "9.00"
    # Nothing is billed before the customer approves.
    refused = api.post("/time-entries/mark-billed",
                       json={"time_entry_ids": [first[0]["id"], first[1]["id"]]})
    assert refused.status_code == 409, refused.text

    page.goto(f"{base}/portal/{slug}/timesheets/{again['id']}")
    page.click("form[action$='/approve'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/timesheets/{again['id']}"))
    assert _ok(api.get(f"/timesheet-approvals/{again['id']}"))["status"] == "approved"
    _feed(api, customer["id"], "approval_approved")
    billed = _ok(api.post("/time-entries/mark-billed",
                          json={"time_entry_ids": [first[0]["id"], first[1]["id"]]}))
    assert {e["billing_status"] for e in billed["items"]} == {"billed"}

    # The project page: 2.5 + 6.5 billed, 1.25 unbilled, 10.25 logged; per task too.
    page.click("nav.sidebar a:has-text('Proyectos')")
    page.click("main a:has-text('Web corporativa')")
    page.wait_for_url(re.compile(rf"/projects/{project['id']}$"))
    tasks = {row.split("\t")[0]: row for row in
             page.locator("table.tasks tbody tr").all_inner_texts()}
    assert all(h in tasks["Diseño"] for h in ("2,50", "0,00"))
    assert all(h in tasks["Desarrollo"] for h in ("7,75", "6,50", "1,25"))
    totals = page.inner_text(".project-hours")
    assert all(h in totals for h in ("10,25", "9,00", "1,25"))
    assert "Ajustes" in page.inner_text("main")  # logged, not yet billed
    stored = _ok(api.get(f"/projects/{project['id']}"))
    assert (stored["hours_logged"], stored["hours_billed"], stored["hours_unbilled"]) == (
        "10.25", "9.00", "1.25")
    context.close()
