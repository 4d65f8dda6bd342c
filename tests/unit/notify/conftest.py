"""notify unit fixtures: an in-memory database, a recording transport, event envelopes."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

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
