"""IdentityService's RPC methods with nameko's worker_factory and a real session."""
from nameko.testing.services import worker_factory

from identity.service import IdentityService


def test_create_customer_dumps_contacts_and_relays(session, org):
    service = worker_factory(IdentityService, db=session)
    result = service.create_customer(org.id, {
        "display_name": "ACME", "email": "billing@acme.example", "currency": "EUR",
        "contacts": [{"first_name": "Ana", "last_name": "Ruiz", "email": "ana@acme.example",
                      "is_primary": True}]})
    assert result["display_name"] == "ACME" and result["currency"] == "EUR"
    assert result["contacts"][0]["email"] == "ana@acme.example"
    assert result["contacts"][0]["portal_status"] == "disabled"
    assert result["billing_address"]["country"] == ""
    portal = service.enable_portal(org.id, result["id"],
                                   {"contact_ids": [result["contacts"][0]["id"]]})
    assert portal["enabled"][0]["email"] == "ana@acme.example"
    # Both events went to the dispatcher right after the commit.
    dispatched = [call.args[0] for call in service.dispatch.call_args_list]
    assert dispatched == ["contact_portal_enabled", "contact_invited"]
