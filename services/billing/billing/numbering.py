"""Document numbers (INV-000001, RET-, CN-, PAY-, RFD-) from a per-organization counter.

The counter row is locked FOR UPDATE until the create commits, so concurrent creates of one
organization take numbers one after the other instead of both reading the same "highest
number" and colliding on the unique constraint. A number given by hand that follows the
pattern moves the counter past it, so the generated ones never run into it later.
"""
import re

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .exceptions import DuplicateNumber
from .models import DocumentCounter

PREFIXES = {"invoice": "INV-", "retainer": "RET-", "credit_note": "CN-", "payment": "PAY-",
            "refund": "RFD-"}
_DIGITS = re.compile(r"^([A-Z]+-)(\d+)$")


def _locked_counter(session, organization_id: str, prefix: str) -> DocumentCounter:
    """The counter row, created at 0 if missing (INSERT … ON CONFLICT DO NOTHING, so two
    first creates do not both insert), then locked."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(DocumentCounter.__table__)
                    .values(organization_id=organization_id, prefix=prefix, last_number=0)
                    .on_conflict_do_nothing())
    return session.scalars(select(DocumentCounter)
                           .where(DocumentCounter.organization_id == organization_id,
                                  DocumentCounter.prefix == prefix)
                           .with_for_update()
                           .execution_options(populate_existing=True)).one()


def number_taken(session, model, organization_id: str, number: str,
                 exclude_id: str | None = None) -> bool:
    query = select(func.count()).select_from(model).where(
        model.organization_id == organization_id, model.number == number)
    if exclude_id:
        query = query.where(model.id != exclude_id)
    return bool(session.scalar(query))


def refuse_taken(session, model, organization_id: str, number: str,
                 exclude_id: str | None = None) -> None:
    if number_taken(session, model, organization_id, number, exclude_id):
        raise DuplicateNumber("Another document already has this number.",
                              {"number": ["Another document already has this number."]})


def assign_number(session, model, organization_id: str, kind: str,
                  given: str | None = None, exclude_id: str | None = None) -> str:
    """``given`` if free (DuplicateNumber otherwise), else the next number of ``kind``."""
    prefix = PREFIXES[kind]
    if given:
        match = _DIGITS.match(given)
        if match and match.group(1) == prefix:
            counter = _locked_counter(session, organization_id, prefix)
            counter.last_number = max(counter.last_number, int(match.group(2)))
        refuse_taken(session, model, organization_id, given, exclude_id)
        return given
    counter = _locked_counter(session, organization_id, prefix)
    while True:  # skip numbers someone typed in by hand before counters existed
        counter.last_number += 1
        number = f"{prefix}{counter.last_number:06d}"
        if not number_taken(session, model, organization_id, number):
            return number
