"""notify against real RabbitMQ, PostgreSQL and a real SMTP server (aiosmtpd)."""
import uuid
from datetime import timedelta

import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from identity.exceptions import ContactNotFound, CustomerNotFound, OrganizationNotFound
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


class StandInIdentity:
    """Another bounded context: identity's get_activity_context, same name and shape,
    over the organizations, customers and contacts a test puts in ``known``."""

    name = "identity"
    known = {"organizations": {}, "customers": {}, "contacts": {}}
    calls = []

    @rpc
    def get_activity_context(self, organization_id, customer_id, contact_id=None):
        self.calls.append((organization_id, customer_id, contact_id))
        known = self.known
        if organization_id not in known["organizations"]:
            raise OrganizationNotFound("Organization not found.")
        owner, customer = known["customers"].get(customer_id, (None, None))
        if owner != organization_id:
            raise CustomerNotFound("Customer not found.")
        contact = None
        if contact_id is not None:
            contact = known["contacts"].get(contact_id)
            if contact is None:
                raise ContactNotFound("Contact not found.")
        return {"organization": known["organizations"][organization_id],
                "customer": customer, "contact": contact}


def known_organization(*, name="Talleres Norte S.L.", email="staff@talleres.example",
                       language="es", slug="talleres"):
    """An organization with one customer (Ferretería Central) and its contact (Marta)."""
    org_id, customer_id, contact_id = (str(uuid.uuid4()) for _ in range(3))
    StandInIdentity.known["organizations"][org_id] = {
        "id": org_id, "name": name, "slug": slug, "email": email, "language": language,
        "timezone": "Europe/Madrid"}
    StandInIdentity.known["customers"][customer_id] = (
        org_id, {"id": customer_id, "display_name": "Ferretería Central"})
    StandInIdentity.known["contacts"][contact_id] = {
        "id": contact_id, "name": "Marta Ibáñez", "email": "marta@ferreteria.example"}
    return {"organization_id": org_id, "customer_id": customer_id, "contact_id": contact_id}


@pytest.fixture
def start_identity(container_factory, service_config):
    """Start the stand-in identity; the known ids are cleared for each test."""
    StandInIdentity.known = {"organizations": {}, "customers": {}, "contacts": {}}
    StandInIdentity.calls = []

    def start():
        container = container_factory(StandInIdentity, service_config)
        container.start()
        return container

    return start


def activity(event_type, ids, payload=None, event_id=None):
    """An activity event as identity publishes it, for ``ids`` from known_organization()."""
    return {
        "event_id": event_id or str(uuid.uuid4()), "event_type": event_type,
        "occurred_at": utcnow().isoformat(), "organization_id": ids["organization_id"],
        "payload": {"customer_id": ids["customer_id"], "contact_id": ids["contact_id"],
                    **(payload or {})},
    }


def message_sent(ids, subject="Consulta", message="¿Me envían la factura?"):
    return activity("customer_message_sent", ids, {
        "message_id": str(uuid.uuid4()), "subject": subject, "message": message,
        "contact_email": "marta@ferreteria.example", "contact_name": "Marta Ibáñez"})


def details_updated(ids, changes=None, section="billing_address"):
    return activity("customer_details_updated", ids, {
        "section": section,
        "changes": changes or [{"field": "city", "old": "Madrid", "new": "Sevilla"}]})


@pytest.fixture
def notify_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("NOTIFY_MAIL_FROM", "portal@mail.interface.test")
    monkeypatch.setenv("NOTIFY_RETRY_BASE_SECONDS", "0.2")
    monkeypatch.setenv("NOTIFY_RETRY_MAX_SECONDS", "0.5")
    monkeypatch.setenv("NOTIFY_SMTP_TIMEOUT_SECONDS", "3")
    monkeypatch.setenv("NOTIFY_EVENT_RETRY_DELAY_SECONDS", "0.2")
    monkeypatch.setenv("NOTIFY_IDENTITY_TIMEOUT_SECONDS", "1")
    monkeypatch.delenv("SMTP_URL", raising=False)
    return monkeypatch


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


def _forget_mail_of_earlier_tests(database_url: str) -> None:
    """The run's notify database is shared: an earlier test (a gateway test, say) may have
    left mail queued, which this test's notify would otherwise send to this test's SMTP
    server. Mark it failed so each test sees only its own mail."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE outgoing_mail SET status = 'failed' "
                                    "WHERE status = 'queued'"))
    finally:
        engine.dispose()


@pytest.fixture
def start_notify(container_factory, service_config, notify_env):
    """Start a notify container (SMTP_URL as given, or none: .eml files)."""
    started = []

    def start(smtp_url=None):
        if not started:   # a test restarting notify keeps its own queued mail
            _forget_mail_of_earlier_tests(service_config["DATABASE_URLS"]["notify"])
        if smtp_url:
            notify_env.setenv("SMTP_URL", smtp_url)
        else:
            notify_env.delenv("SMTP_URL", raising=False)
        container = container_factory(NotifyService, service_config)
        container.start()
        started.append(container)
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


@pytest.fixture
def publish_billing(service_config):
    """Publish as billing's outbox relay does: on the ``billing.events`` exchange."""
    dispatch = event_dispatcher(service_config)

    def publish_event(envelope):
        dispatch("billing", envelope["event_type"], envelope)
        return envelope

    return publish_event


def billing_event(event_type, ids, payload):
    """An event as billing publishes it (billing.events): no contact, the customer's id."""
    return {
        "event_id": str(uuid.uuid4()), "event_type": event_type,
        "occurred_at": utcnow().isoformat(), "organization_id": ids["organization_id"],
        "payload": {"customer_id": ids["customer_id"], **payload},
    }


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
