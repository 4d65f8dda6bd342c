"""identity against real RabbitMQ and PostgreSQL, called as the gateway calls it."""
import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from identity.exceptions import (ContactHasNoEmail, CustomerNotFound, InvalidCredentials,
                                 InvitationInvalid, SessionInvalid)
from identity.service import IdentityService


class EventSink:
    """Stands in for the other bounded contexts: records identity's events."""

    name = "sink"
    received = []

    @event_handler("identity", "contact_invited")
    def on_invited(self, envelope):
        self.received.append(envelope)


@pytest.fixture
def identity(container_factory, service_config):
    EventSink.received = []
    container = container_factory(IdentityService, service_config)
    container.start()
    sink = container_factory(EventSink, service_config)
    sink.start()
    with ServiceRpcProxy("identity", service_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def org(identity):
    return identity.create_organization({"name": "Org A", "email": "staff@a.example"})


def _customer(identity, org_id, **extra):
    data = {"display_name": "Cliente", "currency": "EUR",
            "contacts": [{"first_name": "Ana", "email": "ana@example.com", "is_primary": True},
                         {"first_name": "Sin", "last_name": "Correo"}]}
    data.update(extra)
    return identity.create_customer(org_id, data)


def test_health(identity):
    assert identity.health() == {"service": "identity", "status": "ok"}


def test_invitation_to_session(identity, org):
    org_id = org["organization"]["id"]
    slug = org["organization"]["slug"]
    customer = _customer(identity, org_id)
    ana = customer["contacts"][0]

    result = identity.enable_portal(org_id, customer["id"], {"contact_ids": [ana["id"]]})
    assert result["enabled"][0]["contact_id"] == ana["id"]

    # The relay publishes the event after the commit; the sink receives it.
    for _ in range(50):
        if EventSink.received:
            break
        import eventlet
        eventlet.sleep(0.1)
    envelope = EventSink.received[0]
    assert envelope["event_type"] == "contact_invited"
    assert envelope["organization_id"] == org_id
    token = envelope["payload"]["invitation_token"]

    session = identity.accept_invitation(slug, token, "a-Good-passw0rd")
    who = identity.resolve_session(slug, session["session_token"])
    assert who["contact_id"] == ana["id"] and who["customer_id"] == customer["id"]

    with pytest.raises(InvitationInvalid):
        identity.accept_invitation(slug, token, "another-passw0rd")

    identity.logout(slug, session["session_token"])
    with pytest.raises(SessionInvalid):
        identity.resolve_session(slug, session["session_token"])

    with pytest.raises(InvalidCredentials):
        identity.login(slug, "ana@example.com", "wrong-passw0rd")
    again = identity.login(slug, "ANA@example.com", "a-Good-passw0rd")
    assert identity.resolve_session(slug, again["session_token"])["contact_id"] == ana["id"]


def test_no_portal_without_email(identity, org):
    org_id = org["organization"]["id"]
    customer = _customer(identity, org_id)
    no_email = customer["contacts"][1]
    with pytest.raises(ContactHasNoEmail) as info:
        identity.enable_portal(org_id, customer["id"], {"contact_ids": [no_email["id"]]})
    assert info.value.details == {"contact_ids": [no_email["id"]]}


def test_other_organization_is_not_found(identity, org):
    other = identity.create_organization({"name": "Org B", "email": "staff@b.example"})
    customer = _customer(identity, org["organization"]["id"])
    with pytest.raises(CustomerNotFound):
        identity.get_customer(other["organization"]["id"], customer["id"])


def test_allow_ach_over_rpc_in_the_customer_and_the_portal_profile(identity, org):
    """The gateway offers ACH bank payments from the portal profile's customer."""
    org_id = org["organization"]["id"]
    plain = _customer(identity, org_id)
    assert plain["allow_ach"] is False
    assert identity.get_portal_profile(org_id, plain["id"])["customer"]["allow_ach"] is False

    banked = _customer(identity, org_id, display_name="Con ACH", allow_ach=True)
    assert identity.get_customer(org_id, banked["id"])["allow_ach"] is True
    assert identity.get_portal_profile(org_id, banked["id"])["customer"]["allow_ach"] is True

    identity.update_customer(org_id, banked["id"], {"phone": "600 000 000"})
    assert identity.get_customer(org_id, banked["id"])["allow_ach"] is True
    assert identity.update_customer(org_id, banked["id"], {"allow_ach": False})["allow_ach"] \
        is False
    assert identity.get_portal_profile(org_id, banked["id"])["customer"]["allow_ach"] is False
