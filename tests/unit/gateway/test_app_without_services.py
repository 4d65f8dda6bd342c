"""What the gateway answers on its own, with no broker behind it."""
import json
import logging

import pytest

from gateway.app import create_app
from gateway.rpc_access import close_process_pool
from tests.unit.gateway.catalogues import compile_catalogues

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"


@pytest.fixture
def app():
    compile_catalogues()
    app = create_app({"AMQP_URI": NO_BROKER, "SECRET_KEY": "unit", "TESTING": True,
                      "RPC_TIMEOUT": 1.0, "READYZ_TIMEOUT": 0.5})

    @app.get("/boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    yield app
    close_process_pool(app)


def test_healthz_needs_nothing_else(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_says_which_services_are_down(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["services"] == {name: "down" for name in
                                         ("identity", "billing", "quotes", "timesheets", "notify")}


def test_api_without_a_broker_is_503_with_the_error_body(app):
    response = app.test_client().get("/api/v1/customers", headers={"Authorization": "Bearer cpk_x"})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"


def test_portal_without_a_broker_is_a_503_page(app):
    response = app.test_client().get("/portal/some-org/login?lang=en")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_unexpected_errors_are_500_logged_once_and_leak_nothing(app, caplog):
    caplog.set_level(logging.ERROR, logger="gateway.errors")
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "hunter2" not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.getMessage() == "unhandled_exception"]
    assert record.exc_info and "hunter2" in str(record.exc_info[1])


def test_request_log_redacts_invitation_tokens_and_query_strings(app, caplog):
    caplog.set_level(logging.INFO, logger="gateway.request")
    app.test_client().get("/portal/some-org/invitation/SeCrEtToKeN123?email=x@y.z")
    [record] = [r for r in caplog.records if r.name == "gateway.request"]
    assert record.path == "/portal/some-org/invitation/[redacted]"
    from portal_common.logs import JsonFormatter
    line = JsonFormatter("gateway").format(record)
    assert "SeCrEtToKeN123" not in line and "x@y.z" not in line
    entry = json.loads(line)
    assert entry["status"] == 503 and entry["method"] == "GET" and entry["duration_ms"] >= 0


def test_a_streamed_response_is_logged_without_reading_it_first(caplog):
    """The request log must not buffer a stream (the statement's print view) to count it."""
    caplog.set_level(logging.INFO, logger="gateway.request")
    app = create_app({"AMQP_URI": NO_BROKER, "SECRET_KEY": "unit", "TESTING": True})
    produced = []

    def rows():
        for number in range(3):
            produced.append(number)
            yield f"<tr><td>{number}</td></tr>"

    @app.get("/stream")
    def stream():
        from flask import Response
        return Response(rows(), mimetype="text/html")

    response = app.test_client().get("/stream", buffered=False)
    # Answered and logged with only the first piece produced (the test client pulls one
    # to see the status); counting the bytes would have produced all three.
    assert produced == [0]
    assert response.get_data(as_text=True).count("<tr>") == 3
    [record] = [r for r in caplog.records if r.name == "gateway.request"]
    assert record.streamed is True and record.bytes is None
    close_process_pool(app)
