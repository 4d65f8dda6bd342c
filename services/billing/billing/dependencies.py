"""billing's dependency providers: its own database."""
from portal_common.db import Database


def billing_database() -> Database:
    return Database("billing")
