"""NotifyService's logic with nameko's worker_factory: a real SQLite session, a recording
transport, the event dispatcher replaced by nameko's mock."""
from datetime import timedelta

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify import mail_queue
from notify.catalog import KINDS
from notify.exceptions import (EmailTemplateInvalid, EmailTemplateNotFound, InvalidMailQuery,
                               OutgoingMailNotFound)
from notify.models import OutgoingMail, Outbox, ProcessedEvent
from notify.service import NotifyService
from portal_common.timeutil import utcnow
from tests.unit.notify.conftest import BASE_URL, make_envelope


@pytest.fixture
def service(session, transport):
    return worker_factory(NotifyService, db=session, transport=transport)


def _text(sent):
    return sent["message"].get_body(("plain",)).get_content()


def _published(service):
    return [call.args[0] for call in service.dispatch.call_args_list]


def test_an_invitation_is_queued_and_sent_at_once(service, transport, session):
    envelope = make_envelope(password="Clave-Staff-2026", token="tok-abc")
    service.on_contact_invited(envelope)

    [sent] = transport.sent
    assert sent["recipients"] == ["ana@cliente.example"]
    assert sent["sender"] == "portal@mail.example.test"
    message = sent["message"]
    assert message["Subject"] == "Estudio Demo S.L. le invita a su portal de clientes"
    assert message["Reply-To"] == "facturacion@demo.example"
    assert message["From"].addresses[0].display_name == "Estudio Demo S.L."
    text = _text(sent)
    assert f"Portal: {BASE_URL}/portal/demo/" in text
    assert "Usuario: ana@cliente.example" in text
    assert "Contraseña: Clave-Staff-2026" in text
    assert f"{BASE_URL}/portal/demo/invitation/tok-abc" in text

    mail = session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts, mail.event_id) == ("sent", 1, envelope["event_id"])
    assert message["Message-ID"] == mail.message_id
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.contact_invited"))
    # email_sent went into the outbox and was relayed right away
    assert _published(service) == ["email_sent"]
    event = session.scalar(select(Outbox))
    assert event.payload["mail_id"] == mail.id and event.published_at is not None


def test_once_sent_the_kept_copy_no_longer_holds_the_password_or_the_link(
        service, transport, session):
    service.on_contact_invited(make_envelope(password="Clave-Staff-2026", token="tok-abc"))
    mail = session.scalar(select(OutgoingMail))
    assert mail.sensitive_content is None
    kept = mail.subject + mail.text_body + mail.html_body
    assert "Clave-Staff-2026" not in kept and "tok-abc" not in kept
    assert "Contraseña: ********" in mail.text_body
    assert "Usuario: ana@cliente.example" in mail.text_body


def test_the_recipient_language_chooses_the_template(service, transport):
    service.on_contact_invited(make_envelope(language="en"))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Estudio Demo S.L. invites you to its customer portal"
    assert "Password" not in _text(sent)


def test_the_same_event_twice_sends_once(service, transport, session):
    envelope = make_envelope()
    service.on_contact_invited(envelope)
    service.on_contact_invited(dict(envelope))
    service.send_queued_mail()
    assert len(transport.sent) == 1
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 1


def test_a_failed_send_waits_with_growing_delays_then_fails_for_good(
        service, transport, session):
    transport.fail(times=3)
    service.on_contact_invited(make_envelope(password="Clave-Staff-2026"))
    mail = session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in mail.last_error
    first_wait = mail.next_attempt_at - utcnow()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)

    service.send_queued_mail()              # not due yet: nothing happens
    assert mail.attempts == 1

    mail.next_attempt_at = utcnow()
    session.commit()
    service.send_queued_mail()
    assert (mail.status, mail.attempts) == ("queued", 2)
    assert timedelta(seconds=55) < mail.next_attempt_at - utcnow() <= timedelta(seconds=60)

    mail.next_attempt_at = utcnow()
    session.commit()
    service.send_queued_mail()              # NOTIFY_MAX_ATTEMPTS=3 in these tests
    assert (mail.status, mail.attempts) == ("failed", 3)
    assert mail.sensitive_content is None
    assert transport.sent == []
    assert _published(service) == ["email_failed"]


