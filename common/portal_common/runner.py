"""Start one nameko service in this process with the project's configuration."""
import importlib
import os

from . import settings
from .logs import nameko_logging_config


def service_class(service: str):
    if service not in settings.SERVICES:
        raise SystemExit(f"unknown service {service!r}; one of {', '.join(settings.SERVICES)}")
    module = importlib.import_module(f"{service}.service")
    return getattr(module, f"{service.capitalize()}Service")


def nameko_config(service: str) -> dict:
    return {
        "AMQP_URI": settings.amqp_uri(),
        "LOGGING": nameko_logging_config(service),
        "max_workers": settings.env_int("MAX_WORKERS", 10),
        "parent_calls_tracked": 10,
    }


def run_service(service: str) -> None:
    """Patch eventlet first, then import and run the service until SIGTERM/Ctrl-C."""
    import eventlet
    eventlet.monkey_patch()
    import logging.config
    from nameko.cli.run import run

    os.environ.setdefault("PORTAL_SERVICE", service)
    config = nameko_config(service)
    logging.config.dictConfig(config["LOGGING"])
    run([service_class(service)], config)
