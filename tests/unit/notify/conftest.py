"""notify unit fixtures: an in-memory database, a recording transport, event envelopes."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from identity.exceptions import CustomerNotFound, OrganizationNotFound
from notify.models import Base
from notify.transport import DeliveryFailed
from portal_common.timeutil import utcnow

BASE_URL = "https://portal.example.test"


@pytest.fixture
def session():
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        yield db
    engine.dispose()


@pytest.fixture(autouse=True)
def notify_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("NOTIFY_MAIL_FROM", "portal@mail.example.test")
    monkeypatch.setenv("NOTIFY_RETRY_BASE_SECONDS", "30")
    monkeypatch.setenv("NOTIFY_RETRY_MAX_SECONDS", "300")
    monkeypatch.setenv("NOTIFY_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("NOTIFY_EVENT_RETRY_DELAY_SECONDS", "0")


class RecordingTransport:
    """Keeps what it is given; fails while ``failures`` has items (each one raised once)."""

    def __init__(self):
        self.sent = []
        self.failures = []

    def describe(self):
        return "recording"

    def send(self, message, sender, recipients):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append({"message": message, "sender": sender, "recipients": recipients})

    def fail(self, times=1, reason="ConnectionRefusedError: [Errno 111]", permanent=False):
        self.failures.extend(DeliveryFailed(reason, permanent=permanent) for _ in range(times))


@pytest.fixture
def transport():
    return RecordingTransport()


def make_envelope(org_id=None, *, language="es", password=None, email="ana@cliente.example",
                  name="Ana García", org_name="Estudio Demo S.L.", slug="demo",
                  timezone="Europe/Madrid", event_id=None, token=None):
    org_id = org_id or str(uuid.uuid4())
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": "contact_invited",
        "occurred_at": utcnow().isoformat(),
        "organization_id": org_id,
        "payload": {
            "contact_id": str(uuid.uuid4()), "customer_id": str(uuid.uuid4()),
            "email": email, "name": name, "language": language,
            "organization": {"id": org_id, "name": org_name, "slug": slug,
                             "email": "facturacion@demo.example", "language": "es",
                             "timezone": timezone},
            "invitation_token": token or f"tok-{uuid.uuid4().hex}",
            "invitation_expires_at": (utcnow() + timedelta(days=7)).isoformat(),
            "password": password, "reinvite": False,
        },
    }


ORG_ID = "org-talleres"


class FakeIdentity:
    """identity's get_activity_context over a few known ids (another bounded context)."""

    def __init__(self):
        self.organizations = {ORG_ID: {
            "id": ORG_ID, "name": "Talleres Norte S.L.", "slug": "talleres",
            "email": "staff@talleres.example", "language": "es",
            "timezone": "Europe/Madrid"}}
        self.customers = {"cus-1": (ORG_ID, {"id": "cus-1",
                                             "display_name": "Ferretería Central"})}
        self.contacts = {"con-1": {"id": "con-1", "name": "Marta Ibáñez",
                                   "email": "marta@ferreteria.example"}}
        self.calls = []
        self.failures = []      # exceptions raised by the next calls, one each

    def get_activity_context(self, organization_id, customer_id, contact_id=None):
        self.calls.append((organization_id, customer_id, contact_id))
        if self.failures:
            raise self.failures.pop(0)
        if organization_id not in self.organizations:
            raise OrganizationNotFound("Organization not found.", {})
        owner, customer = self.customers.get(customer_id, (None, None))
        if owner != organization_id:
            raise CustomerNotFound("Customer not found.", {})
        return {"organization": self.organizations[organization_id], "customer": customer,
                "contact": self.contacts.get(contact_id)}


@pytest.fixture
def identity():
    return FakeIdentity()


def activity_envelope(event_type, payload=None, *, org_id=ORG_ID, customer_id="cus-1",
                      contact_id="con-1", event_id=None, occurred_at=None):
    return {
        "event_id": event_id or str(uuid.uuid4()), "event_type": event_type,
        "occurred_at": (occurred_at or utcnow()).isoformat(), "organization_id": org_id,
        "payload": {"customer_id": customer_id, "contact_id": contact_id, **(payload or {})},
    }


def details_updated(changes=None, section="billing_address", **kwargs):
    return activity_envelope("customer_details_updated", {
        "section": section,
        "changes": changes or [{"field": "city", "old": "Madrid", "new": "Sevilla"},
                               {"field": "postal_code", "old": "28013", "new": "41001"}]},
        **kwargs)


def customer_message(subject="Factura de marzo", message="¿Pueden reenviarla?", **kwargs):
    return activity_envelope("customer_message_sent", {
        "message_id": str(uuid.uuid4()), "subject": subject, "message": message,
        "contact_email": "marta@ferreteria.example", "contact_name": "Marta Ibáñez"}, **kwargs)


def review(rating=5, message="Muy buen servicio", **kwargs):
    return activity_envelope("review_submitted", {"review_id": str(uuid.uuid4()),
                                                  "rating": rating, "message": message},
                             **kwargs)
