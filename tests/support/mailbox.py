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


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """The predicate's first truthy value, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)  # cooperative under eventlet's patching
    raise AssertionError(f"{what} not met within {timeout}s")


class Mailbox:
    """A real SMTP server on a local port; keeps each message as received.

    ``port`` may be chosen ahead (to start the server later than its users).
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._received = []
        self._lock = threading.Lock()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self._received.append({"rcpt_tos": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self, to: str | None = None) -> list:
        with self._lock:
            items = list(self._received)
        return [m["message"] for m in items if to is None or to in m["rcpt_tos"]]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30.0) -> list:
        return wait_until(lambda: len(self.messages(to)) >= count and self.messages(to),
                          timeout=timeout, what=f"{count} email(s) to {to}")


def text_of(message) -> str:
    """The plain-text part, with plain newlines."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def invitation_link(message) -> str:
    match = re.search(r"https?://\S+/invitation/[A-Za-z0-9_\-]+", text_of(message))
    assert match, "the invitation email has no accept link"
    return match.group(0)
