"""Timesheet approvals: submitted by staff, viewed, approved or rejected once by the
customer, each step announced; refusals leave nothing half-written (SQLite in memory)."""
import pytest
from sqlalchemy import func, select

from timesheets import approvals, reads
from timesheets.exceptions import (ApprovalAlreadyDecided, ApprovalNotFound,
                                   EntryAlreadyInApproval, InvalidApproval, InvalidDecision,
                                   ProjectNotFound)
from timesheets.models import Approval, Outbox

from .conftest import (ANA, CUSTOMER, LUIS, ORG, OTHER_CUSTOMER, OTHER_ORG, log, new_project,
                       new_task, submit)


def events(session, event_type):
    return [o.payload for o in session.scalars(select(Outbox).where(
        Outbox.event_type == event_type).order_by(Outbox.occurred_at))]


def count_approvals(session):
    return session.scalar(select(func.count()).select_from(Approval))


def test_a_submitted_approval_is_numbered_pending_with_its_period_and_totals(session, project,
                                                                             task):
    internal = new_task(session, project, "Interno", billable=False)
    entries = [log(session, task, "1.5", "2026-11-04"), log(session, task, "2", "2026-11-02"),
               log(session, internal, "0.5", "2026-11-06")]
    approval = submit(session, project, *entries)
    detail = reads.approval_detail(session, approval)
    assert {k: detail[k] for k in ("number", "project_name", "customer_id", "period_start",
                                   "period_end", "status", "total_hours", "billable_hours",
                                   "entry_count", "decided_at", "rejection_reason")} == {
        "number": "TS-00001", "project_name": "Reforma local", "customer_id": CUSTOMER,
        "period_start": "2026-11-02", "period_end": "2026-11-06", "status": "pending",
        "total_hours": "4.00", "billable_hours": "3.50", "entry_count": 3,
        "decided_at": None, "rejection_reason": None}
    assert [e["date"] for e in detail["entries"]] == ["2026-11-02", "2026-11-04", "2026-11-06"]
    assert {e["approval_status"] for e in detail["entries"]} == {"pending"}
    assert submit(session, project, log(session, task)).number == "TS-00002"
    other_org_project = new_project(session, org=OTHER_ORG)
    assert submit(session, other_org_project,
                  log(session, new_task(session, other_org_project, org=OTHER_ORG),
                      org=OTHER_ORG), org=OTHER_ORG).number == "TS-00001"
    [event, *_] = events(session, "approval_submitted")
    assert event == {"customer_id": CUSTOMER, "contact_id": None,
                     "document": {"type": "approval", "id": approval.id, "number": "TS-00001"},
                     "project_id": project.id, "project_name": "Reforma local",
                     "period_start": "2026-11-02", "period_end": "2026-11-06",
                     "total_hours": "4.00", "entry_count": 3}


def test_entries_must_be_the_projects_and_in_no_other_pending_or_approved_approval(
        session, project, task):
    entry = log(session, task)
    elsewhere = log(session, new_task(session, new_project(session, name="Otra")))
    with pytest.raises(InvalidApproval) as refused:
        approvals.submit_approval(session, ORG, {"project_id": project.id,
                                                 "time_entry_ids": [entry.id, elsewhere.id,
                                                                    "nope"]})
    assert refused.value.details == {"time_entry_ids": [elsewhere.id, "nope"]}
    with pytest.raises(InvalidApproval) as refused:
        approvals.submit_approval(session, ORG, {"project_id": project.id, "time_entry_ids": []})
    assert "time_entry_ids" in refused.value.details
    with pytest.raises(ProjectNotFound):
        approvals.submit_approval(session, OTHER_ORG, {"project_id": project.id,
                                                       "time_entry_ids": [entry.id]})
    session.rollback()
    assert count_approvals(session) == 0

    first = submit(session, project, entry)
    second_entry = log(session, task)
    with pytest.raises(EntryAlreadyInApproval) as refused:
        approvals.submit_approval(session, ORG, {"project_id": project.id,
                                                 "time_entry_ids": [second_entry.id, entry.id]})
    assert refused.value.details == {"time_entry_ids": [entry.id]}
    session.rollback()
    assert count_approvals(session) == 1

    approvals.approve_approval(session, ORG, CUSTOMER, ANA, first.id, {"contact_name": "Ana"})
    session.commit()
    with pytest.raises(EntryAlreadyInApproval):
        submit(session, project, entry)


