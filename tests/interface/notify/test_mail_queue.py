"""The durable queue: SMTP down, notify stopped, two instances at once, the broker gone."""
from urllib.parse import quote, unquote, urlsplit

import eventlet
import requests
from nameko.messaging import QueueConsumer

from tests.interface.notify.conftest import invited
from tests.support.mailbox import Mailbox, free_port, text_of, wait_until
from tests.support.rabbit import AUTH, MANAGEMENT


def test_smtp_down_at_first_the_mail_waits_and_goes_once_the_server_is_up(
        start_notify, publish, notify_rpc, listener):
    port = free_port()
    start_notify(f"smtp://127.0.0.1:{port}")          # nothing listens there yet
    event = publish(invited(email="later@cliente.example", password="Clave-Staff-2026"))
    org_id = event["organization_id"]

    def retried_twice():
        items = notify_rpc.list_outgoing_mail(org_id)["items"]
        return items if items and items[0]["attempts"] >= 2 else None

    [queued] = wait_until(retried_twice, what="two failed attempts")
    assert queued["status"] == "queued"
    assert "ConnectionRefusedError" in queued["last_error"]
    assert queued["next_attempt_at"] is not None

    mailbox = Mailbox(port).start()
    try:
        [message] = mailbox.wait_for("later@cliente.example")
        assert "Contraseña: Clave-Staff-2026" in text_of(message)
        [sent] = wait_until(lambda: notify_rpc.list_outgoing_mail(
            org_id, {"status": "sent"})["items"], what="the mail listed as sent")
        assert sent["attempts"] >= 3 and sent["last_error"] is None
        eventlet.sleep(1.2)
        assert len(mailbox.messages("later@cliente.example")) == 1
        assert [e["event_type"] for e in listener
                if e["payload"]["mail_id"] == sent["id"]] == ["email_sent"]
    finally:
        mailbox.stop()


def test_after_the_last_attempt_the_mail_is_failed_for_staff_to_see(
        start_notify, publish, notify_rpc, listener, notify_env):
    notify_env.setenv("NOTIFY_MAX_ATTEMPTS", "2")
    start_notify(f"smtp://127.0.0.1:{free_port()}")
    event = publish(invited(email="never@cliente.example", password="Clave-Staff-2026"))
    [failed] = wait_until(lambda: notify_rpc.list_outgoing_mail(
        event["organization_id"], {"status": "failed"})["items"], what="a failed mail")
    assert failed["attempts"] == 2 and "ConnectionRefusedError" in failed["last_error"]
    detail = notify_rpc.get_outgoing_mail(event["organization_id"], failed["id"])
    assert "Clave-Staff-2026" not in str(detail)
    [notice] = wait_until(lambda: [e for e in listener
                                   if e["payload"]["mail_id"] == failed["id"]],
                          what="email_failed")
    assert notice["event_type"] == "email_failed"
    assert notice["payload"]["to"] == "never@cliente.example"


def test_invitations_published_while_notify_is_stopped_are_each_delivered_once(
        start_notify, mailbox, publish):
    first = start_notify(mailbox.url)                 # declares notify's durable queue
    first.stop()
    emails = [f"stopped{n}@cliente.example" for n in range(5)]
    org = invited()["organization_id"]
    for address in emails:
        publish(invited(org_id=org, email=address))
    eventlet.sleep(0.5)
    assert mailbox.messages() == []

    start_notify(mailbox.url)
    for address in emails:
        mailbox.wait_for(address)
    eventlet.sleep(1.2)
    assert {a: len(mailbox.messages(a)) for a in emails} == {a: 1 for a in emails}


def test_two_notify_instances_never_send_one_mail_twice(start_notify, publish, notify_rpc):
    port = free_port()
    url = f"smtp://127.0.0.1:{port}"
    start_notify(url)
    start_notify(url)
    org = invited()["organization_id"]
    emails = [f"pair{n}@cliente.example" for n in range(12)]
    for address in emails:
        publish(invited(org_id=org, email=address))
    # SMTP is down: every mail waits in the queue, both instances keep retrying it
    wait_until(lambda: notify_rpc.list_outgoing_mail(org, {"status": "queued"})["total"] == 12,
               what="12 queued mails")
    mailbox = Mailbox(port).start()
    try:
        for address in emails:
            mailbox.wait_for(address)
        eventlet.sleep(1.5)
        assert {a: len(mailbox.messages(a)) for a in emails} == {a: 1 for a in emails}
        assert notify_rpc.list_outgoing_mail(org, {"status": "sent"})["total"] == 12
    finally:
        mailbox.stop()


def _connections(vhost: str) -> set:
    response = requests.get(f"{MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}/connections",
                            auth=AUTH, timeout=10)
    response.raise_for_status()
    return {c["name"] for c in response.json()}


def _close(names) -> None:
    for name in names:
        requests.delete(f"{MANAGEMENT}/api/connections/{quote(name, safe='')}", auth=AUTH,
                        timeout=10, headers={"X-Reason": "notify interface test"})


def _consumer_connection_name(container) -> str:
    """How the broker names the connection notify consumes events on."""
    queue_consumer = next(e for e in container.extensions if isinstance(e, QueueConsumer))
    consumer = next(iter(queue_consumer._consumers.values()))
    host, port = consumer.channel.connection.sock.getsockname()[:2]
    return f"{host}:{port} -> 127.0.0.1:5672"


def test_after_the_broker_drops_every_connection_notify_reconnects_and_delivers(
        start_notify, mailbox, publish, service_config):
    """What a RabbitMQ restart does to a client: every connection dropped at once."""
    notify = start_notify(mailbox.url)
    publish(invited(email="before@cliente.example"))
    mailbox.wait_for("before@cliente.example")

    vhost = unquote(urlsplit(service_config["AMQP_URI"]).path.lstrip("/"))
    consuming_on = _consumer_connection_name(notify)
    before = wait_until(lambda: (lambda names: consuming_on in names and names)(
        _connections(vhost)), timeout=20, what="notify's connection listed")
    _close(before)
    # The consumer sees the close at once and comes back on a new connection; idle
    # publishing connections notice on their next publish and retry on a new one.
    publish(invited(email="after@cliente.example"))
    [message] = mailbox.wait_for("after@cliente.example", timeout=15)
    assert "after@cliente.example" in text_of(message)
    assert _consumer_connection_name(notify) != consuming_on
