"""notify against real RabbitMQ, PostgreSQL and a real SMTP server (aiosmtpd)."""
import uuid
from datetime import timedelta

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from notify.service import NotifyService
from portal_common.timeutil import utcnow
from tests.support.mailbox import Mailbox

BASE_URL = "https://portal.interface.test"


class NotifyEvents:
    """Stands in for whoever listens to notify: records what it publishes."""

    name = "notify_listener"
    received = []

    @event_handler("notify", "email_sent")
    def on_sent(self, envelope):
        self.received.append(envelope)

    @event_handler("notify", "email_failed")
    def on_failed(self, envelope):
        self.received.append(envelope)


@pytest.fixture
def notify_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("NOTIFY_MAIL_FROM", "portal@mail.interface.test")
    monkeypatch.setenv("NOTIFY_RETRY_BASE_SECONDS", "0.2")
    monkeypatch.setenv("NOTIFY_RETRY_MAX_SECONDS", "0.5")
    monkeypatch.setenv("NOTIFY_SMTP_TIMEOUT_SECONDS", "3")
    monkeypatch.delenv("SMTP_URL", raising=False)
    return monkeypatch


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def start_notify(container_factory, service_config, notify_env):
    """Start a notify container (SMTP_URL as given, or none: .eml files)."""

    def start(smtp_url=None):
        if smtp_url:
            notify_env.setenv("SMTP_URL", smtp_url)
        else:
            notify_env.delenv("SMTP_URL", raising=False)
        container = container_factory(NotifyService, service_config)
        container.start()
        return container

    return start


@pytest.fixture
def listener(container_factory, service_config):
    NotifyEvents.received = []
    container = container_factory(NotifyEvents, service_config)
    container.start()
    return NotifyEvents.received


@pytest.fixture
def notify_rpc(service_config):
    with ServiceRpcProxy("notify", service_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def publish(service_config):
    """Publish as identity does: on the ``identity.events`` exchange."""
    dispatch = event_dispatcher(service_config)

    def publish_event(envelope):
        dispatch("identity", envelope["event_type"], envelope)
        return envelope

    return publish_event


def invited(*, org_id=None, email="ana@cliente.example", name="Ana García", language="es",
            password=None, slug="talleres", org_name="Talleres Norte S.L.", token=None):
    org_id = org_id or str(uuid.uuid4())
    return {
        "event_id": str(uuid.uuid4()), "event_type": "contact_invited",
        "occurred_at": utcnow().isoformat(), "organization_id": org_id,
        "payload": {
            "contact_id": str(uuid.uuid4()), "customer_id": str(uuid.uuid4()),
            "email": email, "name": name, "language": language,
            "organization": {"id": org_id, "name": org_name, "slug": slug,
                             "email": "staff@talleres.example", "language": "es",
                             "timezone": "Europe/Madrid"},
            "invitation_token": token or uuid.uuid4().hex,
            "invitation_expires_at": (utcnow() + timedelta(days=7)).isoformat(),
            "password": password, "reinvite": False,
        },
    }
