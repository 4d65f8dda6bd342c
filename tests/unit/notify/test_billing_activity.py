"""billing's invoice_viewed and comment_added as staff hear of them: the feed entry and the
staff email name the customer and the invoice number, a comment is quoted, the
organization's preferences decide.

nameko's worker_factory with a real SQLite session, a recording transport and a stand-in
for identity's get_activity_context."""
import uuid

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify.models import FeedEntry, ProcessedEvent
from notify.service import NotifyService
from portal_common.timeutil import utcnow
from tests.unit.notify.conftest import ORG_ID


@pytest.fixture
def service(session, transport, identity):
    return worker_factory(NotifyService, db=session, transport=transport, identity=identity)


def billing_event(event_type, payload, *, customer_id="cus-1"):
    """An envelope as billing's outbox relay publishes it (billing.events' payloads)."""
    return {"event_id": str(uuid.uuid4()), "event_type": event_type,
            "occurred_at": utcnow().isoformat(), "organization_id": ORG_ID,
            "payload": {"customer_id": customer_id, **payload}}


def invoice_viewed(number="INV-000001", kind="invoice", **kwargs):
    return billing_event("invoice_viewed", {
        "invoice_id": "inv-1", "number": number, "kind": kind, "currency": "EUR",
        "total": "1210.00", "balance": "210.00"}, **kwargs)


def comment_added(body="¿Pueden añadir el número de pedido?", author_name="Marta Ibáñez",
                  **kwargs):
    return billing_event("comment_added", {
        "document_type": "invoice", "document_id": "inv-1", "document_number": "INV-000001",
        "author_name": author_name, "body": body}, **kwargs)


def _text(sent):
    return sent["message"].get_body(("plain",)).get_content()


def test_a_viewed_invoice_is_a_feed_entry_naming_customer_and_number(
        service, transport, session, identity):
    envelope = invoice_viewed()
    service.on_invoice_viewed(envelope)
    assert identity.calls == [(ORG_ID, "cus-1", None)]
    assert transport.sent == []                       # by default: the feed only
    entry = session.scalar(select(FeedEntry))
    assert entry.kind == "invoice_viewed"
    assert entry.summary == "Ferretería Central ha visto la factura INV-000001"
    assert entry.document == {"type": "invoice", "id": "inv-1", "number": "INV-000001"}
    assert entry.customer_id == "cus-1" and entry.contact_id is None
    assert entry.details["total"] == "1210.00" and entry.details["balance"] == "210.00"
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.activity"))


def test_staff_who_ask_for_it_get_an_email_with_the_invoice_and_what_is_left_to_pay(
        service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    service.update_notification_preference(ORG_ID, "invoice_viewed", {"email": True})
    service.on_invoice_viewed(invoice_viewed(number="RET-000004", kind="retainer"))
    [sent] = transport.sent
    assert sent["recipients"] == ["staff@talleres.example"]
    assert sent["message"]["Subject"] == "Ferretería Central viewed invoice RET-000004"
    text = _text(sent)
    assert "Ferretería Central opened invoice RET-000004 in the customer portal" in text
    assert "Document: retainer invoice RET-000004" in text
    assert "Total: 1210.00 EUR\nBalance due: 210.00 EUR\n" in text
    assert session.scalar(select(FeedEntry.summary)) == (
        "Ferretería Central viewed retainer invoice RET-000004")


def test_a_comment_is_emailed_and_quoted_in_the_feed_by_default(service, transport, session):
    service.on_comment_added(comment_added(body="¿Pueden añadir\nel número de pedido 4711?"))
    [sent] = transport.sent
    message = sent["message"]
    assert message["Subject"] == "Nuevo comentario de Ferretería Central: factura INV-000001"
    text = _text(sent)
    assert "Marta Ibáñez (Ferretería Central) ha añadido un comentario" in text
    assert "Documento: factura INV-000001" in text
    assert "Comentario:\n¿Pueden añadir\nel número de pedido 4711?\n" in text
    entry = session.scalar(select(FeedEntry))
    assert entry.kind == "comment_added"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha comentado "
                             "(factura INV-000001): «¿Pueden añadir el número de pedido 4711?»")
    assert entry.contact_name == "Marta Ibáñez"
    assert entry.document == {"type": "invoice", "id": "inv-1", "number": "INV-000001"}
    assert entry.details["body"] == "¿Pueden añadir\nel número de pedido 4711?"


def test_a_long_comment_is_cut_in_the_feed_line_but_whole_in_the_email(
        service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    body = "word " * 100
    service.on_comment_added(comment_added(body=body, author_name=""))
    summary = session.scalar(select(FeedEntry.summary))
    assert summary.startswith("Ferretería Central commented on invoice INV-000001: “word word")
    assert summary.endswith("…”") and len(summary) < 200
    assert body.strip() in _text(transport.sent[0])


def test_with_comments_switched_off_nothing_is_added(service, transport, session):
    service.update_notification_preference(ORG_ID, "comment_added",
                                           {"email": False, "feed": False})
    service.on_comment_added(comment_added())
    assert transport.sent == []
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 0


def test_a_billing_event_missing_what_names_the_invoice_is_dropped_without_asking_identity(
        service, transport, session, identity):
    no_number = invoice_viewed()
    del no_number["payload"]["number"]
    no_body = comment_added(body="")
    service.on_invoice_viewed(no_number)
    service.on_comment_added(no_body)
    assert identity.calls == [] and transport.sent == []
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 0


def test_another_organizations_customer_is_not_named(service, transport, session, identity):
    identity.customers["cus-2"] = ("org-other", {"id": "cus-2", "display_name": "Other"})
    service.on_comment_added(comment_added(customer_id="cus-2"))
    assert transport.sent == []
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 0
