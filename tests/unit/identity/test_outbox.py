"""The outbox keeps events until the broker takes them, and forgets secrets after."""
from sqlalchemy import select

from identity import operations as ops
from identity.models import Outbox
from portal_common.events import publish_pending


def test_unsent_events_stay_until_published_and_secrets_are_scrubbed(session, org, customer):
    ops.enable_portal(session, org.id, customer.id,
                      {"contact_ids": [customer.contacts[0].id], "password": "staff-Set-pass1"})
    session.commit()

    def broker_down(event_type, envelope):
        raise ConnectionError("connection refused")

    assert publish_pending(session, Outbox, broker_down) == 0
    pending = session.scalars(select(Outbox).where(Outbox.published_at.is_(None))).all()
    assert {r.event_type for r in pending} == {"contact_portal_enabled", "contact_invited"}
    assert pending[0].attempts == 1 and "connection refused" in pending[0].last_error

    sent = []
    assert publish_pending(session, Outbox, lambda t, e: sent.append(e)) == 2
    invited = next(e for e in sent if e["event_type"] == "contact_invited")
    assert invited["payload"]["password"] == "staff-Set-pass1"
    assert set(invited) == {"event_id", "event_type", "occurred_at", "organization_id", "payload"}
    stored = session.get(Outbox, invited["event_id"])
    assert stored.payload["password"] is None and stored.payload["invitation_token"] is None
    assert publish_pending(session, Outbox, lambda t, e: sent.append(e)) == 0
