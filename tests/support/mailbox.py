"""A real SMTP server (aiosmtpd) that keeps what it receives, for the tests to read."""
import email
import email.policy
import re
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({"rcpt_tos": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"


class Mailbox:
    def __init__(self):
        self.port = free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    def messages(self, to: str | None = None) -> list:
        with self._collector.lock:
            items = list(self._collector.messages)
        return [m["message"] for m in items if to is None or to in m["rcpt_tos"]]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{count} email(s) to {to} did not arrive within {timeout}s; "
                             f"got {len(self.messages(to))}")


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content()


def invitation_link(message) -> str:
    match = re.search(r"https?://\S+/invitation/[A-Za-z0-9_\-]+", text_of(message))
    assert match, "the invitation email has no accept link"
    return match.group(0)
