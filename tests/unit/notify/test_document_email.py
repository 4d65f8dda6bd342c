"""send_document_email: a document forwarded from the portal goes out as an email with its
PDF attached, through the queue every mail uses (worker_factory, SQLite, a recording
transport; the .eml writer for the fallback)."""
import base64
import email
import email.policy

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify.exceptions import DocumentEmailInvalid
from notify.models import MailAttachment, OutgoingMail
from notify.service import NotifyService
from notify.transport import FileTransport
from portal_common.errors import ValidationFailed

ORG = "org-talleres"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def service(session, transport, identity):
    return worker_factory(NotifyService, db=session, transport=transport, identity=identity)


def request(**changes):
    data = {"to_email": "luis@gestoria.example", "to_name": "Luis Pérez", "language": "es",
            "document_type": "invoice", "document_number": "INV-000001",
            "sender_name": "Marta Ibáñez", "customer_name": "Ferretería Central",
            "organization_name": "Talleres Norte S.L.",
            "message": "Luis:\nte paso la factura de marzo.",
            "attachment": {"filename": "INV-000001.pdf",
                           "content_base64": base64.b64encode(PDF).decode()}}
    data.update(changes)
    return data


def _attachments(message):
    return list(message.iter_attachments())


def _text(message):
    return message.get_body(("plain",)).get_content()


def test_the_document_goes_out_with_its_pdf_attached(service, transport, session):
    answer = service.send_document_email(ORG, request())
    assert transport.sent == []                     # queued; the send timer delivers it
    service.send_queued_mail()
    [sent] = transport.sent
    message = sent["message"]
    assert sent["recipients"] == ["luis@gestoria.example"]
    assert message["Subject"] == "Factura INV-000001 de Talleres Norte S.L."
    assert message["To"].addresses[0].display_name == "Luis Pérez"
    assert message["From"].addresses[0].display_name == "Talleres Norte S.L."
    assert message["Reply-To"] is None
    assert message["Content-Language"] == "es"
    text = _text(message)
    assert text.startswith("Hola, Luis Pérez:\n")
    assert ("Marta Ibáñez (Ferretería Central) le reenvía desde el portal de clientes de "
            "Talleres Norte S.L. este documento: Factura INV-000001.") in text
    assert "Mensaje de Marta Ibáñez:\nLuis:\nte paso la factura de marzo.\n" in text
    [attachment] = _attachments(message)
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "INV-000001.pdf"
    assert attachment.get_content() == PDF

    mail = session.get(OutgoingMail, answer["mail_id"])
    assert (mail.kind, mail.status, mail.to_address) == ("document_forwarded", "sent",
                                                         "luis@gestoria.example")
    detail = service.get_outgoing_mail(ORG, answer["mail_id"])
    assert detail["attachments"] == [{"filename": "INV-000001.pdf",
                                      "content_type": "application/pdf", "size": len(PDF)}]
    assert session.scalar(select(MailAttachment.content)) is None   # sent: bytes dropped


def test_in_english_without_name_or_message_and_with_a_reply_address(service, transport):
    service.send_document_email(ORG, request(
        language="en", to_name=None, message=None, document_type="statement",
        document_number="2026-01-01 – 2026-03-31", reply_to="marta@ferreteria.example",
        attachment={"filename": "statement.pdf",
                    "content_base64": base64.encodebytes(PDF).decode()}))
    service.send_queued_mail()
    message = transport.sent[0]["message"]
    assert message["Subject"] == "Statement 2026-01-01 – 2026-03-31 from Talleres Norte S.L."
    assert message["Reply-To"] == "marta@ferreteria.example"
    text = _text(message)
    assert text.startswith("Hello,\n")
    assert "forwarded you this document from Talleres Norte S.L.'s customer portal" in text
    assert "Message from" not in text
    assert _attachments(message)[0].get_content() == PDF


def test_a_failed_send_is_retried_with_the_attachment_still_there(service, transport, session):
    transport.fail(times=1)
    service.send_document_email(ORG, request())
    service.send_queued_mail()
    mail = session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert session.scalar(select(MailAttachment.content)) == PDF
    mail.next_attempt_at = mail.created_at        # due again now
    session.commit()
    service.send_queued_mail()
    [sent] = transport.sent
    assert _attachments(sent["message"])[0].get_content() == PDF


def test_without_smtp_the_eml_file_keeps_the_attachment(session, identity, tmp_path):
    files = FileTransport(tmp_path / "mail")
    service = worker_factory(NotifyService, db=session, transport=files, identity=identity)
    service.send_document_email(ORG, request())
    service.send_queued_mail()
    [path] = (tmp_path / "mail").iterdir()
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "INV-000001.pdf"
    assert attachment.get_content() == PDF


def _refused(service, data):
    with pytest.raises(DocumentEmailInvalid) as info:
        service.send_document_email(ORG, data)
    assert isinstance(info.value, ValidationFailed)
    return info.value.details


@pytest.mark.parametrize("content, problem", [
    ("not base64 at all!", "Not valid base64."),
    (base64.b64encode(b"just text").decode(), "The file is not a PDF."),
    ("", "The file is empty."),
    (base64.b64encode(b"%PDF-" + b"0" * (10 * 1024 * 1024)).decode(),
     "The file is larger than 10 MiB."),
])
def test_a_bad_attachment_is_refused(service, session, content, problem):
    details = _refused(service, request(attachment={"filename": "x.pdf",
                                                    "content_base64": content}))
    assert details == {"attachment": {"content_base64": [problem]}}
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_a_pdf_of_exactly_ten_mebibytes_is_accepted(service, session):
    content = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    service.send_document_email(ORG, request(attachment={
        "filename": "big.pdf", "content_base64": base64.b64encode(content).decode()}))
    assert session.scalar(select(MailAttachment.size)) == 10 * 1024 * 1024


def test_every_bad_field_is_named(service, session):
    details = _refused(service, request(
        to_email="not-an-address", language="fr", document_type="delivery_note",
        document_number="", sender_name="Marta\nIbáñez", message="x" * 2001,
        attachment={"filename": "../factura.exe"}, extra=True))
    assert set(details) == {"to_email", "language", "document_type", "document_number",
                            "sender_name", "message", "attachment", "extra"}
    assert set(details["attachment"]) == {"filename", "content_base64"}
    assert set(_refused(service, {})) >= {"to_email", "language", "document_type",
                                          "document_number", "sender_name", "customer_name",
                                          "organization_name", "attachment"}
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_staff_can_word_the_email_their_way_and_the_pdf_still_goes(service, transport):
    service.put_email_template(ORG, "document_forwarded", "es", {
        "subject": "{{ document_name }} {{ document_number }} ({{ customer_name }})",
        "body": "{{ sender_name }} le envía el documento adjunto."})
    service.send_document_email(ORG, request())
    service.send_queued_mail()
    message = transport.sent[0]["message"]
    assert message["Subject"] == "Factura INV-000001 (Ferretería Central)"
    assert _text(message) == "Marta Ibáñez le envía el documento adjunto.\n"
    assert _attachments(message)[0].get_content() == PDF