def test_a_queued_mail_goes_on_a_later_tick(service, transport, session):
    transport.fail(times=1)
    service.on_contact_invited(make_envelope())
    mail = session.scalar(select(OutgoingMail))
    mail.next_attempt_at = utcnow()
    session.commit()
    assert service.send_queued_mail() == {"sent": 1, "queued": 0, "failed": 0}
    assert mail.status == "sent" and len(transport.sent) == 1


def test_a_permanent_refusal_fails_at_once(service, transport, session):
    transport.fail(reason="recipient refused: 550 No such user", permanent=True)
    service.on_contact_invited(make_envelope())
    mail = session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert mail.last_error == "recipient refused: 550 No such user"


def test_one_mail_is_never_taken_by_two_senders(session, service):
    service.on_contact_invited(make_envelope())  # sent; queue another by hand
    envelope = make_envelope()
    request = mail_queue.MailRequest(
        kind="portal_invitation", organization_id=envelope["organization_id"],
        event_id=envelope["event_id"], to_address="x@cliente.example", to_name="X",
        language="es", organization_name="Org", reply_to="",
        context={"contact_name": "X", "organization_name": "Org", "portal_url": "u",
                 "username": "x", "password": None, "accept_url": "a", "expires_at": "e"})
    mail = mail_queue.queue_mail(session, request)
    session.commit()
    assert mail_queue.queue_mail(session, request) is None  # same event, kind, address
    first = mail_queue.claim(session)
    assert first is not None and first.id == mail.id
    assert mail_queue.claim(session) is None
    assert mail_queue.claim(session, mail.id) is None
    # a sender that vanished: once its lease has passed, the mail is taken again
    first.locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert mail_queue.claim(session, mail.id).id == mail.id


def test_a_malformed_event_is_acknowledged_without_email(service, transport, session):
    envelope = make_envelope()
    del envelope["payload"]["invitation_token"]
    service.on_contact_invited(envelope)
    other = make_envelope()
    other["payload"]["organization"]["id"] = "someone-else"
    service.on_contact_invited(other)
    service.on_contact_invited({"no": "event id"})
    assert transport.sent == []
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


