"""Structured logs: one JSON object per line, one line per event."""
import json
import logging
import os
import sys
from datetime import datetime, timezone

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Keys whose values must never reach a log line.
_SECRET_KEYS = {"password", "new_password", "old_password", "token", "api_key", "secret",
                "card_number", "cvc", "authorization", "session_token"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str | None = None, **kwargs):
        super().__init__()
        self.service = service or os.environ.get("PORTAL_SERVICE", "portal")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RESERVED or key.startswith("_"):
                continue
            entry[key] = "[redacted]" if key.lower() in _SECRET_KEYS else value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# Library chatter that would otherwise drown the events that matter (WeasyPrint logs every
# step of every PDF at INFO).
NOISY_LIBRARIES = ("kombu", "amqp", "nameko", "urllib3", "alembic", "weasyprint", "fontTools")


def configure(service: str, level: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
    for noisy in NOISY_LIBRARIES:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def nameko_logging_config(service: str) -> dict:
    """A dictConfig for nameko's LOGGING config key."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "portal_common.logs.JsonFormatter", "service": service}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stdout"}},
        "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stdout"]},
        "loggers": {name: {"level": "WARNING"} for name in NOISY_LIBRARIES},
    }
