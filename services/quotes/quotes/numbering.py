"""Quote and sales order numbers (QT-00001, SO-00001) from a per-organization counter.

As in billing: the counter row is locked FOR UPDATE until the create commits, so concurrent
creates of one organization take numbers one after the other; a number given by hand that
follows the pattern moves the counter past it; a number another document of the kind
already has is refused (DuplicateNumber).
"""
import re

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .exceptions import DuplicateNumber
from .models import DocumentCounter

PREFIXES = {"quote": "QT-", "sales_order": "SO-"}
DIGITS = 5
_PATTERN = re.compile(r"^([A-Z]+-)(\d+)$")


def _counter(session, organization_id: str, prefix: str) -> DocumentCounter:
    """The counter row (inserted at 0 if missing, ON CONFLICT DO NOTHING), locked."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DocumentCounter.__table__)
                    .values(organization_id=organization_id, prefix=prefix, last_number=0)
                    .on_conflict_do_nothing())
    return session.scalars(select(DocumentCounter)
                           .where(DocumentCounter.organization_id == organization_id,
                                  DocumentCounter.prefix == prefix)
                           .with_for_update()
                           .execution_options(populate_existing=True)).one()


def _taken(session, model, organization_id: str, number: str,
           exclude_id: str | None = None) -> bool:
    query = select(func.count()).select_from(model).where(
        model.organization_id == organization_id, model.number == number)
    if exclude_id:
        query = query.where(model.id != exclude_id)
    return bool(session.scalar(query))


def assign_number(session, model, organization_id: str, kind: str,
                  given: str | None = None, exclude_id: str | None = None) -> str:
    """``given`` if free (DuplicateNumber otherwise), else the next number of ``kind``."""
    prefix = PREFIXES[kind]
    if given:
        match = _PATTERN.match(given)
        if match and match.group(1) == prefix:
            counter = _counter(session, organization_id, prefix)
            counter.last_number = max(counter.last_number, int(match.group(2)))
        if _taken(session, model, organization_id, given, exclude_id):
            message = "Another document already has this number."
            raise DuplicateNumber(message, {"number": [message]})
        return given
    counter = _counter(session, organization_id, prefix)
    while True:  # skip numbers typed in by hand with more digits or before the counter
        counter.last_number += 1
        number = f"{prefix}{counter.last_number:0{DIGITS}d}"
        if not _taken(session, model, organization_id, number):
            return number
