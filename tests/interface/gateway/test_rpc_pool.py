"""Many requests at once share a small pool of RPC clients and all get their answer."""
import eventlet
import pytest

from gateway.app import create_app
from gateway.rpc_access import close_process_pool, process_pool
from tests.interface.gateway.conftest import Api, create_customer, new_organization


@pytest.fixture
def small_pool_app(containers, app_config):
    app = create_app({**app_config, "RPC_POOL_SIZE": 2})
    yield app
    close_process_pool(app)


def test_twenty_concurrent_requests_through_two_clients(small_pool_app):
    org = new_organization(small_pool_app, "Concurrida")
    api = Api(small_pool_app.test_client(), org["api_key"])
    customer = create_customer(api)

    def fetch(_):
        client = Api(small_pool_app.test_client(), org["api_key"])
        response = client.get(f"/customers/{customer['id']}")
        return response.status_code, response.json["id"]

    results = list(eventlet.GreenPool(20).imap(fetch, range(20)))
    assert results == [(200, customer["id"])] * 20
    pool = process_pool(small_pool_app)
    assert pool._created <= 2
