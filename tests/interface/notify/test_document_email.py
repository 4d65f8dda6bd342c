"""send_document_email over real RabbitMQ RPC, PostgreSQL and a real SMTP server: the
forwarded document arrives with its PDF, byte for byte, also after the server was down."""
import base64
import os
import uuid

import eventlet
import pytest

from notify.exceptions import DocumentEmailInvalid
from tests.support.mailbox import Mailbox, free_port, text_of, wait_until

PDF = b"%PDF-1.7\n" + os.urandom(300 * 1024) + b"\n%%EOF\n"
TO = "luis@gestoria.example"


def _request(**changes):
    data = {"to_email": TO, "to_name": "Luis Pérez", "language": "en",
            "document_type": "invoice", "document_number": "INV-000001",
            "sender_name": "Marta Ibáñez", "customer_name": "Ferretería Central",
            "organization_name": "Talleres Norte S.L.",
            "message": "Luis, this is March's invoice.",
            "attachment": {"filename": "INV-000001.pdf",
                           "content_base64": base64.b64encode(PDF).decode()}}
    data.update(changes)
    return data


def _pdf_of(message):
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "INV-000001.pdf"
    return attachment.get_content()


def test_the_forwarded_invoice_arrives_with_its_pdf_byte_for_byte(
        start_notify, mailbox, notify_rpc, listener):
    start_notify(mailbox.url)
    org_id = str(uuid.uuid4())
    answer = notify_rpc.send_document_email(org_id, _request())

    [message] = mailbox.wait_for(TO)
    assert message["Subject"] == "Invoice INV-000001 from Talleres Norte S.L."
    assert message["To"].addresses[0].display_name == "Luis Pérez"
    text = text_of(message)
    assert ("Marta Ibáñez (Ferretería Central) forwarded you this document from "
            "Talleres Norte S.L.'s customer portal: Invoice INV-000001.") in text
    assert "Message from Marta Ibáñez:\nLuis, this is March's invoice.\n" in text
    assert _pdf_of(message) == PDF

    def sent():
        mail = notify_rpc.get_outgoing_mail(org_id, answer["mail_id"])
        return mail if mail["status"] == "sent" else None

    mail = wait_until(sent, what="the mail listed as sent")
    assert (mail["kind"], mail["to"]) == ("document_forwarded", TO)
    assert mail["attachments"] == [{"filename": "INV-000001.pdf",
                                    "content_type": "application/pdf", "size": len(PDF)}]
    wait_until(lambda: [e for e in listener if e["payload"]["mail_id"] == answer["mail_id"]],
               what="email_sent")


def test_with_the_smtp_server_down_at_first_the_pdf_still_arrives_once(
        start_notify, notify_rpc):
    port = free_port()
    start_notify(f"smtp://127.0.0.1:{port}")            # nothing listens there yet
    org_id = str(uuid.uuid4())
    answer = notify_rpc.send_document_email(org_id, _request(language="es"))
    wait_until(lambda: notify_rpc.get_outgoing_mail(org_id, answer["mail_id"])["attempts"] >= 2,
               what="two failed attempts")
    box = Mailbox(port).start()
    try:
        [message] = box.wait_for(TO)
        assert message["Subject"] == "Factura INV-000001 de Talleres Norte S.L."
        assert _pdf_of(message) == PDF
        eventlet.sleep(1.2)
        assert len(box.messages(TO)) == 1
    finally:
        box.stop()


def test_a_bad_request_is_refused_and_nothing_is_sent(start_notify, mailbox, notify_rpc):
    start_notify(mailbox.url)
    org_id = str(uuid.uuid4())
    with pytest.raises(DocumentEmailInvalid) as info:
        notify_rpc.send_document_email(org_id, _request(
            to_email="nobody", attachment={"filename": "INV-000001.pdf",
                                           "content_base64": "%%% not base64"}))
    assert info.value.details == {"to_email": ["Not a valid email address."],
                                  "attachment": {"content_base64": ["Not valid base64."]}}
    assert notify_rpc.list_outgoing_mail(org_id)["total"] == 0
    eventlet.sleep(0.5)
    assert mailbox.messages() == []
