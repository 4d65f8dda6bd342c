"""identity's portal actions over real RabbitMQ and PostgreSQL: the events a consumer
(notify) receives, exactly as the contracts say, and the errors as their own classes."""
import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from identity.exceptions import (ContactNotFound, CustomerNotFound, MessageLimitReached,
                                 OrganizationNotFound, WrongPassword)
from identity.service import IdentityService
from portal_common.errors import ValidationFailed
from tests.support.portal_events import PORTAL_EVENTS, PortalEventSink


@pytest.fixture
def identity(container_factory, service_config):
    PortalEventSink.received = []
    for cls in (IdentityService, PortalEventSink):
        container_factory(cls, service_config).start()
    with ServiceRpcProxy("identity", service_config, timeout=10) as proxy:
        yield proxy


def wait_for(event_type, count=1, timeout=10.0):
    for _ in range(int(timeout / 0.1)):
        found = [e for e in PortalEventSink.received if e["event_type"] == event_type]
        if len(found) >= count:
            return found
        eventlet.sleep(0.1)
    raise AssertionError(f"{event_type} was not received")


@pytest.fixture
def ana(identity):
    org = identity.create_organization({"name": "Org A", "email": "staff@a.example",
                                        "language": "es", "timezone": "Europe/Madrid"})
    org_id, slug = org["organization"]["id"], org["organization"]["slug"]
    customer = identity.create_customer(org_id, {
        "display_name": "Cliente", "currency": "EUR", "language": "en",
        "billing_address": {"city": "Madrid", "country": "ES"},
        "contacts": [{"first_name": "Ana", "last_name": "Ruiz", "email": "ana@example.com"}]})
    contact = customer["contacts"][0]
    identity.enable_portal(org_id, customer["id"], {"contact_ids": [contact["id"]],
                                                    "password": "a-Good-passw0rd"})
    token = identity.login(slug, "ana@example.com", "a-Good-passw0rd")["session_token"]
    return {"org_id": org_id, "slug": slug, "customer_id": customer["id"],
            "contact_id": contact["id"], "token": token,
            "who": (org_id, customer["id"], contact["id"])}


def test_every_portal_event_arrives_as_the_contract_says(identity, ana):
    who = ana["who"]
    identity.update_portal_details(*who, "billing_address", {"city": "Sevilla", "country": "ES"})
    identity.update_portal_details(*who, "billing_address", {"city": "Sevilla"})  # no change
    identity.change_password(*who, ana["token"], {"old_password": "a-Good-passw0rd",
                                                  "new_password": "an-0ther-passw0rd"})
    message = identity.send_customer_message(*who, {"subject": "Pedido", "message": "Hola"})
    review = identity.submit_review(*who, {"rating": 5, "message": "Excelente"})

    for event_type in PORTAL_EVENTS:
        wait_for(event_type)
    eventlet.sleep(0.5)  # room for an unwanted second details event to arrive
    payloads = {e["event_type"]: e["payload"] for e in PortalEventSink.received}
    assert sorted(e["event_type"] for e in PortalEventSink.received) == sorted(PORTAL_EVENTS)
    assert all(e["organization_id"] == ana["org_id"] for e in PortalEventSink.received)
    assert payloads == {
        "customer_details_updated": {
            "customer_id": ana["customer_id"], "contact_id": ana["contact_id"],
            "section": "billing_address",
            "changes": [{"field": "city", "old": "Madrid", "new": "Sevilla"}]},
        "contact_password_changed": {
            "customer_id": ana["customer_id"], "contact_id": ana["contact_id"],
            "email": "ana@example.com", "name": "Ana Ruiz", "language": "en"},
        "customer_message_sent": {
            "customer_id": ana["customer_id"], "contact_id": ana["contact_id"],
            "message_id": message["id"], "subject": "Pedido", "message": "Hola",
            "contact_email": "ana@example.com", "contact_name": "Ana Ruiz"},
        "review_submitted": {
            "customer_id": ana["customer_id"], "contact_id": ana["contact_id"],
            "review_id": review["id"], "rating": 5, "message": "Excelente"},
    }
    assert set(PortalEventSink.received[0]) == {"event_id", "event_type", "occurred_at",
                                                "organization_id", "payload"}


def test_refusals_arrive_as_identitys_own_classes(identity, ana, monkeypatch):
    import identity.operations as ops
    who = ana["who"]
    with pytest.raises(WrongPassword):
        identity.change_password(*who, ana["token"], {"old_password": "nope-nope-1",
                                                      "new_password": "an-0ther-passw0rd"})
    with pytest.raises(ValidationFailed) as bad:
        identity.submit_review(*who, {"rating": 9, "message": "x"})
    assert bad.value.details == {"rating": ["Choose a rating from 1 to 5."]}
    monkeypatch.setattr(ops, "MESSAGES_PER_HOUR", 1)
    identity.send_customer_message(*who, {"subject": "Uno", "message": "1"})
    with pytest.raises(MessageLimitReached) as limited:
        identity.send_customer_message(*who, {"subject": "Dos", "message": "2"})
    assert limited.value.details["window"] == "hour"
    assert len(wait_for("customer_message_sent")) == 1


def test_activity_context_over_rpc(identity, ana):
    context = identity.get_activity_context(ana["org_id"], ana["customer_id"],
                                            ana["contact_id"])
    assert context == {
        "organization": {"id": ana["org_id"], "name": "Org A", "slug": ana["slug"],
                         "email": "staff@a.example", "language": "es",
                         "timezone": "Europe/Madrid"},
        "customer": {"id": ana["customer_id"], "display_name": "Cliente", "language": "en"},
        "contact": {"id": ana["contact_id"], "name": "Ana Ruiz", "email": "ana@example.com"}}
    identity.delete_customer(ana["org_id"], ana["customer_id"])
    assert identity.get_activity_context(ana["org_id"], ana["customer_id"])["customer"] == \
        {"id": ana["customer_id"], "display_name": "Cliente", "language": "en"}
    other = identity.create_organization({"name": "Org B", "email": "staff@b.example"})
    with pytest.raises(CustomerNotFound):
        identity.get_activity_context(other["organization"]["id"], ana["customer_id"])
    with pytest.raises(OrganizationNotFound):
        identity.get_activity_context("no-such-org", ana["customer_id"])
    with pytest.raises(ContactNotFound):
        identity.get_activity_context(ana["org_id"], ana["customer_id"], "no-such-contact")
