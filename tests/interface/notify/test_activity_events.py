"""identity's activity events through real RabbitMQ, PostgreSQL and SMTP: the staff email
in a real mailbox, the feed entry through notify's RPC, identity asked over RPC (a
stand-in with the same name and shape) and the event kept while identity cannot answer."""
import threading

import eventlet

from tests.interface.notify.conftest import (StandInIdentity, activity, details_updated,
                                             known_organization, message_sent)
from tests.support.mailbox import Mailbox, html_of, text_of, wait_until

STAFF = "staff@talleres.example"
SCRIPT = "<script>alert(1)</script>"


def _feed(notify_rpc, ids, **query):
    return notify_rpc.list_feed(ids["organization_id"], query)


def test_a_message_from_a_customer_reaches_the_business_and_the_feed(
        start_identity, start_notify, mailbox, publish, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization()
    event = publish(message_sent(ids, subject=f"Pedido {SCRIPT}",
                                 message=f"Hola:\n\nNecesito {SCRIPT} el pedido.\nMarta"))

    [message] = mailbox.wait_for(STAFF)
    assert message["Subject"] == f"Pedido {SCRIPT}"
    assert str(message["From"]) == '"Talleres Norte S.L." <portal@mail.interface.test>'
    assert message["Reply-To"] == "marta@ferreteria.example"
    text = text_of(message)
    assert "Marta Ibáñez (Ferretería Central) le ha escrito desde el portal de clientes:" in text
    assert f"Hola:\n\nNecesito {SCRIPT} el pedido.\nMarta\n" in text
    html = html_of(message)
    assert "<script>" not in html
    assert "Necesito &lt;script&gt;alert(1)&lt;/script&gt; el pedido.<br>Marta" in html

    [entry] = wait_until(lambda: _feed(notify_rpc, ids)["items"], what="a feed entry")
    assert entry["kind"] == "customer_message" and entry["read"] is False
    assert entry["customer"] == {"id": ids["customer_id"], "name": "Ferretería Central"}
    assert entry["contact"] == {"id": ids["contact_id"], "name": "Marta Ibáñez"}
    assert entry["details"]["subject"] == f"Pedido {SCRIPT}"
    assert StandInIdentity.calls == [(ids["organization_id"], ids["customer_id"],
                                      ids["contact_id"])]
    [mail] = notify_rpc.list_outgoing_mail(ids["organization_id"])["items"]
    assert (mail["kind"], mail["event_id"]) == ("customer_message", event["event_id"])


def test_an_event_delivered_twice_gives_one_email_and_one_entry(
        start_identity, start_notify, mailbox, publish, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization(language="en")
    event = details_updated(ids, changes=[{"field": "city", "old": "Madrid", "new": "Sevilla"},
                                          {"field": "postal_code", "old": "28013",
                                           "new": "41001"}])
    publish(event)
    publish(event)
    [message] = mailbox.wait_for(STAFF)
    assert message["Subject"] == "Ferretería Central updated their details: Billing address"
    assert "City: Madrid → Sevilla\nPostal code: 28013 → 41001\n" in text_of(message)
    eventlet.sleep(1.5)
    assert len(mailbox.messages(STAFF)) == 1
    assert _feed(notify_rpc, ids)["total"] == 1


def test_events_wait_while_identity_is_missing_or_silent_and_are_handled_once_it_answers(
        start_identity, start_notify, mailbox, publish, notify_rpc):
    start_notify(mailbox.url)
    ids = known_organization()
    publish(message_sent(ids, subject="Sin identity"))      # identity never started: unknown
    eventlet.sleep(1.0)
    assert mailbox.messages() == [] and _feed(notify_rpc, ids)["total"] == 0

    identity = start_identity()
    wait_until(lambda: _feed(notify_rpc, ids)["total"] == 1, what="the first entry")
    identity.stop()                  # its queue stays: requests wait there unanswered
    publish(message_sent(ids, subject="Identity callado"))
    eventlet.sleep(2.5)              # more than two 1 s timeouts
    assert _feed(notify_rpc, ids)["total"] == 1

    start_identity()
    wait_until(lambda: _feed(notify_rpc, ids)["total"] == 2, what="the second entry")
    messages = mailbox.wait_for(STAFF, count=2)
    assert sorted(m["Subject"] for m in messages) == ["Identity callado", "Sin identity"]
    eventlet.sleep(1.2)
    assert len(mailbox.messages(STAFF)) == 2 and _feed(notify_rpc, ids)["total"] == 2


def test_an_event_for_a_customer_identity_does_not_know_is_dropped(
        start_identity, start_notify, mailbox, publish, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization()
    other = known_organization(email="other@otra.example")
    stranger = {**ids, "customer_id": other["customer_id"]}   # another organization's
    publish(message_sent(stranger, subject="No debe llegar"))
    publish(message_sent(ids, subject="Sí debe llegar"))
    [message] = mailbox.wait_for(STAFF)
    assert message["Subject"] == "Sí debe llegar"
    eventlet.sleep(0.8)
    assert mailbox.messages("other@otra.example") == [] and len(mailbox.messages()) == 1
    assert _feed(notify_rpc, ids)["total"] == 1
    assert _feed(notify_rpc, other)["total"] == 0


def test_the_contact_hears_that_their_password_changed(
        start_identity, start_notify, mailbox, publish, notify_rpc):
    start_identity()
    start_notify(mailbox.url)
    ids = known_organization()
    publish(activity("contact_password_changed", ids, {
        "email": "marta@ferreteria.example", "name": "Marta Ibáñez", "language": "en"}))
    [message] = mailbox.wait_for("marta@ferreteria.example")
    assert message["Subject"] == "Your password for Talleres Norte S.L.'s portal was changed"
    assert message["Reply-To"] == STAFF
    assert message["Content-Language"] == "en"
    text = text_of(message)
    assert "Hello Marta Ibáñez," in text and "(Europe/Madrid)" in text
    assert "https://portal.interface.test/portal/talleres/" in text
    assert mailbox.messages(STAFF) == []
    assert _feed(notify_rpc, ids)["total"] == 0


class RefusingMailbox(Mailbox):
    """A real SMTP server that answers 451 (try again later) to every message while
    ``refusing`` is set, then accepts."""

    def __init__(self):
        super().__init__()
        self.refusing = threading.Event()
        self.refusing.set()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refusing.is_set():
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


def test_mail_refused_for_a_while_is_retried_and_every_email_arrives_once(
        start_identity, start_notify, publish, notify_rpc):
    box = RefusingMailbox().start()
    try:
        start_identity()
        start_notify(box.url)
        ids = known_organization()
        subjects = [f"Mensaje {n}" for n in range(4)]
        for subject in subjects:
            publish(message_sent(ids, subject=subject))
        publish(activity("contact_password_changed", ids, {
            "email": "marta@ferreteria.example", "name": "Marta Ibáñez", "language": "es"}))

        def all_retried():
            page = notify_rpc.list_outgoing_mail(ids["organization_id"])
            return page["total"] == 5 and all(m["attempts"] >= 2 for m in page["items"])

        wait_until(all_retried, what="every mail refused twice")
        queued = notify_rpc.list_outgoing_mail(ids["organization_id"], {"status": "queued"})
        assert queued["total"] == 5
        assert all(m["last_error"].startswith("message refused: 451") for m in queued["items"])
        assert box.messages() == []

        box.refusing.clear()
        staff = box.wait_for(STAFF, count=4)
        box.wait_for("marta@ferreteria.example")
        eventlet.sleep(1.5)
        assert sorted(m["Subject"] for m in box.messages(STAFF)) == subjects
        assert len(box.messages("marta@ferreteria.example")) == 1
        assert len({m["Message-ID"] for m in staff}) == 4
        sent = notify_rpc.list_outgoing_mail(ids["organization_id"], {"status": "sent"})
        assert sent["total"] == 5 and all(m["attempts"] >= 3 for m in sent["items"])
        assert box.refused >= 10
    finally:
        box.stop()
