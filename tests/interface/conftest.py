"""Interface tests run services in this process under eventlet (nameko issue #727).

`make test` runs them with `nameko test`, which patches before any import; the
patch below covers a plain `pytest tests/interface` (patching twice is harmless).
"""
import eventlet

eventlet.monkey_patch()

import pytest  # noqa: E402


@pytest.fixture
def service_config(rabbit_config, database_urls):
    """nameko config: a throw-away vhost (nameko's rabbit_config) and our databases."""
    config = dict(rabbit_config)
    config["DATABASE_URLS"] = database_urls
    return config
