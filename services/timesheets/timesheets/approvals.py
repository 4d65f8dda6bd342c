"""Timesheet approvals: a project's time entries sent to its customer, who approves or
rejects them in the portal.

An entry is in at most one pending or approved approval: the entries are locked (FOR
UPDATE) while one is submitted, and the partial unique index over active approval_entries
refuses a second one whatever happens above it (IntegrityError → EntryAlreadyInApproval).
A decision locks the approval's row, so of two decisions at once exactly one stands; the
other gets ApprovalAlreadyDecided. A rejection frees its entries to be corrected and
submitted again.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal_common.errors import load_or_refuse as load
from portal_common.timeutil import utcnow

from . import schemas
from .exceptions import (ApprovalAlreadyDecided, ApprovalNotFound, EntryAlreadyInApproval,
                         InvalidApproval, InvalidDecision)
from .hours import approval_minutes, hours_text
from .models import Approval, ApprovalEntry, TimeEntry
from .numbering import next_approval_number
from .operations import emit, page_of, sorted_by
from .projects import get_project
from .time_entries import active_approvals

APPROVAL_SORT_COLUMNS = {"submitted_at": Approval.submitted_at, "number": Approval.number}


def get_approval(session, organization_id: str, approval_id: str,
                 customer_id: str | None = None, lock: bool = False) -> Approval:
    """The approval, row-locked until commit when ``lock`` (PostgreSQL; SQLite ignores it)."""
    approval = session.get(Approval, approval_id, with_for_update=lock,
                           populate_existing=lock) if approval_id else None
    if (approval is None or approval.organization_id != organization_id
            or (customer_id is not None and approval.customer_id != customer_id)):
        raise ApprovalNotFound("Timesheet approval not found.", {"approval_id": approval_id})
    return approval


def approval_payload(session, approval: Approval, contact_id: str | None) -> dict:
    total, _billable, count = approval_minutes(session, [approval.id]).get(approval.id,
                                                                          (0, 0, 0))
    return {"customer_id": approval.customer_id, "contact_id": contact_id,
            "document": {"type": "approval", "id": approval.id, "number": approval.number},
            "project_id": approval.project_id, "project_name": approval.project.name,
            "period_start": approval.period_start.isoformat(),
            "period_end": approval.period_end.isoformat(),
            "total_hours": hours_text(total), "entry_count": count}


def submit_approval(session, organization_id: str, data: dict) -> Approval:
    """A pending approval of the project's entries, numbered TS-00001… per organization."""
    values = load(schemas.ApprovalSubmitSchema(), data, error_class=InvalidApproval)
    project = get_project(session, organization_id, values["project_id"])
    ids = list(dict.fromkeys(values["time_entry_ids"]))
    entries = {e.id: e for e in session.scalars(
        select(TimeEntry).where(TimeEntry.organization_id == organization_id,
                                TimeEntry.id.in_(ids))
        .order_by(TimeEntry.id).with_for_update()
        .execution_options(populate_existing=True))}
    foreign = [i for i in ids if i not in entries or entries[i].project_id != project.id]
    if foreign:
        raise InvalidApproval("Every time entry must be one of the project's.",
                              {"time_entry_ids": foreign})
    in_approval = active_approvals(session, ids)
    taken = [i for i in ids if entries[i].billed_at is not None or i in in_approval]
    if taken:
        raise EntryAlreadyInApproval(
            "A time entry can be in one pending or approved timesheet approval only.",
            {"time_entry_ids": taken})
    dates = [entries[i].date for i in ids]
    approval = Approval(organization_id=organization_id,
                        number=next_approval_number(session, organization_id),
                        project_id=project.id, customer_id=project.customer_id,
                        period_start=min(dates), period_end=max(dates), status="pending",
                        submitted_at=utcnow(),
                        links=[ApprovalEntry(time_entry_id=i, active=True) for i in ids])
    session.add(approval)
    try:
        session.flush()
    except IntegrityError:  # another submit took one of them in the meantime
        raise EntryAlreadyInApproval(
            "A time entry can be in one pending or approved timesheet approval only.",
            {"time_entry_ids": ids}) from None
    emit(session, "approval_submitted", organization_id,
         approval_payload(session, approval, None))
    return approval


