"""quotes's dependency providers: its own database."""
from portal_common.db import Database


def quotes_database() -> Database:
    return Database("quotes")
