"""The gateway against real identity, notify, billing, quotes and timesheets services (real RabbitMQ vhost and
PostgreSQL), driven through Flask's test client as a browser or an integrator would."""
import re
import unicodedata

import eventlet
import pytest
from nameko.events import event_handler

from billing.service import BillingService
from gateway.app import create_app
from gateway.rpc_access import close_process_pool, process_pool
from identity.service import IdentityService
from notify.service import NotifyService
from quotes.service import QuotesService
from timesheets.service import TimesheetsService
from tests.unit.gateway.catalogues import compile_catalogues

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class InvitationSink:
    """Stands in for the mailbox: keeps identity's contact_invited events."""

    name = "gateway_test_invitations"
    received: list = []

    @event_handler("identity", "contact_invited")
    def on_invited(self, envelope):
        self.received.append(envelope)


@pytest.fixture(scope="session", autouse=True)
def catalogues():
    compile_catalogues()


@pytest.fixture
def containers(container_factory, service_config, monkeypatch, tmp_path):
    """The five services and the invitation sink, running; {name: container}."""
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path / "var"))
    InvitationSink.received = []
    started = {}
    for cls in (IdentityService, NotifyService, BillingService, QuotesService,
                TimesheetsService, InvitationSink):
        container = container_factory(cls, service_config)
        container.start()
        started[cls.name] = container
    return started


@pytest.fixture
def app_config(service_config):
    return {"AMQP_URI": service_config["AMQP_URI"], "SECRET_KEY": "interface-tests",
            "TESTING": True, "RPC_TIMEOUT": 3.0, "READYZ_TIMEOUT": 1.0}


@pytest.fixture
def app(containers, app_config):
    app = create_app(app_config)
    yield app
    close_process_pool(app)


@pytest.fixture
def client(app):
    return app.test_client()


def new_organization(app, name, **extra):
    created = process_pool(app).call("identity", "create_organization",
                                     {"name": name, "email": f"staff@{name.lower().replace(' ', '')}.example",
                                      **extra})
    return {**created["organization"], "api_key": created["api_key"]}


@pytest.fixture
def org(app):
    return new_organization(app, "Talleres Norte", language="es", phone="+34 910 000 000",
                            website="https://talleres.example", street="Calle Mayor 1",
                            city="Madrid", postal_code="28013", country="ES")


class Api:
    """The staff API with one organization's key."""

    def __init__(self, client, api_key):
        self.client = client
        self.headers = {"Authorization": f"Bearer {api_key}"}

    def __getattr__(self, method):
        def call(path, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)
        return call


@pytest.fixture
def api(client, org):
    return Api(client, org["api_key"])


def csrf_token(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def wait_for_invitation(email: str, after: int = 0, timeout: float = 10.0) -> str:
    """The token of the newest invitation event for ``email`` beyond the first ``after``."""
    for _ in range(int(timeout / 0.1)):
        matching = [e for e in InvitationSink.received if e["payload"]["email"] == email]
        if len(matching) > after:
            return matching[-1]["payload"]["invitation_token"]
        eventlet.sleep(0.1)
    raise AssertionError(f"no invitation event for {email}")


def create_customer(api, name="Ferretería Central", contacts=None, **extra):
    """A customer whose first contact (Marta) has an email address and second (Jorge) none."""
    domain = unicodedata.normalize("NFKD", name.split()[0].lower()).encode("ascii", "ignore")
    domain = domain.decode() + ".example"
    body = {"display_name": name, "email": f"compras@{domain}", "currency": "EUR",
            "contacts": contacts if contacts is not None else [
                {"first_name": "Marta", "last_name": "Ibáñez", "email": f"marta@{domain}",
                 "is_primary": True},
                {"first_name": "Jorge", "last_name": "Sanz", "email": "", "is_primary": False}],
            **extra}
    response = api.post("/customers", json=body)
    assert response.status_code == 201, response.json
    return response.json


class Portal:
    """A browser on one organization's portal."""

    def __init__(self, client, slug):
        self.client = client
        self.base = f"/portal/{slug}"

    def get(self, path="/", **kwargs):
        return self.client.get(self.base + path, **kwargs)

    def post_form(self, path, data, with_csrf=True, page=None):
        if with_csrf:
            html = self.get(page or path).get_data(as_text=True)
            data = {**data, "csrf_token": csrf_token(html)}
        return self.client.post(self.base + path, data=data)

    def login(self, email, password):
        return self.post_form("/login", {"email": email, "password": password})

    def logout(self):
        return self.post_form("/logout", {}, page="/")

    def session_cookie(self):
        return self.client.get_cookie("portal_session", path=self.base + "/")


def invite_and_accept(api, client, org, customer, contact, password="Clave-segura-2026"):
    """Enable the portal for one contact and accept its invitation; a logged-in Portal."""
    before = len([e for e in InvitationSink.received
                  if e["payload"]["email"] == contact["email"]])
    response = api.post(f"/customers/{customer['id']}/portal",
                        json={"contact_ids": [contact["id"]]})
    assert response.status_code == 200, response.json
    token = wait_for_invitation(contact["email"], after=before)
    portal = Portal(client, org["slug"])
    accepted = portal.post_form(f"/invitation/{token}", {"password": password,
                                                         "confirm": password})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    return portal
