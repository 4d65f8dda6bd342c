"""add_forwarded_contact against real RabbitMQ and PostgreSQL, called as the gateway calls
it when a portal contact forwards a document: the new contact in get_customer, without portal
access, and contact_added published."""
import eventlet
import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from identity.exceptions import CustomerNotFound
from identity.service import IdentityService
from portal_common.errors import ValidationFailed
from tests.support.mailbox import wait_until


class ContactAddedSink:
    name = "contact_added_sink"
    received = []

    @event_handler("identity", "contact_added")
    def on_added(self, envelope):
        self.received.append(envelope)


@pytest.fixture
def identity(container_factory, service_config):
    ContactAddedSink.received = []
    for service in (IdentityService, ContactAddedSink):
        container = container_factory(service, service_config)
        container.start()
    with ServiceRpcProxy("identity", service_config, timeout=10) as proxy:
        yield proxy


def _org_and_customer(identity, name):
    org = identity.create_organization({"name": name, "email": "staff@org.example"})
    org_id = org["organization"]["id"]
    customer = identity.create_customer(org_id, {
        "display_name": "Ferretería Central", "currency": "EUR",
        "contacts": [{"first_name": "Marta", "email": "marta@ferreteria.example"}]})
    return org_id, customer


def test_a_forwarded_address_is_a_new_contact_once_and_announced(identity):
    org_id, customer = _org_and_customer(identity, "Org A")
    contact = identity.add_forwarded_contact(org_id, customer["id"], {
        "email": "Luis@Ferreteria.example", "name": "Luis Pérez"})
    assert contact["email"] == "luis@ferreteria.example" and contact["name"] == "Luis Pérez"
    assert contact["portal_enabled"] is False and contact["portal_status"] == "disabled"
    listed = identity.get_customer(org_id, customer["id"])["contacts"]
    assert [c["email"] for c in listed] == ["marta@ferreteria.example", "luis@ferreteria.example"]
    assert listed[1] == contact

    [envelope] = wait_until(lambda: ContactAddedSink.received, what="contact_added")
    assert envelope["organization_id"] == org_id
    assert envelope["payload"] == {"customer_id": customer["id"], "contact_id": contact["id"],
                                   "email": "luis@ferreteria.example", "via": "forward"}

    marta = listed[0]
    assert identity.add_forwarded_contact(org_id, customer["id"], {
        "email": "MARTA@ferreteria.example", "name": "Otra"}) == marta
    assert identity.add_forwarded_contact(org_id, customer["id"], {
        "email": "luis@ferreteria.example"}) == contact
    assert len(identity.get_customer(org_id, customer["id"])["contacts"]) == 2
    eventlet.sleep(1.2)                      # a relay tick: nothing more was published
    assert len(ContactAddedSink.received) == 1


def test_another_organizations_customer_and_a_bad_address_are_refused(identity):
    org_id, customer = _org_and_customer(identity, "Org A")
    other_id, _ = _org_and_customer(identity, "Org B")
    with pytest.raises(CustomerNotFound):
        identity.add_forwarded_contact(other_id, customer["id"], {"email": "x@example.com"})
    with pytest.raises(ValidationFailed) as info:
        identity.add_forwarded_contact(org_id, customer["id"], {"email": "no es un correo"})
    assert list(info.value.details) == ["email"]
    assert len(identity.get_customer(org_id, customer["id"])["contacts"]) == 1
