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


# -- online payments: gateway settings are per organization, set through the staff API --------
STRIPE_WEBHOOK_SECRET = "whsec_e2e_pagos_levante"


def payments_organization(system, name: str, email: str, api_base: str) -> dict:
    """A new organization whose staff set its payment gateway to ``api_base`` (localstripe or
    the Stripe-shaped stub), with a default tax (billing refuses payments without: Cp2001).
    Returns {"organization", "api" (StaffApi), "webhook_url", "tax_id"}."""
    organization = system.run_cli("org", "create", "--name", name, "--email", email,
                                  "--language", "es", "--currency", "EUR",
                                  "--timezone", "Europe/Madrid")
    staff = StaffApi(system.base_url, organization["api_key"])
    tax = staff.post("/taxes", json={"name": "IVA", "rate": "21", "is_default": True})
    assert tax.status_code == 201, tax.text
    settings = staff.put("/payment-gateway", json={
        "api_base": api_base, "secret_key": "sk_test_e2e_4242", "publishable_key": "pk_test_e2e",
        "webhook_secret": STRIPE_WEBHOOK_SECRET, "supported_currencies": ["EUR", "USD"],
        "duplicate_window_minutes": 5})
    assert settings.status_code == 200, settings.text
    webhook_url = f"{system.base_url}/webhooks/stripe/{organization['organization_id']}"
    return {"organization": organization, "api": staff, "webhook_url": webhook_url,
            "tax_id": tax.json()["id"]}


@pytest.fixture(scope="session")
def card_payments(system, localstripe):
    """An organization paid through localstripe, whose signed webhooks reach the gateway."""
    setup = payments_organization(system, "Pagos Levante S.L.", "staff@levante.example",
                                  localstripe.url)
    localstripe.register_webhook(setup["organization"]["organization_id"],
                                 setup["webhook_url"], STRIPE_WEBHOOK_SECRET)
    return setup


@pytest.fixture(scope="session")
def stripe_stub():
    from tests.support.stripe_stub import StripeStub
    stub = StripeStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def bank_payments(system, stripe_stub):
    """An organization whose gateway is the Stripe-shaped stub: localstripe has no US bank
    accounts, so ACH goes through the stub's stand-in Stripe.js and webhooks the test signs."""
    return payments_organization(system, "Riegos del Sur S.L.", "staff@riegos.example",
                                 stripe_stub.url)
