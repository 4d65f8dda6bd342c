"""timesheets's dependency providers: its own database."""
from portal_common.db import Database


def timesheets_database() -> Database:
    return Database("timesheets")
