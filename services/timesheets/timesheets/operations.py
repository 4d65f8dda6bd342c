"""timesheets's use cases, each on a session the caller commits.

Every function takes the organization it acts for and, for the portal, the customer:
another organization's or customer's approvals are not seen.
"""
from sqlalchemy import func, select

from .models import Approval

# Sent to the customer and not answered yet.
AWAITING_STATUSES = ("submitted", "viewed")


def count_awaiting_approval(session, organization_id: str, customer_id: str) -> int:
    """How many of the customer's timesheet approvals wait for them: submitted or viewed."""
    return session.scalar(select(func.count()).select_from(Approval).where(
        Approval.organization_id == organization_id, Approval.customer_id == customer_id,
        Approval.status.in_(AWAITING_STATUSES)))
