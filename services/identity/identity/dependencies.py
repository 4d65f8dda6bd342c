"""identity's dependency providers: its own database."""
from portal_common.db import Database


def identity_database() -> Database:
    return Database("identity")
