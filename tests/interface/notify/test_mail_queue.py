"""The durable queue: SMTP down, notify stopped, two notify instances at once."""
import eventlet

from tests.interface.notify.conftest import Mailbox, free_port, invited, text_of, wait_until


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
