"""Liveness and readiness as an operator (or Kubernetes) sees them."""
import pytest

from quotes.service import QuotesService
from timesheets.service import TimesheetsService


@pytest.fixture
def all_services(containers, container_factory, service_config):
    for cls in (QuotesService, TimesheetsService):  # billing is in containers
        container_factory(cls, service_config).start()
    return containers


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_readyz_all_up(all_services, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "services": {
        "identity": "up", "billing": "up", "quotes": "up", "timesheets": "up", "notify": "up"}}


def test_readyz_with_one_service_stopped(all_services, app, client, api):
    all_services["notify"].stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not_ready"
    assert response.json["services"]["notify"] == "down"
    assert {name: state for name, state in response.json["services"].items()
            if name != "notify"} == {"identity": "up", "billing": "up", "quotes": "up",
                                     "timesheets": "up"}
    # A staff call that needs notify says so, and the rest of the API still answers.
    unavailable = api.get("/email-templates")
    assert unavailable.status_code == 503
    assert unavailable.json["error"]["code"] == "service_unavailable"
    assert api.get("/customers").status_code == 200
