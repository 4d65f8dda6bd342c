"""notify's settings, from environment variables with safe defaults.

Read when used (not at import), so a test or an operator can change them
before a service starts. The one exception is the send interval: nameko needs
the timer's interval when the service class is defined.

| variable                           | default               | meaning                                   |
|------------------------------------|-----------------------|-------------------------------------------|
| SMTP_URL                           | (unset: .eml files)   | smtp://, smtp+starttls://, smtps://       |
| NOTIFY_MAIL_FROM                   | no-reply@localhost    | From address (display name: the org name) |
| NOTIFY_SEND_INTERVAL_SECONDS       | 1                     | how often queued mail is looked at        |
| NOTIFY_SEND_BATCH                  | 50                    | at most this many sends per tick          |
| NOTIFY_MAX_ATTEMPTS                | 8                     | attempts before a mail is ``failed``      |
| NOTIFY_RETRY_BASE_SECONDS          | 10                    | wait after the first failed attempt       |
| NOTIFY_RETRY_MAX_SECONDS           | 3600                  | the wait doubles up to this               |
| NOTIFY_SEND_LEASE_SECONDS          | 120                   | a claimed mail is retried after this if   |
|                                    |                       | its sender vanished mid-send              |
| NOTIFY_SMTP_TIMEOUT_SECONDS        | 10                    | socket timeout talking to the SMTP server |
| NOTIFY_EVENT_RETRY_DELAY_SECONDS   | 2                     | pause before an event that could not be   |
|                                    |                       | stored (database down, identity not       |
|                                    |                       | answering) is requeued                    |
| NOTIFY_IDENTITY_TIMEOUT_SECONDS    | 5                     | how long notify waits for identity's      |
|                                    |                       | answer about an activity's names          |
"""
import os
from datetime import timedelta


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


SEND_INTERVAL_SECONDS = _float("NOTIFY_SEND_INTERVAL_SECONDS", 1.0)


def mail_from() -> str:
    return os.environ.get("NOTIFY_MAIL_FROM") or "no-reply@localhost"


def send_batch() -> int:
    return max(1, _int("NOTIFY_SEND_BATCH", 50))


def max_attempts() -> int:
    return max(1, _int("NOTIFY_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling, capped."""
    base = _float("NOTIFY_RETRY_BASE_SECONDS", 10.0)
    cap = _float("NOTIFY_RETRY_MAX_SECONDS", 3600.0)
    exponent = min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(base * 2 ** exponent, cap))


def send_lease() -> timedelta:
    return timedelta(seconds=_float("NOTIFY_SEND_LEASE_SECONDS", 120.0))


def smtp_timeout() -> float:
    return _float("NOTIFY_SMTP_TIMEOUT_SECONDS", 10.0)


def event_retry_delay() -> float:
    return _float("NOTIFY_EVENT_RETRY_DELAY_SECONDS", 2.0)


def identity_timeout() -> float:
    return max(0.1, _float("NOTIFY_IDENTITY_TIMEOUT_SECONDS", 5.0))
