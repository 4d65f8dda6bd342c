"""gateway/gunicorn.conf.py: where it listens and how many workers, from the environment."""
import runpy

from tests.unit.gateway.catalogues import PACKAGE

CONFIG = PACKAGE.parent / "gunicorn.conf.py"


def _load(monkeypatch, **env):
    for name in ("PORT", "GATEWAY_BIND", "GATEWAY_WORKERS", "GATEWAY_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_defaults_fit_two_cores_on_loopback(monkeypatch):
    config = _load(monkeypatch)
    assert config["bind"] == "127.0.0.1:8000"
    assert config["worker_class"] == "gthread"
    assert (config["workers"], config["threads"]) == (2, 8)
    assert config["accesslog"] is None  # the app logs each request itself, as JSON


def test_port_and_bind_and_sizes_from_the_environment(monkeypatch):
    assert _load(monkeypatch, PORT="5500")["bind"] == "127.0.0.1:5500"
    config = _load(monkeypatch, PORT="5500", GATEWAY_BIND="0.0.0.0:8080", GATEWAY_WORKERS="4",
                   GATEWAY_THREADS="16")
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:8080", 4, 16)


def test_logs_are_json_lines(monkeypatch):
    logging_config = _load(monkeypatch)["logconfig_dict"]
    assert logging_config["formatters"]["json"]["()"] == "portal_common.logs.JsonFormatter"
    assert logging_config["loggers"]["gunicorn.error"]["handlers"] == ["stdout"]


def test_a_pdf_is_not_logged_step_by_step(monkeypatch):
    """WeasyPrint writes each step of each PDF at INFO: the gateway keeps only its warnings."""
    logging_config = _load(monkeypatch)["logconfig_dict"]
    assert logging_config["root"]["level"] == "INFO"
    assert logging_config["loggers"]["weasyprint"] == {"level": "WARNING"}
