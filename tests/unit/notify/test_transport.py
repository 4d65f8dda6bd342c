"""SMTP_URL, the SMTP client against a real (local) SMTP server, and .eml files."""
import email
import email.policy
import socket
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller

from notify.email_message import build_message, make_message_id
from notify.models import OutgoingMail
from notify.transport import (DeliveryFailed, FileTransport, SmtpTransport, make_transport,
                              parse_smtp_url)


@pytest.mark.parametrize("url,expected", [
    ("smtp://mail.example.test", ("mail.example.test", 25, "plain", None, None)),
    ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, "plain", None, None)),
    ("smtp+starttls://user%40example.test:p%3Ass%2Fw@smtp.example.test",
     ("smtp.example.test", 587, "starttls", "user@example.test", "p:ss/w")),
    ("smtp+starttls://u:p@smtp.example.test:2525", ("smtp.example.test", 2525, "starttls", "u", "p")),
    ("SMTPS://u:p@smtp.example.test", ("smtp.example.test", 465, "ssl", "u", "p")),
])
def test_smtp_url_forms(url, expected):
    parsed = parse_smtp_url(url)
    assert (parsed.host, parsed.port, parsed.security, parsed.username, parsed.password) == expected


@pytest.mark.parametrize("url,message", [
    ("http://mail.example.test", "SMTP_URL must start with"),
    ("smtp://", "no host"),
    ("smtp://mail.example.test:notaport", "invalid port"),
])
def test_bad_smtp_urls_are_refused(url, message):
    with pytest.raises(ValueError, match=message):
        parse_smtp_url(url)


def test_the_password_never_shows_in_descriptions():
    parsed = parse_smtp_url("smtps://user:s3cret@smtp.example.test")
    assert "s3cret" not in repr(parsed)
    assert "s3cret" not in SmtpTransport(parsed).describe()


def test_without_smtp_url_mail_goes_to_files(tmp_path):
    transport = make_transport(None, tmp_path / "mail")
    assert isinstance(transport, FileTransport)
    assert isinstance(make_transport("smtp://localhost:25", tmp_path), SmtpTransport)


def _mail(**changes):
    values = dict(id="7f1c2b9e-0000-4000-8000-000000000001", organization_id="org",
                  event_id="evt", kind="portal_invitation", language="es",
                  to_address="ana@cliente.example", to_name="Ana García, Compras",
                  from_name="Estudio Demo S.L.", reply_to="facturacion@demo.example",
                  subject="(kept)", text_body="(kept)", html_body="(kept)",
                  created_at=datetime(2026, 11, 27, 10, 30, tzinfo=timezone.utc))
    values.update(changes)
    mail = OutgoingMail(**values)
    mail.message_id = make_message_id(mail.id, "portal@mail.example.test")
    return mail


CONTENT = {"subject": "Invitación al portal de Estudio Demo S.L.",
           "text": "Hola, Ana:\nContraseña: Clave-2026\n",
           "html": "<p>Hola, Ana:<br>Contraseña: Clave-2026</p>"}


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _part(message, subtype: str) -> str:
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def test_eml_file_is_a_complete_message_written_once_per_mail(tmp_path):
    transport = FileTransport(tmp_path / "mail")
    message = build_message(_mail(), CONTENT, "portal@mail.example.test")
    path = transport.send(message, "portal@mail.example.test", ["ana@cliente.example"])
    transport.send(message, "portal@mail.example.test", ["ana@cliente.example"])

    files = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert files == ["20261127-103000-7f1c2b9e-0000-4000-8000-000000000001.eml"]
    raw = path.read_bytes()
    assert b"\r\n" in raw  # RFC 5322 line ends
    parsed = _parse(raw)
    assert parsed["Subject"] == "Invitación al portal de Estudio Demo S.L."
    assert parsed["From"].addresses[0].display_name == "Estudio Demo S.L."
    assert parsed["From"].addresses[0].addr_spec == "portal@mail.example.test"
    assert parsed["To"].addresses[0].display_name == "Ana García, Compras"
    assert parsed["To"].addresses[0].addr_spec == "ana@cliente.example"
    assert parsed["Reply-To"] == "facturacion@demo.example"
    assert parsed["Message-ID"] == "<7f1c2b9e-0000-4000-8000-000000000001@mail.example.test>"
    assert parsed["Date"].datetime == datetime(2026, 11, 27, 10, 30, tzinfo=timezone.utc)
    assert parsed["Content-Language"] == "es"
    assert _part(parsed, "plain") == CONTENT["text"]
    assert _part(parsed, "html").strip() == CONTENT["html"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """Accepts everything except recipients at refused.example, which get a 550."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    handler = _Server()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


def test_smtp_delivers_both_parts_with_the_envelope_sender(smtp_server):
    handler, url = smtp_server
    transport = make_transport(url, None, timeout=5)
    transport.send(build_message(_mail(), CONTENT, "portal@mail.example.test"),
                   "portal@mail.example.test", ["ana@cliente.example"])
    [(mail_from, rcpt_tos, raw)] = handler.received
    assert mail_from == "portal@mail.example.test" and rcpt_tos == ["ana@cliente.example"]
    parsed = _parse(raw)
    assert _part(parsed, "plain") == CONTENT["text"]
    assert parsed["Message-ID"] == "<7f1c2b9e-0000-4000-8000-000000000001@mail.example.test>"


def test_a_refused_recipient_is_a_permanent_failure(smtp_server):
    _, url = smtp_server
    mail = _mail(to_address="nobody@refused.example")
    with pytest.raises(DeliveryFailed) as info:
        make_transport(url, None, timeout=5).send(
            build_message(mail, CONTENT, "portal@mail.example.test"),
            "portal@mail.example.test", [mail.to_address])
    assert info.value.permanent
    assert "550" in info.value.reason and "No such user" in info.value.reason


def test_a_server_that_is_not_there_is_worth_retrying():
    transport = make_transport(f"smtp://127.0.0.1:{_free_port()}", None, timeout=2)
    with pytest.raises(DeliveryFailed) as info:
        transport.send(build_message(_mail(), CONTENT, "portal@mail.example.test"),
                       "portal@mail.example.test", ["ana@cliente.example"])
    assert not info.value.permanent
    assert "ConnectionRefusedError" in info.value.reason
