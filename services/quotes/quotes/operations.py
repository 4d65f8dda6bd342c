"""quotes's use cases, each on a session the caller commits.

Every function takes the organization it acts for and, for the portal, the customer:
another organization's or customer's quotes are not seen.
"""
from datetime import date

from sqlalchemy import func, or_, select

from portal_common.timeutil import utcnow

from .models import Quote

# Sent to the customer and not answered yet.
AWAITING_STATUSES = ("sent", "viewed")


def count_awaiting_approval(session, organization_id: str, customer_id: str,
                            today: date | None = None) -> int:
    """How many of the customer's quotes wait for their answer: sent or viewed, and not
    past their expiry date (none, or ``today`` or later; ``today`` is the UTC date)."""
    today = today or utcnow().date()
    return session.scalar(select(func.count()).select_from(Quote).where(
        Quote.organization_id == organization_id, Quote.customer_id == customer_id,
        Quote.status.in_(AWAITING_STATUSES),
        or_(Quote.expiry_date.is_(None), Quote.expiry_date >= today)))
