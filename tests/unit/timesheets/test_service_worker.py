"""TimesheetsService's RPC methods with nameko's worker_factory and a real session: the
whole flow of issue 7 as the gateway drives it, dumped answers as they cross the wire, and
each event dispatched right after its commit."""
import json

import pytest
from nameko.testing.services import worker_factory

from timesheets.exceptions import (ApprovalAlreadyDecided, ApprovalNotFound,
                                   EntriesNotApproved, InvalidTimeEntry)
from timesheets.service import TimesheetsService

from .conftest import ANA, CUSTOMER, ORG, OTHER_CUSTOMER

PROJECT_KEYS = {"id", "customer_id", "name", "description", "status", "billing_method",
                "hours_logged", "hours_billed", "hours_unbilled", "created_at"}
ENTRY_KEYS = {"id", "project_id", "task_id", "task_name", "date", "staff_name", "hours",
              "notes", "billable", "billing_status", "billed_at", "approval_id",
              "approval_status", "created_at"}
APPROVAL_KEYS = {"id", "number", "project_id", "project_name", "customer_id", "period_start",
                 "period_end", "status", "rejection_reason", "decided_at", "decided_by_name",
                 "first_viewed_at", "submitted_at", "total_hours", "billable_hours",
                 "entry_count"}


@pytest.fixture
def service(session):
    return worker_factory(TimesheetsService, db=session)


def dispatched(service):
    events = [call.args[0] for call in service.dispatch.call_args_list]
    service.dispatch.reset_mock()
    return events


def test_log_submit_reject_correct_resubmit_approve_bill(service):
    project = service.create_project(ORG, {"customer_id": CUSTOMER, "name": "Reforma"})
    assert set(project) == PROJECT_KEYS and project["hours_logged"] == "0.00"
    task = service.create_task(ORG, project["id"], {"name": "Obra", "billable": True})
    assert set(task) == {"id", "project_id", "name", "description", "billable",
                         "hours_logged", "hours_billed", "hours_unbilled"}
    monday = service.create_time_entry(ORG, {"project_id": project["id"], "task_id": task["id"],
                                             "date": "2026-11-02", "hours": "3",
                                             "notes": "Demolición", "staff_name": "Marta"})
    tuesday = service.create_time_entry(ORG, {"project_id": project["id"],
                                              "task_id": task["id"], "date": "2026-11-03",
                                              "hours": "2.5", "notes": "Tabiques"})
    assert set(monday) == ENTRY_KEYS and monday["hours"] == "3.00"
    with pytest.raises(InvalidTimeEntry):
        service.create_time_entry(ORG, {"project_id": project["id"], "task_id": task["id"],
                                        "date": "2026-11-03", "hours": "-2"})

    ids = [monday["id"], tuesday["id"]]
    approval = service.submit_approval(ORG, {"project_id": project["id"],
                                             "time_entry_ids": ids})
    assert set(approval) == APPROVAL_KEYS | {"entries", "comments"}
    assert (approval["number"], approval["status"], approval["total_hours"]) == (
        "TS-00001", "pending", "5.50")
    assert dispatched(service) == ["approval_submitted"]
    assert service.count_awaiting_approval(ORG, CUSTOMER) == 1
    portal_page = service.portal_approval_page(ORG, CUSTOMER, {"status": "pending"})
    assert [a["number"] for a in portal_page["items"]] == ["TS-00001"]

    seen = service.mark_approval_viewed(ORG, CUSTOMER, ANA, approval["id"])
    assert seen["first_viewed_at"] is not None
    service.mark_approval_viewed(ORG, CUSTOMER, ANA, approval["id"])
    assert dispatched(service) == ["approval_viewed"]
    assert service.get_approval(ORG, approval["id"], CUSTOMER)["entry_count"] == 2
    with pytest.raises(ApprovalNotFound):
        service.get_approval(ORG, approval["id"], OTHER_CUSTOMER)
    rejected = service.reject_approval(ORG, CUSTOMER, ANA, approval["id"],
                                       {"contact_name": "Ana", "reason": "El lunes fueron 2"})
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected",
                                                                  "El lunes fueron 2")
    assert dispatched(service) == ["approval_rejected"]
    assert service.count_awaiting_approval(ORG, CUSTOMER) == 0

    corrected = service.update_time_entry(ORG, monday["id"], {"hours": "2"})
    assert corrected["hours"] == "2.00"
    again = service.submit_approval(ORG, {"project_id": project["id"], "time_entry_ids": ids})
    with pytest.raises(ApprovalNotFound):
        service.approve_approval(ORG, OTHER_CUSTOMER, ANA, again["id"], {"contact_name": "X"})
    with pytest.raises(EntriesNotApproved):
        service.mark_entries_billed(ORG, {"time_entry_ids": ids})
    approved = service.approve_approval(ORG, CUSTOMER, ANA, again["id"],
                                        {"contact_name": "Ana"})
    assert (approved["number"], approved["status"], approved["decided_by_name"]) == (
        "TS-00002", "approved", "Ana")
    with pytest.raises(ApprovalAlreadyDecided):
        service.reject_approval(ORG, CUSTOMER, ANA, again["id"],
                                {"contact_name": "Ana", "reason": "No"})
    billed = service.mark_entries_billed(ORG, {"time_entry_ids": ids})
    assert {e["billing_status"] for e in billed["items"]} == {"billed"}
    assert dispatched(service) == ["approval_submitted", "approval_approved",
                                   "time_entries_billed"]

    shown = service.get_project(ORG, project["id"], CUSTOMER)
    assert (shown["hours_logged"], shown["hours_billed"], shown["hours_unbilled"]) == (
        "4.50", "4.50", "0.00")
    assert [e["hours"] for e in shown["time_entries"]] == ["2.50", "2.00"]
    json.dumps([project, approval, approved, billed, shown])     # JSON-able as sent


