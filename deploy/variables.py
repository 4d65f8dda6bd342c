"""Which environment variables each process gets, and which of them are secret.

Each nameko service gets only its own database URL (a service never reads
another service's database); the one-shot migration gets all of them; the
gateway gets the broker, the secret key and the public URL; billing gets the secret key
too (it signs the statement cursors that travel through the customer's browser, and every
replica must verify the others' cursors).
"""
from portal_common.settings import SERVICES

from .procfile import Process

GATEWAY_PORT = 8000
SECRET = "secret"
CONFIG = "config"


def database_variable(service: str) -> str:
    return f"{service.upper()}_DATABASE_URL"


def database_name(service: str) -> str:
    return f"portal_{service}"


def kind(name: str) -> str:
    """Secret values (credentials) travel in a Secret / env file, never in the repo."""
    if name in ("SECRET_KEY", "AMQP_URI", "SMTP_URL") or name.endswith("_DATABASE_URL"):
        return SECRET
    return CONFIG


# `portal migrate` upgrades every database and declares the services' event queues.
MIGRATE_VARIABLES = ["AMQP_URI"] + [database_variable(s) for s in SERVICES]


def for_process(process: Process) -> list[str]:
    service = process.service
    if service:
        names = ["AMQP_URI", database_variable(service), "PORTAL_BASE_URL", "LOG_LEVEL"]
        if service == "notify":
            names.append("SMTP_URL")
        if service == "billing":
            names.append("SECRET_KEY")
        return names
    if process.is_web:
        return ["AMQP_URI", "SECRET_KEY", "PORTAL_BASE_URL", "GATEWAY_BIND",
                "GATEWAY_TRUSTED_PROXIES", "PORTAL_COOKIE_SECURE", "LOG_LEVEL"]
    # A process this file does not know yet gets everything.
    return [*MIGRATE_VARIABLES, "SMTP_URL", "SECRET_KEY", "PORTAL_BASE_URL", "LOG_LEVEL"]
