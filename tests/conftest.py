"""Fixtures every test run shares: real PostgreSQL databases, one per service."""
import os

import pytest

from tests.support.postgres import create_databases, drop_databases


@pytest.fixture(scope="session")
def database_urls():
    """{service: url} of migrated PostgreSQL databases for this test run."""
    urls = create_databases()
    yield urls
    if not os.environ.get("KEEP_TEST_DATABASES"):
        drop_databases(urls)
