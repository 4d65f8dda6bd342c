"""contact_invited published on identity's exchange → the invitation in a real mailbox."""
import email
import email.policy

import eventlet

from tests.interface.notify.conftest import BASE_URL, invited
from tests.support.mailbox import html_of, text_of, wait_until


def test_spanish_invitation_with_the_staff_password(start_notify, mailbox, publish,
                                                    notify_rpc, listener):
    start_notify(mailbox.url)
    assert notify_rpc.health() == {"service": "notify", "status": "ok"}
    event = publish(invited(password="Clave-Staff-2026", token="tok-es-1"))

    [message] = mailbox.wait_for("ana@cliente.example")
    assert message["Subject"] == "Talleres Norte S.L. le invita a su portal de clientes"
    assert str(message["From"]) == '"Talleres Norte S.L." <portal@mail.interface.test>'
    assert str(message["To"]) == "Ana García <ana@cliente.example>"
    assert message["Reply-To"] == "staff@talleres.example"
    assert message["Content-Language"] == "es"
    text = text_of(message)
    assert "Hola, Ana García:" in text
    assert f"Portal: {BASE_URL}/portal/talleres/" in text
    assert "Usuario: ana@cliente.example" in text
    assert "Contraseña: Clave-Staff-2026" in text
    accept = f"{BASE_URL}/portal/talleres/invitation/tok-es-1"
    assert accept in text.split()
    html = html_of(message)
    assert f'<a href="{accept}"' in html and "Aceptar invitación</a>" in html

    # what staff see afterwards: sent, with the password and the link masked
    org_id = event["organization_id"]
    [mail] = wait_until(lambda: notify_rpc.list_outgoing_mail(
        org_id, {"status": "sent"})["items"], what="the mail listed as sent")
    assert mail["to"] == "ana@cliente.example" and mail["attempts"] == 1
    assert mail["message_id"] == message["Message-ID"]
    assert "Clave-Staff-2026" not in mail["text_body"] and "tok-es-1" not in mail["text_body"]
    assert "Contraseña: ********" in mail["text_body"]

    # and whoever listens to notify hears that it went
    sent = wait_until(lambda: [e for e in listener if e["payload"]["mail_id"] == mail["id"]],
                      what="email_sent")
    assert sent[0]["event_type"] == "email_sent" and sent[0]["organization_id"] == org_id
    assert sent[0]["payload"]["source_event_id"] == event["event_id"]


def test_english_invitation_without_password(start_notify, mailbox, publish):
    start_notify(mailbox.url)
    publish(invited(language="en", email="john@customer.example", name="John Smith",
                    token="tok-en-1"))
    [message] = mailbox.wait_for("john@customer.example")
    assert message["Subject"] == "Talleres Norte S.L. invites you to its customer portal"
    text = text_of(message)
    assert "Hello John Smith," in text
    assert "User name: john@customer.example" in text
    assert "Password" not in text
    assert f"{BASE_URL}/portal/talleres/invitation/tok-en-1" in text.split()
    assert "Accept invitation</a>" in html_of(message)


def test_the_same_event_delivered_twice_sends_one_email(start_notify, mailbox, publish,
                                                        notify_rpc):
    start_notify(mailbox.url)
    event = invited(email="twice@cliente.example")
    publish(event)
    publish(event)
    mailbox.wait_for("twice@cliente.example")
    eventlet.sleep(1.5)  # a second email would have arrived by now (timer ticks every second)
    assert len(mailbox.messages("twice@cliente.example")) == 1
    assert notify_rpc.list_outgoing_mail(event["organization_id"])["total"] == 1


def test_without_smtp_url_each_email_is_an_eml_file(start_notify, publish, tmp_path):
    start_notify(None)
    publish(invited(email="file@cliente.example", token="tok-file"))
    mail_dir = tmp_path / "var" / "mail"
    [path] = wait_until(lambda: list(mail_dir.glob("*.eml")), what="an .eml file")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "file@cliente.example"
    assert f"{BASE_URL}/portal/talleres/invitation/tok-file" in text_of(message).split()
