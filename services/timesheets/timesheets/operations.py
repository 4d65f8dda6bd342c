"""What timesheets's use cases share, and the portal home's count.

The use cases live in projects.py (projects and tasks), time_entries.py (logging time and
marking it billed), approvals.py (submitting entries to the customer and their decision)
and comments.py; each works on a session the caller commits and records its events in the
outbox in that same transaction. Every function takes the organization it acts for and,
for the portal, the customer: another organization's or customer's objects are not found.
"""
from sqlalchemy import func, select

from portal_common.events import record_event

from .events import SCHEMAS as EVENT_SCHEMAS
from .models import Approval, Outbox

# Sent to the customer and not answered yet.
AWAITING_STATUSES = ("pending",)


def emit(session, event_type: str, organization_id: str, payload: dict):
    return record_event(session, Outbox, EVENT_SCHEMAS[event_type], event_type,
                        organization_id, payload)


def page_of(session, query, page: int, per_page: int) -> dict:
    """{items, total, page, per_page, pages} of a select, counted and sliced in SQL."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": -(-total // per_page)}


def sorted_by(query, sort: str, columns: dict, *tie_breakers):
    """``query`` ordered by ``sort`` ("name" ascending, "-name" descending) then the
    tie-breakers, in the same direction."""
    descending = sort.startswith("-")
    order = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    return query.order_by(*(order(c) for c in (columns[sort.lstrip("-")], *tie_breakers)))


def count_awaiting_approval(session, organization_id: str, customer_id: str) -> int:
    """How many of the customer's timesheet approvals wait for them: the pending ones."""
    return session.scalar(select(func.count()).select_from(Approval).where(
        Approval.organization_id == organization_id, Approval.customer_id == customer_id,
        Approval.status.in_(AWAITING_STATUSES)))
