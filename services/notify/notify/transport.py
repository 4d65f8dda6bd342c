"""Where emails go: an SMTP server (``SMTP_URL``) or, without one, .eml files.

``SMTP_URL`` forms::

    smtp://host[:port]                       plain (port 25), optional user:password@
    smtp+starttls://user:password@host[:port]  STARTTLS upgrade (port 587)
    smtps://user:password@host[:port]          TLS from the start (port 465)

User and password are percent-decoded. With ``SMTP_URL`` unset each email is
written as an RFC 5322 file ``<var>/mail/<date>-<mail id>.eml``; the same mail
written twice lands in the same file.

A transport raises :class:`DeliveryFailed` when a mail did not go; ``permanent``
says whether trying again can help (a 5xx refusal of the recipient or of the
message) or not. Errors never carry the message's body.
"""
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str                     # plain | starttls | ssl
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """For logs: never the password."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.security} {user}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}")
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    security, default_port = SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    return SmtpSettings(host=parts.hostname, port=port, security=security,
                        username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None)


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def _smtp_text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _classify(exc: Exception) -> DeliveryFailed:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reasons = "; ".join(f"{code} {_smtp_text(text)}" for code, text in exc.recipients.values())
        return DeliveryFailed(f"recipient refused: {reasons}",
                              permanent=bool(codes) and all(code >= 500 for code in codes))
    if isinstance(exc, smtplib.SMTPDataError):
        return DeliveryFailed(f"message refused: {exc.smtp_code} {_smtp_text(exc.smtp_error)}",
                              permanent=exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        # Sender refused, authentication failed …: the server's setup, not this mail.
        return DeliveryFailed(f"{type(exc).__name__}: {exc.smtp_code} "
                              f"{_smtp_text(exc.smtp_error)}")
    return DeliveryFailed(f"{type(exc).__name__}: {exc}")


class SmtpTransport:
    def __init__(self, settings: SmtpSettings, timeout: float = 10.0):
        self.settings = settings
        self.timeout = timeout

    def describe(self) -> str:
        return f"smtp {self.settings.describe()}"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        client = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        if s.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> None:
        try:
            with self._connect() as client:
                if self.settings.username:
                    client.login(self.settings.username, self.settings.password or "")
                client.send_message(message, from_addr=sender, to_addrs=recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise _classify(exc) from None


class FileTransport:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def describe(self) -> str:
        return f"files {self.directory}"

    def file_name(self, message: EmailMessage) -> str:
        local = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
        safe = "".join(ch for ch in local if ch.isalnum() or ch in "-_.") or "mail"
        stamp = parsedate_to_datetime(str(message["Date"])).strftime("%Y%m%d-%H%M%S")
        return f"{stamp}-{safe}.eml"

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> Path:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            target = self.directory / self.file_name(message)
            # Written whole, then renamed: a reader never sees half a message.
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(message.as_bytes(policy=SMTP_POLICY))
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            return target
        except OSError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None


def make_transport(smtp_url: str | None, mail_directory: Path, timeout: float = 10.0):
    if smtp_url:
        return SmtpTransport(parse_smtp_url(smtp_url), timeout=timeout)
    return FileTransport(mail_directory)
