"""Under concurrency the database has the last word (PostgreSQL, migrated): of two decisions
on one approval exactly one stands; an entry submitted in two approvals at once ends up in
one; and the partial unique index refuses a second active link whatever the code does.

The second caller runs in a green thread of its own session; psycopg2 is cooperative under
``nameko test`` (portal_common.db.make_engine), so it waits on the first one's row lock
while the first commits."""
import eventlet
import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timesheets import approvals, projects, time_entries
from timesheets.exceptions import ApprovalAlreadyDecided, EntryAlreadyInApproval
from timesheets.models import Approval, ApprovalEntry

from .conftest import ANA, CUSTOMER, LUIS


def setup_project(engine, org, hours=("1", "2")):
    with Session(engine, expire_on_commit=False) as session:
        project = projects.create_project(session, org, {"customer_id": CUSTOMER,
                                                         "name": "Reforma"})
        task = projects.create_task(session, org, project.id, {"name": "Obra"})
        entries = [time_entries.create_time_entry(session, org, {
            "project_id": project.id, "task_id": task.id, "date": "2026-11-02",
            "hours": h}) for h in hours]
        session.commit()
        return project, entries


def submitted(engine, org, project, entries):
    with Session(engine, expire_on_commit=False) as session:
        approval = approvals.submit_approval(session, org, {
            "project_id": project.id, "time_entry_ids": [e.id for e in entries]})
        session.commit()
        return approval


def in_other_session(engine, act):
    """Run ``act(session)`` in a green thread; its outcome (result or exception) is what
    ``.wait()`` gives back. It commits when ``act`` succeeds."""
    def run():
        with Session(engine, expire_on_commit=False) as session:
            try:
                result = act(session)
                session.commit()
                return result
            except Exception as exc:  # the outcome we assert on
                session.rollback()
                return exc
    return eventlet.spawn(run)


def test_two_simultaneous_decisions_on_one_approval_exactly_one_stands(pg_engine, pg_org):
    project, entries = setup_project(pg_engine, pg_org)
    approval = submitted(pg_engine, pg_org, project, entries)
    with Session(pg_engine, expire_on_commit=False) as first:
        approvals.approve_approval(first, pg_org, CUSTOMER, ANA, approval.id,
                                   {"contact_name": "Ana"})            # holds the row lock
        second = in_other_session(pg_engine, lambda s: approvals.reject_approval(
            s, pg_org, CUSTOMER, LUIS, approval.id, {"contact_name": "Luis",
                                                     "reason": "No"}))
        eventlet.sleep(0.5)
        assert not second.dead, "the second decision should wait for the first one's lock"
        first.commit()
    outcome = second.wait()
    assert isinstance(outcome, ApprovalAlreadyDecided)
    assert (outcome.details["status"], outcome.details["decided_by_name"]) == (
        "approved", "Ana")
    with Session(pg_engine) as check:
        stored = check.get(Approval, approval.id)
        assert (stored.status, stored.decided_by_contact_id, stored.rejection_reason) == (
            "approved", ANA, None)
        assert all(link.active for link in stored.links)


def test_one_entry_submitted_in_two_approvals_at_once_one_is_refused(pg_engine, pg_org):
    project, entries = setup_project(pg_engine, pg_org)
    with Session(pg_engine, expire_on_commit=False) as first:
        kept = approvals.submit_approval(first, pg_org, {
            "project_id": project.id, "time_entry_ids": [entries[0].id, entries[1].id]})
        second = in_other_session(pg_engine, lambda s: approvals.submit_approval(
            s, pg_org, {"project_id": project.id, "time_entry_ids": [entries[1].id]}))
        eventlet.sleep(0.5)
        assert not second.dead, "the second submit should wait for the entries' lock"
        first.commit()
    outcome = second.wait()
    assert isinstance(outcome, EntryAlreadyInApproval)
    assert outcome.details == {"time_entry_ids": [entries[1].id]}
    with Session(pg_engine) as check:
        rows = check.query(Approval).filter(Approval.organization_id == pg_org).all()
        assert [(a.id, a.number) for a in rows] == [(kept.id, "TS-00001")]


def test_the_index_refuses_a_second_active_link_of_an_entry(pg_engine, pg_org):
    project, entries = setup_project(pg_engine, pg_org, hours=("1",))
    approval = submitted(pg_engine, pg_org, project, entries)
    with Session(pg_engine, expire_on_commit=False) as session:
        twin = Approval(organization_id=pg_org, number="TS-09999", project_id=project.id,
                        customer_id=CUSTOMER, period_start=approval.period_start,
                        period_end=approval.period_end, status="pending")
        twin.links.append(ApprovalEntry(time_entry_id=entries[0].id, active=True))
        session.add(twin)
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        # an inactive link (a rejected approval's) does not count
        twin = Approval(organization_id=pg_org, number="TS-09999", project_id=project.id,
                        customer_id=CUSTOMER, period_start=approval.period_start,
                        period_end=approval.period_end, status="rejected")
        twin.links.append(ApprovalEntry(time_entry_id=entries[0].id, active=False))
        session.add(twin)
        session.commit()


def test_the_index_refusal_arrives_as_entry_already_in_approval(pg_engine, pg_org,
                                                                monkeypatch):
    """Were the lock and the check above it ever skipped, the IntegrityError of the index
    would still be the 409 the caller expects, not a 500."""
    project, entries = setup_project(pg_engine, pg_org, hours=("1",))
    submitted(pg_engine, pg_org, project, entries)
    monkeypatch.setattr(approvals, "active_approvals", lambda session, ids: {})
    with Session(pg_engine, expire_on_commit=False) as session:
        with pytest.raises(EntryAlreadyInApproval) as refused:
            approvals.submit_approval(session, pg_org, {
                "project_id": project.id, "time_entry_ids": [entries[0].id]})
        assert refused.value.details == {"time_entry_ids": [entries[0].id]}
