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


@pytest.fixture(scope="session")
def localstripe():
    """localstripe on a free loopback port for this test run (see tests/support/localstripe.py)."""
    from tests.support.localstripe import Localstripe
    server = Localstripe().start()
    yield server
    server.stop()
