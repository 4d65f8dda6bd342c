"""What every quotes use case leans on: the outbox, today's date, row locks, pages."""
from datetime import date as Date

from sqlalchemy import func, select

from portal_common.events import record_event
from portal_common.timeutil import utcnow

from .events import SCHEMAS as EVENT_SCHEMAS
from .models import Outbox


def emit(session, event_type: str, organization_id: str, payload: dict):
    """Record the event in the outbox, in the caller's transaction."""
    return record_event(session, Outbox, EVENT_SCHEMAS[event_type], event_type,
                        organization_id, payload)


def today() -> Date:
    return utcnow().date()


def load_row(session, model, row_id: str | None, lock: bool = False):
    """The row or None; with ``lock`` it is SELECT … FOR UPDATE (held until commit; SQLite
    ignores it) and re-read from the database, not from the session's cache."""
    if not row_id or not isinstance(row_id, str):
        return None
    query = select(model).where(model.id == row_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def given(query: dict | None) -> dict:
    """A list query without the filters given as null (a caller passing absent ones)."""
    return {key: value for key, value in (query or {}).items() if value is not None}


def sorted_by(query, sort: str, columns: dict, *tie_breakers):
    """``query`` ordered by ``sort`` ("date", "-total"...) then the tie-breakers."""
    descending = sort.startswith("-")
    column = columns[sort.lstrip("-")]
    return query.order_by(*((c.desc() if descending else c.asc())
                            for c in (column, *tie_breakers)))


def page_of(session, query, page: int, per_page: int) -> dict:
    """{items, total, page, per_page, pages} of a select, counted and sliced in SQL."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": -(-total // per_page)}
