"""Alembic for every service: each keeps ``<service>/migrations`` and calls this."""
from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine

from . import settings


def alembic_config(service: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", f"{service}:migrations")
    cfg.set_main_option("sqlalchemy.url", url or settings.database_url(service))
    return cfg


def upgrade(service: str, url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def run_env(metadata) -> None:
    """Body of each service's migrations/env.py (online mode only)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
