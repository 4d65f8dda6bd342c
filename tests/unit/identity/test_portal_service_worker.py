"""The portal's RPC methods with nameko's worker_factory: dumped answers, and events
dispatched right after the commit (and none when nothing changed)."""
from nameko.testing.services import worker_factory

from identity import operations as ops
from identity.service import IdentityService


def _portal_ana(session, org, customer):
    ana = customer.contacts[0]
    ops.enable_portal(session, org.id, customer.id,
                      {"contact_ids": [ana.id], "password": "correct-horse-7"})
    session.commit()
    token, _ = ops.login(session, org.slug, "ana@example.com", "correct-horse-7")
    session.commit()
    return ana, token


def test_details_save_dispatches_only_real_changes(session, org, customer):
    ana, token = _portal_ana(session, org, customer)
    service = worker_factory(IdentityService, db=session)
    who = service.resolve_session(org.slug, token)
    assert who["customer"] == {"id": customer.id, "display_name": "Cliente"}

    saved = service.update_portal_details(org.id, customer.id, ana.id, "contact",
                                          {"first_name": "Ana", "last_name": "Ruiz"})
    assert saved == {"section": "contact",
                     "changes": [{"field": "last_name", "old": "", "new": "Ruiz"}]}
    [call] = [c for c in service.dispatch.call_args_list
              if c.args[0] == "customer_details_updated"]
    envelope = call.args[1]
    assert envelope["organization_id"] == org.id
    assert envelope["payload"] == {"customer_id": customer.id, "contact_id": ana.id,
                                   "section": "contact", "changes": saved["changes"]}

    service.dispatch.reset_mock()
    again = service.update_portal_details(org.id, customer.id, ana.id, "contact",
                                          {"last_name": "Ruiz"})
    assert again["changes"] == [] and service.dispatch.call_args_list == []


def test_message_review_and_password_answers(session, org, customer):
    ana, token = _portal_ana(session, org, customer)
    service = worker_factory(IdentityService, db=session)
    message = service.send_customer_message(org.id, customer.id, ana.id,
                                            {"subject": "Hola", "message": "¿Qué tal?"})
    assert set(message) == {"id", "customer_id", "contact_id", "subject", "message",
                            "created_at"}
    review = service.submit_review(org.id, customer.id, ana.id, {"rating": 4, "message": "Bien"})
    assert review["rating"] == 4 and review["contact_email"] == "ana@example.com"
    page = service.list_reviews(org.id, {"rating": 4})
    assert page["total"] == 1 and page["items"][0]["id"] == review["id"]
    assert set(page) == {"items", "total", "page", "per_page", "pages"}
    changed = service.change_password(org.id, customer.id, ana.id, token, {
        "old_password": "correct-horse-7", "new_password": "battery-staple-42"})
    assert changed == {"changed": True, "other_sessions_ended": 0}
    # (the first relay also publishes the portal access events committed before)
    dispatched = [c.args[0] for c in service.dispatch.call_args_list]
    assert dispatched[-3:] == ["customer_message_sent", "review_submitted",
                          "contact_password_changed"]
