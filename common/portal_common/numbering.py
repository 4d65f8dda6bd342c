"""Document numbers (INV-000001, QT-00001, TS-00001…) from a per-organization counter.

A service keeps the last number given per (organization, prefix) in its own
``document_counters`` table (:class:`DocumentCounterMixin`). The counter row is locked
FOR UPDATE until the create commits, so concurrent creates of one organization take
numbers one after the other instead of both reading the same "highest number" and
colliding on the unique constraint. A number given by hand that follows the pattern moves
the counter past it, so the generated ones never run into it later.
"""
import re

from sqlalchemy import Integer, String, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from .errors import Conflict

_PATTERN = re.compile(r"^([A-Z]+-)(\d+)$")


class DocumentCounterMixin:
    """Columns of a service's ``document_counters`` table: the last number per prefix."""

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


def number_taken(session, model, organization_id: str, number: str,
                 exclude_id: str | None = None) -> bool:
    """Whether another ``model`` row of the organization already has ``number``."""
    query = select(func.count()).select_from(model).where(
        model.organization_id == organization_id, model.number == number)
    if exclude_id:
        query = query.where(model.id != exclude_id)
    return bool(session.scalar(query))


class DocumentNumbers:
    """One service's numbering: its counter table, prefixes per kind of document, how many
    digits a number has, and the error (a Conflict) for a number already taken."""

    def __init__(self, counter, prefixes: dict[str, str], digits: int,
                 duplicate: type[Conflict] = Conflict):
        self.counter = counter
        self.prefixes = prefixes
        self.digits = digits
        self.duplicate = duplicate

    def _locked_counter(self, session, organization_id: str, prefix: str):
        """The counter row, created at 0 if missing (INSERT … ON CONFLICT DO NOTHING, so
        two first creates do not both insert it), then locked."""
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(self.counter.__table__)
                        .values(organization_id=organization_id, prefix=prefix, last_number=0)
                        .on_conflict_do_nothing())
        return session.scalars(select(self.counter)
                               .where(self.counter.organization_id == organization_id,
                                      self.counter.prefix == prefix)
                               .with_for_update()
                               .execution_options(populate_existing=True)).one()

    def _advance(self, counter, prefix: str) -> str:
        counter.last_number += 1
        return f"{prefix}{counter.last_number:0{self.digits}d}"

    def next_number(self, session, organization_id: str, kind: str) -> str:
        """The next number of ``kind`` (for documents never numbered by hand)."""
        prefix = self.prefixes[kind]
        return self._advance(self._locked_counter(session, organization_id, prefix), prefix)

    def refuse_taken(self, session, model, organization_id: str, number: str,
                     exclude_id: str | None = None) -> None:
        if number_taken(session, model, organization_id, number, exclude_id):
            message = "Another document already has this number."
            raise self.duplicate(message, {"number": [message]})

    def assign(self, session, model, organization_id: str, kind: str,
               given: str | None = None, exclude_id: str | None = None) -> str:
        """``given`` if free (the duplicate error otherwise), else the next free number of
        ``kind``."""
        prefix = self.prefixes[kind]
        if given:
            match = _PATTERN.match(given)
            if match and match.group(1) == prefix:
                counter = self._locked_counter(session, organization_id, prefix)
                counter.last_number = max(counter.last_number, int(match.group(2)))
            self.refuse_taken(session, model, organization_id, given, exclude_id)
            return given
        counter = self._locked_counter(session, organization_id, prefix)
        while True:  # skip numbers someone typed in by hand before counters existed
            number = self._advance(counter, prefix)
            if not number_taken(session, model, organization_id, number):
                return number
