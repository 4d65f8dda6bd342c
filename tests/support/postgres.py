"""Throw-away PostgreSQL databases, one per service, migrated with alembic."""
import os
import uuid

from sqlalchemy import create_engine, text

from portal_common import settings
from portal_common.migrations import upgrade

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_engine():
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_databases(services=settings.SERVICES) -> dict:
    """Create and migrate one database per service; returns {service: url}."""
    tag = uuid.uuid4().hex[:8]
    base = ADMIN_URL.rsplit("/", 1)[0]
    urls = {}
    engine = _admin_engine()
    with engine.connect() as conn:
        for service in services:
            name = f"portal_test_{service}_{tag}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            urls[service] = f"{base}/{name}"
    engine.dispose()
    for service, url in urls.items():
        upgrade(service, url)
    return urls


def drop_databases(urls: dict) -> None:
    engine = _admin_engine()
    with engine.connect() as conn:
        for url in urls.values():
            name = url.rsplit("/", 1)[1]
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