def test_a_rejection_needs_a_reason_frees_the_entries_and_they_are_sent_again(session,
                                                                              project, task):
    entry = log(session, task, "3")
    approval = submit(session, project, entry)
    for data in ({"contact_name": "Ana"}, {"contact_name": "Ana", "reason": "   "},
                 {"contact_name": "Ana", "reason": "<script>alert(1)</script>"},
                 {"contact_name": "Ana", "reason": "x" * 2001}):
        with pytest.raises(InvalidDecision) as refused:
            approvals.reject_approval(session, ORG, CUSTOMER, ANA, approval.id, data)
        assert list(refused.value.details) == ["reason"]
        session.rollback()
    assert session.get(Approval, approval.id).status == "pending"

    rejected = approvals.reject_approval(session, ORG, CUSTOMER, ANA, approval.id,
                                         {"contact_name": "Ana Ruiz",
                                          "reason": "El martes fueron 2 horas"})
    session.commit()
    detail = reads.approval_detail(session, rejected, portal=True)
    assert (detail["status"], detail["rejection_reason"], detail["decided_by_name"]) == (
        "rejected", "El martes fueron 2 horas", "Ana Ruiz")
    assert detail["decided_at"] is not None
    assert detail["entries"][0]["approval_id"] is None      # free again
    [event] = events(session, "approval_rejected")
    assert (event["reason"], event["contact_id"], event["decided_by_name"]) == (
        "El martes fueron 2 horas", ANA, "Ana Ruiz")

    again = submit(session, project, entry)
    assert (again.number, again.status) == ("TS-00002", "pending")
    assert reads.approval_detail(session, rejected)["entry_count"] == 1


def test_an_approval_is_decided_once(session, project, task):
    approval = submit(session, project, log(session, task))
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, approval.id, {"contact_name": "Ana"})
    session.commit()
    for decide, data in ((approvals.approve_approval, {"contact_name": "Luis"}),
                         (approvals.reject_approval, {"contact_name": "Luis", "reason": "No"})):
        with pytest.raises(ApprovalAlreadyDecided) as refused:
            decide(session, ORG, CUSTOMER, LUIS, approval.id, data)
        details = refused.value.details
        assert (details["status"], details["decided_by_name"]) == ("approved", "Ana")
        assert details["decided_at"] == approval.decided_at.isoformat()
    assert len(events(session, "approval_approved")) == 1
    assert session.get(Approval, approval.id).decided_by_contact_id == ANA


def test_another_customers_or_organizations_approval_is_not_found(session, project, task):
    approval = submit(session, project, log(session, task))
    for org, customer in ((ORG, OTHER_CUSTOMER), (OTHER_ORG, CUSTOMER)):
        with pytest.raises(ApprovalNotFound):
            approvals.approve_approval(session, org, customer, ANA, approval.id,
                                       {"contact_name": "X"})
        with pytest.raises(ApprovalNotFound):
            approvals.reject_approval(session, org, customer, ANA, approval.id,
                                      {"contact_name": "X", "reason": "No"})
        with pytest.raises(ApprovalNotFound):
            approvals.mark_approval_viewed(session, org, customer, ANA, approval.id)
        with pytest.raises(ApprovalNotFound):
            approvals.get_approval(session, org, approval.id, customer)
    assert approvals.portal_approval_page(session, ORG, OTHER_CUSTOMER, {})["total"] == 0
    assert session.get(Approval, approval.id).status == "pending"


def test_the_first_view_is_recorded_and_announced_once(session, project, task):
    approval = submit(session, project, log(session, task))
    viewed = approvals.mark_approval_viewed(session, ORG, CUSTOMER, ANA, approval.id)
    first = viewed.first_viewed_at
    approvals.mark_approval_viewed(session, ORG, CUSTOMER, LUIS, approval.id)
    session.commit()
    assert viewed.first_viewed_at == first and viewed.first_viewed_by_contact_id == ANA
    [event] = events(session, "approval_viewed")
    assert (event["contact_id"], event["document"]["number"]) == (ANA, "TS-00001")
    assert viewed.status == "pending"


def test_lists_filter_by_status_and_sort(session, project, task):
    numbers = [submit(session, project, log(session, task)).id for _ in range(3)]
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, numbers[0], {"contact_name": "A"})
    approvals.reject_approval(session, ORG, CUSTOMER, ANA, numbers[1],
                              {"contact_name": "A", "reason": "No"})
    session.commit()

    def portal(query):
        return [a.number for a in approvals.portal_approval_page(session, ORG, CUSTOMER,
                                                                 query)["items"]]

    assert portal({"status": "pending"}) == ["TS-00003"]
    assert portal({"status": "approved"}) == ["TS-00001"]
    assert portal({"status": "all", "sort": "number"}) == ["TS-00001", "TS-00002", "TS-00003"]
    assert portal({}) == ["TS-00003", "TS-00002", "TS-00001"]
    staff = approvals.list_approval_page(session, ORG, {"project_id": project.id,
                                                        "customer_id": CUSTOMER,
                                                        "status": "rejected"})
    assert [a.number for a in staff["items"]] == ["TS-00002"]
    page = reads.page(session, approvals.list_approval_page(session, ORG, {"per_page": 2}),
                      reads.approvals)
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    assert page["items"][0]["total_hours"] == "1.50"
    assert approvals.list_approval_page(session, OTHER_ORG, {})["total"] == 0
