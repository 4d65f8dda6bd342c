"""The migrations build exactly the tables the models describe (SQLite, as `portal migrate`
does by default), and go down to 0002 and up again."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal_common.migrations import alembic_config, upgrade
from timesheets.models import Base


def test_models_and_migrations_match(tmp_path):
    url = f"sqlite:///{tmp_path / 'timesheets.db'}"
    upgrade("timesheets", url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        indexes = {i["name"]: i for i in inspect(connection).get_indexes("approval_entries")}
        assert indexes["uq_approval_entries_active"]["unique"]
    command.downgrade(alembic_config("timesheets", url), "0002")
    with engine.connect() as connection:
        assert "projects" not in inspect(connection).get_table_names()
        assert "project_name" in {c["name"] for c in inspect(connection).get_columns("approvals")}
    upgrade("timesheets", url)
    engine.dispose()


def test_models_and_migrations_match_on_postgresql(timesheets_pg_url):
    engine = create_engine(timesheets_pg_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