def test_comments_pages_and_deletes_answer_in_wire_form(service):
    project = service.create_project(ORG, {"customer_id": CUSTOMER, "name": "Web"})
    assert service.update_project(ORG, project["id"], {"description": "Nueva web"})[
        "description"] == "Nueva web"
    task = service.create_task(ORG, project["id"], {"name": "Diseño"})
    assert service.update_task(ORG, project["id"], task["id"], {"billable": False})[
        "billable"] is False
    entry = service.create_time_entry(ORG, {"project_id": project["id"],
                                            "task_id": task["id"], "date": "2026-11-05",
                                            "hours": "1"})
    assert entry["billable"] is False
    assert service.get_time_entry(ORG, entry["id"])["id"] == entry["id"]
    page = service.list_time_entry_page(ORG, {"project_id": project["id"]})
    assert set(page) == {"items", "total", "page", "per_page", "pages"}
    assert page["items"][0]["id"] == entry["id"]
    assert service.delete_time_entry(ORG, entry["id"]) is None
    assert service.list_time_entry_page(ORG, {})["total"] == 0

    comment = service.add_comment(ORG, "project", project["id"], {"body": "Hola"},
                                  CUSTOMER, ANA)
    assert comment["author_type"] == "customer" and comment["emailed"] is False
    reply = service.add_comment(ORG, "project", project["id"],
                                {"body": "Hola, Ana", "author_name": "Marta",
                                 "show_in_portal": True, "email_customer": True})
    assert reply["emailed"] is True
    assert [c["body"] for c in service.list_comments(ORG, "project", project["id"],
                                                     CUSTOMER)] == ["Hola", "Hola, Ana"]
    assert dispatched(service) == ["comment_added", "staff_replied"]
    assert [p["name"] for p in service.list_project_page(ORG, {})["items"]] == ["Web"]
    assert [p["name"] for p in service.portal_project_page(ORG, CUSTOMER, {})["items"]] == [
        "Web"]
    assert service.list_approval_page(ORG, {})["total"] == 0
    assert service.get_project(ORG, project["id"])["comments"][1]["emailed"] is True
