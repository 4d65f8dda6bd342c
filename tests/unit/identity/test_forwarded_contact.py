"""A document forwarded from the portal to a new address: that address is kept as a contact
of the customer (SQLite in memory, identity's own rules)."""
import pytest
from sqlalchemy import select

from identity import operations as ops
from identity.exceptions import CustomerNotFound
from identity.models import Contact, Outbox
from identity.schemas import ContactSchema
from portal_common.errors import ValidationFailed


def _added_events(session):
    return [row.payload for row in session.scalars(
        select(Outbox).where(Outbox.event_type == "contact_added"))]


def test_a_new_address_becomes_a_contact_without_portal_access(session, org, customer):
    contact = ops.add_forwarded_contact(session, org.id, customer.id,
                                        {"email": " Luis.Perez@Example.com ",
                                         "name": " Luis Pérez "})
    session.commit()
    out = ContactSchema().dump(contact)
    assert out["email"] == "luis.perez@example.com"
    assert out["name"] == "Luis Pérez" and out["customer_id"] == customer.id
    assert out["portal_enabled"] is False and out["portal_status"] == "disabled"
    assert out["is_primary"] is False
    assert contact.password_hash is None
    assert [c.email for c in ops.get_customer(session, org.id, customer.id).contacts] == [
        "ana@example.com", "", "luis.perez@example.com"]
    assert _added_events(session) == [{"customer_id": customer.id, "contact_id": contact.id,
                                       "email": "luis.perez@example.com", "via": "forward"}]


def test_an_address_the_customer_already_has_returns_that_contact_unchanged(
        session, org, customer):
    ana = customer.contacts[0]
    before = ContactSchema().dump(ana)
    again = ops.add_forwarded_contact(session, org.id, customer.id,
                                      {"email": "ANA@example.COM", "name": "Otra Persona"})
    session.commit()
    assert again.id == ana.id
    assert ContactSchema().dump(again) == before
    assert _added_events(session) == []
    assert len(session.scalars(select(Contact).where(Contact.customer_id == customer.id)).all()) == 2


def test_the_same_new_address_twice_is_one_contact(session, org, customer):
    first = ops.add_forwarded_contact(session, org.id, customer.id, {"email": "x@example.com"})
    session.commit()
    second = ops.add_forwarded_contact(session, org.id, customer.id, {"email": "X@Example.com"})
    session.commit()
    assert second.id == first.id and first.name == ""
    assert len(_added_events(session)) == 1


def test_an_address_of_a_deleted_contact_is_added_again(session, org, customer):
    ana = customer.contacts[0]
    ops.delete_contact(session, org.id, customer.id, ana.id)
    session.commit()
    contact = ops.add_forwarded_contact(session, org.id, customer.id, {"email": "ana@example.com"})
    assert contact.id != ana.id


def test_another_organizations_or_a_deleted_customer_is_not_found(session, org, customer):
    other, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    session.commit()
    with pytest.raises(CustomerNotFound):
        ops.add_forwarded_contact(session, other.id, customer.id, {"email": "x@example.com"})
    with pytest.raises(CustomerNotFound):
        ops.add_forwarded_contact(session, org.id, "no-such-customer", {"email": "x@example.com"})
    ops.delete_customer(session, org.id, customer.id)
    session.commit()
    with pytest.raises(CustomerNotFound):
        ops.add_forwarded_contact(session, org.id, customer.id, {"email": "x@example.com"})
    assert _added_events(session) == []


@pytest.mark.parametrize("data, field", [
    ({"email": "not-an-address"}, "email"),
    ({"email": ""}, "email"),
    ({}, "email"),
    ({"email": "x@example.com", "name": "a" * 201}, "name"),
    ({"email": "x@example.com", "name": "Luis\nPérez"}, "name"),
    ({"email": "x@example.com", "portal": True}, "portal"),
])
def test_bad_input_is_refused_with_the_field(session, org, customer, data, field):
    with pytest.raises(ValidationFailed) as info:
        ops.add_forwarded_contact(session, org.id, customer.id, data)
    assert field in info.value.details
    assert _added_events(session) == []


def test_a_long_name_is_kept_whole_across_first_and_last_name(session, org, customer):
    name = "Nombre " * 14 + "Apellido Largo"        # 112 characters
    contact = ops.add_forwarded_contact(session, org.id, customer.id,
                                        {"email": "largo@example.com", "name": name})
    assert contact.name == name.strip()
    assert len(contact.first_name) <= 100 and len(contact.last_name) <= 100
