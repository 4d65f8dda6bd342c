"""End-to-end: every process from the Procfile, real RabbitMQ, PostgreSQL, SMTP, Chromium.

This runs in its own pytest process, without eventlet's monkey-patching (the
services run as subprocesses; Playwright needs real threads).
"""
import os
import uuid

import pytest

from tests.support.mailbox import Mailbox, free_port
from tests.support.rabbit import create_vhost, delete_vhost
from tests.support.system import StaffApi, System

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def system(database_urls, mailbox, tmp_path_factory):
    vhost, amqp_uri = create_vhost()
    port = free_port()
    workdir = tmp_path_factory.mktemp("system")
    env = {
        "AMQP_URI": amqp_uri,
        **{f"{service.upper()}_DATABASE_URL": url for service, url in database_urls.items()},
        "SMTP_URL": mailbox.url,
        "PORT": str(port),
        "GATEWAY_BIND": f"127.0.0.1:{port}",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": uuid.uuid4().hex,
        "PORTAL_VAR_DIR": str(workdir / "var"),
        "NOTIFY_SEND_INTERVAL_SECONDS": "0.5",
        "NOTIFY_RETRY_BASE_SECONDS": "1",
        "GATEWAY_WORKERS": "1",
    }
    system = System(env, workdir, port)
    system.vhost = vhost
    try:
        system.start_all()
        yield system
    finally:
        system.stop_all()
        delete_vhost(vhost)
        if os.environ.get("CI"):
            for name in system.commands:
                print(f"----- {name} log (tail) -----\n{system.log_of(name)[-3000:]}")


@pytest.fixture(scope="session")
def organization(system):
    return system.run_cli("org", "create", "--name", "Talleres Norte S.L.",
                          "--email", "staff@talleres.example", "--language", "es",
                          "--currency", "EUR", "--timezone", "Europe/Madrid")


@pytest.fixture(scope="session")
def api(system, organization):
    return StaffApi(system.base_url, organization["api_key"])


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    yield page
    context.close()
