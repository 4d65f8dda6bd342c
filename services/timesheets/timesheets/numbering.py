"""Approval numbers (TS-00001, TS-00002…) from a per-organization counter.

The counter row is locked FOR UPDATE until the submit commits, so two approvals submitted
at once in one organization take numbers one after the other instead of both reading the
same "highest number" and colliding on the unique (organization_id, number).
"""
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .models import DocumentCounter

APPROVAL_PREFIX = "TS-"


def _locked_counter(session, organization_id: str, prefix: str) -> DocumentCounter:
    """The counter row, created at 0 if missing (INSERT … ON CONFLICT DO NOTHING, so two
    first submits do not both insert it), then locked."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(DocumentCounter.__table__)
                    .values(organization_id=organization_id, prefix=prefix, last_number=0)
                    .on_conflict_do_nothing())
    return session.scalars(select(DocumentCounter)
                           .where(DocumentCounter.organization_id == organization_id,
                                  DocumentCounter.prefix == prefix)
                           .with_for_update()
                           .execution_options(populate_existing=True)).one()


def next_approval_number(session, organization_id: str) -> str:
    counter = _locked_counter(session, organization_id, APPROVAL_PREFIX)
    counter.last_number += 1
    return f"{APPROVAL_PREFIX}{counter.last_number:05d}"