def test_an_event_that_cannot_be_stored_is_handed_back_for_redelivery(
        service, session, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("notify.service.queue_mail", broken)
    envelope = make_envelope()
    with pytest.raises(RuntimeError):
        service.on_contact_invited(envelope)
    assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
    monkeypatch.undo()
    service.on_contact_invited(envelope)
    assert session.scalar(select(OutgoingMail.status)) == "sent"


# --- templates --------------------------------------------------------------------

def test_templates_list_every_kind_and_language_with_placeholders(service):
    items = service.list_email_templates("org-1")["items"]
    assert [(t["key"], t["language"]) for t in items[:2]] == [("portal_invitation", "es"),
                                                              ("portal_invitation", "en")]
    assert {(t["key"], t["language"]) for t in items} == {
        (key, language) for key in KINDS for language in ("es", "en")}
    assert {"staff_details_updated", "staff_payment_failed", "customer_message",
            "password_changed"} <= set(KINDS)
    spanish = items[0]
    assert spanish["customized"] is False and spanish["updated_at"] is None
    assert spanish["subject"] == "{{ organization_name }} le invita a su portal de clientes"
    assert [p["name"] for p in spanish["placeholders"]] == [
        "contact_name", "organization_name", "portal_url", "username", "password",
        "accept_url", "expires_at"]


def test_a_customized_template_is_used_for_that_organization_only(service, transport):
    custom = {"subject": "Bienvenida, {{ contact_name }}",
              "body": "Entre en {{ portal_url }} con {{ username }}.\n{{ accept_url }}\n"}
    saved = service.put_email_template("org-1", "portal_invitation", "es", custom)
    assert saved["customized"] is True and saved["subject"] == custom["subject"]
    assert service.get_email_template("org-1", "portal_invitation", "es")["body"] == custom["body"]
    assert service.get_email_template("org-2", "portal_invitation", "es")["customized"] is False

    service.on_contact_invited(make_envelope("org-1", token="tok-1"))
    service.on_contact_invited(make_envelope("org-2", email="otro@cliente.example"))
    first, second = transport.sent
    assert first["message"]["Subject"] == "Bienvenida, Ana García"
    assert _text(first) == (f"Entre en {BASE_URL}/portal/demo/ con ana@cliente.example.\n"
                            f"{BASE_URL}/portal/demo/invitation/tok-1\n")
    assert second["message"]["Subject"] == "Estudio Demo S.L. le invita a su portal de clientes"

    reset = service.reset_email_template("org-1", "portal_invitation", "es")
    assert reset["customized"] is False
    assert reset["subject"] == "{{ organization_name }} le invita a su portal de clientes"


def test_a_bad_template_is_refused_with_details_and_not_saved(service):
    with pytest.raises(EmailTemplateInvalid) as info:
        service.put_email_template("org-1", "portal_invitation", "en",
                                   {"subject": "Hi {{ first_name }}", "body": "{% if %}"})
    assert set(info.value.details) == {"subject", "body"}
    assert "unknown placeholder 'first_name'" in info.value.details["subject"][0]
    with pytest.raises(EmailTemplateInvalid) as info:
        service.put_email_template("org-1", "portal_invitation", "en",
                                   {"subject": "two\nlines", "body": ""})
    assert info.value.details == {"subject": ["The subject must be a single line."],
                                  "body": ["Length must be between 1 and 20000."]}
    assert service.get_email_template("org-1", "portal_invitation", "en")["customized"] is False


def test_unknown_template_key_or_language_is_not_found(service):
    with pytest.raises(EmailTemplateNotFound):
        service.get_email_template("org-1", "nope", "es")
    with pytest.raises(EmailTemplateNotFound):
        service.put_email_template("org-1", "portal_invitation", "fr",
                                   {"subject": "x", "body": "y"})


# --- the outgoing mail list ---------------------------------------------------------

def test_outgoing_mail_is_listed_per_organization_with_filters(service, transport):
    transport.fail(times=1, permanent=True, reason="recipient refused: 550")
    for n in range(3):
        service.on_contact_invited(make_envelope("org-1", email=f"c{n}@cliente.example",
                                                 password="Clave-Staff-2026"))
    service.on_contact_invited(make_envelope("org-2"))

    page = service.list_outgoing_mail("org-1", {"per_page": 2})
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (3, 2, 1, 2)
    assert len(page["items"]) == 2
    failed = service.list_outgoing_mail("org-1", {"status": "failed"})
    assert [m["to"] for m in failed["items"]] == ["c0@cliente.example"]
    assert failed["items"][0]["last_error"] == "recipient refused: 550"
    sent = service.list_outgoing_mail("org-1", {"status": "sent", "kind": "portal_invitation"})
    assert sorted(m["to"] for m in sent["items"]) == ["c1@cliente.example", "c2@cliente.example"]
    item = sent["items"][0]
    assert item["status"] == "sent" and item["sent_at"] and item["next_attempt_at"] is None
    assert "html_body" not in item and "sensitive_content" not in item
    assert "Clave-Staff-2026" not in str(page) + str(sent)

    detail = service.get_outgoing_mail("org-1", item["id"])
    assert detail["html_body"].startswith("<!DOCTYPE html>")
    with pytest.raises(OutgoingMailNotFound):
        service.get_outgoing_mail("org-2", item["id"])
    assert service.list_outgoing_mail("org-3")["items"] == []
    with pytest.raises(InvalidMailQuery) as info:
        service.list_outgoing_mail("org-1", {"status": "lost", "per_page": 1000})
    assert set(info.value.details) == {"status", "per_page"}
