"""billing's invoice_viewed and comment_added through real RabbitMQ, PostgreSQL and SMTP:
published on billing's exchange as billing's relay does, the staff email in a real
mailbox and the feed entry through notify's RPC, as the organization's preferences say."""
import eventlet

from tests.interface.notify.conftest import billing_event, known_organization
from tests.support.mailbox import text_of, wait_until

STAFF = "staff@talleres.example"


def _invoice_viewed(ids, number="INV-000001"):
    return billing_event("invoice_viewed", ids, {
        "invoice_id": "9d0c7e5e-0000-4000-8000-000000000001", "number": number,
        "kind": "invoice", "currency": "EUR", "total": "1210.00", "balance": "1210.00"})


def _comment_added(ids, body):
    return billing_event("comment_added", ids, {
        "document_type": "invoice", "document_id": "9d0c7e5e-0000-4000-8000-000000000001",
        "document_number": "INV-000001", "author_name": "Marta Ibáñez", "body": body})


def _feed(notify_rpc, ids):
    return notify_rpc.list_feed(ids["organization_id"])


def test_a_comment_on_an_invoice_reaches_staff_by_email_and_in_the_feed(
        start_identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization()
    publish_billing(_comment_added(ids, "¿Pueden indicar el pedido 4711?\nGracias"))

    [message] = mailbox.wait_for(STAFF)
    assert message["Subject"] == "Nuevo comentario de Ferretería Central: factura INV-000001"
    text = text_of(message)
    assert "Marta Ibáñez (Ferretería Central) ha añadido un comentario" in text
    assert "Comentario:\n¿Pueden indicar el pedido 4711?\nGracias\n" in text

    [entry] = wait_until(lambda: _feed(notify_rpc, ids)["items"], what="a feed entry")
    assert entry["kind"] == "comment_added"
    assert entry["summary"] == ("Marta Ibáñez (Ferretería Central) ha comentado "
                                "(factura INV-000001): «¿Pueden indicar el pedido 4711? Gracias»")
    assert entry["customer"] == {"id": ids["customer_id"], "name": "Ferretería Central"}
    assert entry["document"]["number"] == "INV-000001"


def test_a_viewed_invoice_is_in_the_feed_and_emailed_only_once_staff_ask_for_it(
        start_identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization(language="en")
    publish_billing(_invoice_viewed(ids, "INV-000001"))
    [entry] = wait_until(lambda: _feed(notify_rpc, ids)["items"], what="a feed entry")
    assert entry["summary"] == "Ferretería Central viewed invoice INV-000001"
    assert entry["document"]["type"] == "invoice"
    eventlet.sleep(0.8)
    assert mailbox.messages(STAFF) == []

    notify_rpc.update_notification_preference(ids["organization_id"], "invoice_viewed",
                                              {"email": True, "feed": False})
    publish_billing(_invoice_viewed(ids, "INV-000002"))
    [message] = mailbox.wait_for(STAFF)
    assert message["Subject"] == "Ferretería Central viewed invoice INV-000002"
    assert "Total: 1210.00 EUR" in text_of(message)
    eventlet.sleep(0.5)
    assert _feed(notify_rpc, ids)["total"] == 1