def _status_filter(select_, status):
    if status and status != "all":
        select_ = select_.where(Approval.status == status)
    return select_


def list_approval_page(session, organization_id: str, query: dict | None = None) -> dict:
    """Approvals filtered by customer_id, project_id and status, sorted by -submitted_at
    (default), submitted_at, number or -number."""
    values = load(schemas.ApprovalListQuerySchema(), query or {})
    select_ = select(Approval).where(Approval.organization_id == organization_id)
    if values.get("customer_id"):
        select_ = select_.where(Approval.customer_id == values["customer_id"])
    if values.get("project_id"):
        select_ = select_.where(Approval.project_id == values["project_id"])
    select_ = _status_filter(select_, values.get("status"))
    select_ = sorted_by(select_, values["sort"], APPROVAL_SORT_COLUMNS, Approval.number,
                        Approval.id).options(selectinload(Approval.project))
    return page_of(session, select_, values["page"], values["per_page"])


def portal_approval_page(session, organization_id: str, customer_id: str,
                         query: dict | None = None) -> dict:
    values = load(schemas.PortalApprovalQuerySchema(), query or {})
    select_ = select(Approval).where(Approval.organization_id == organization_id,
                                     Approval.customer_id == customer_id)
    select_ = _status_filter(select_, values.get("status"))
    select_ = sorted_by(select_, values["sort"], APPROVAL_SORT_COLUMNS, Approval.number,
                        Approval.id).options(selectinload(Approval.project))
    return page_of(session, select_, values["page"], values["per_page"])


def mark_approval_viewed(session, organization_id: str, customer_id: str, contact_id: str,
                         approval_id: str) -> Approval:
    """The customer opened it in the portal: the first time is recorded (and announced once:
    the row is locked, so two first views at the same moment announce one)."""
    approval = get_approval(session, organization_id, approval_id, customer_id, lock=True)
    if approval.first_viewed_at is None:
        approval.first_viewed_at = utcnow()
        approval.first_viewed_by_contact_id = contact_id
        session.flush()
        emit(session, "approval_viewed", organization_id,
             approval_payload(session, approval, contact_id))
    return approval


def _decide(session, organization_id, customer_id, contact_id, approval_id, data, approve):
    approval = get_approval(session, organization_id, approval_id, customer_id, lock=True)
    values = load(schemas.ApproveSchema() if approve else schemas.RejectSchema(), data,
                  error_class=InvalidDecision)
    if approval.status != "pending":
        raise ApprovalAlreadyDecided(
            f"This timesheet was already {approval.status}.",
            # (details cross nameko as strings: no None in them)
            {"status": approval.status, "decided_by_name": approval.decided_by_name or "",
             "decided_at": approval.decided_at.isoformat() if approval.decided_at else ""})
    approval.status = "approved" if approve else "rejected"
    approval.decided_at = utcnow()
    approval.decided_by_contact_id = contact_id
    approval.decided_by_name = values["contact_name"]
    if not approve:
        approval.rejection_reason = values["reason"].strip()
        for link in approval.links:
            link.active = False
    session.flush()
    payload = dict(approval_payload(session, approval, contact_id),
                   decided_by_name=approval.decided_by_name)
    if approve:
        emit(session, "approval_approved", organization_id, payload)
    else:
        emit(session, "approval_rejected", organization_id,
             dict(payload, reason=approval.rejection_reason))
    return approval


def approve_approval(session, organization_id: str, customer_id: str, contact_id: str,
                     approval_id: str, data: dict) -> Approval:
    return _decide(session, organization_id, customer_id, contact_id, approval_id, data, True)


def reject_approval(session, organization_id: str, customer_id: str, contact_id: str,
                    approval_id: str, data: dict) -> Approval:
    """Rejected with the customer's reason; its entries are free to be corrected and sent
    again."""
    return _decide(session, organization_id, customer_id, contact_id, approval_id, data, False)
