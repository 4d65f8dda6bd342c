"""Rows straight into a service's PostgreSQL tables with COPY, shaped by its SQLAlchemy models.

The benchmark needs hundreds of thousands of ledger rows; making them through
RPCs (one transaction, one event and one round trip each) would take longer
than the benchmark itself. COPY loads them in seconds. The model's table gives
the columns and fills the ones a row leaves out with the model's own defaults
(new ids, ``utcnow``, ``default=`` values), so the rows look like the ones the
service writes; the service's migrations must match its models, as its tests check.
"""
import datetime
import io
import json
from decimal import Decimal

import psycopg2.extensions

from sqlalchemy import JSON, Table, text

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value, column) -> str:
    """One value in COPY's text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if isinstance(column.type, JSON):
        value = json.dumps(value)
    elif isinstance(value, bool):
        value = "t" if value else "f"
    elif isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{column.name}: naive timestamp {value!r} (use UTC-aware ones)")
        value = value.isoformat()
    elif isinstance(value, (datetime.date, Decimal, int, float)):
        value = str(value)
    return str(value).translate(_ESCAPES)


def _default(column):
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps zero-argument callables to take a context
    if default.is_scalar:
        return default.arg
    raise ValueError(f"{column.name}: no Python-side default to fill in")


def _stored_columns(connection, table_name: str) -> set[str]:
    return set(connection.execute(text(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :name"),
        {"name": table_name}).scalars())


def copy_rows(connection, table: Table, rows: list[dict]) -> int:
    """COPY ``rows`` (dicts keyed by column name) into ``table``; returns how many.

    ``connection`` is a SQLAlchemy Connection on PostgreSQL; the caller commits.
    A key that is not a column of the table is a mistake in the caller and raises.
    """
    if not rows:
        return 0
    names = {c.name for c in table.columns}
    unknown = set(rows[0]) - names
    if unknown:
        raise KeyError(f"{table.name} has no column(s) {sorted(unknown)}")
    # Only the columns the database has: while a model is ahead of its migration
    # (work in progress), its newest columns are left out rather than failing.
    stored = _stored_columns(connection, table.name)
    if not stored:
        raise LookupError(f"the database has no table {table.name} (run the migrations)")
    columns = [c for c in table.columns if c.name in stored]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row[c.name] if c.name in row else _default(c), c)
                               for c in columns))
        buffer.write("\n")
    buffer.seek(0)
    column_list = ", ".join(f'"{c.name}"' for c in columns)
    cursor = connection.connection.dbapi_connection.cursor()
    # COPY refuses to run under a wait callback (psycogreen's, installed once eventlet
    # is imported, as the bench's RPC client does); the bench loads before it serves.
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cursor.copy_expert(f'COPY "{table.name}" ({column_list}) FROM STDIN', buffer)
    finally:
        psycopg2.extensions.set_wait_callback(callback)
        cursor.close()
    return len(rows)
