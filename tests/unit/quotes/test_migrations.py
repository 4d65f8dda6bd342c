"""quotes's hand-written migrations build exactly the tables its models describe, on SQLite
(the embedded default) and PostgreSQL, and 0003 goes down and up again."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal_common.migrations import alembic_config, upgrade
from quotes.models import Base


def differences(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        found = compare_metadata(context, Base.metadata)
    engine.dispose()
    return found


def test_sqlite_migrations_match_the_models_and_0003_is_reversible(tmp_path):
    url = f"sqlite:///{tmp_path / 'quotes.db'}"
    upgrade("quotes", url)
    assert differences(url) == []
    command.downgrade(alembic_config("quotes", url), "0002")
    engine = create_engine(url)
    assert "sales_orders" not in inspect(engine).get_table_names()
    assert "revision" not in {c["name"] for c in inspect(engine).get_columns("quotes")}
    engine.dispose()
    upgrade("quotes", url)
    assert differences(url) == []


def test_postgresql_migrations_match_the_models(quotes_pg_url):
    assert differences(quotes_pg_url) == []
