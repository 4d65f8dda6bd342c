"""notify's dependency providers: its own database."""
from portal_common.db import Database


def notify_database() -> Database:
    return Database("notify")
