"""gunicorn settings for the gateway (Procfile: gunicorn --config gateway/gunicorn.conf.py ...).

Threads suit the gateway: a request mostly waits on RPC replies. The defaults
fit a 2-core machine; set GATEWAY_WORKERS / GATEWAY_THREADS for bigger ones.
gunicorn's own access log is off: the app writes one JSON line per request.
"""
import os

from portal_common import settings
from portal_common.logs import nameko_logging_config

bind = os.environ.get("GATEWAY_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
worker_class = "gthread"
workers = settings.env_int("GATEWAY_WORKERS", 2)
threads = settings.env_int("GATEWAY_THREADS", 8)
timeout = settings.env_int("GATEWAY_TIMEOUT_SECONDS", 30)
graceful_timeout = 20
keepalive = 5
# Each worker builds its own app (and so its own RPC pool) after the fork.
preload_app = False
accesslog = None
errorlog = "-"
proc_name = "portal-gateway"
# No runtime control socket: several gateways may share a host, and nothing uses it.
control_socket_disable = True

os.environ.setdefault("PORTAL_SERVICE", "gateway")
logconfig_dict = nameko_logging_config("gateway")
logconfig_dict["loggers"].update({
    "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    # "Received method (60, 80) during closing channel": a returned message for an
    # unknown service (readiness checks), already answered as "down".
    "amqp": {"level": "ERROR"},
})


def worker_exit(server, worker):
    """Close this worker's RPC connections before it goes."""
    app = getattr(worker, "wsgi", None)
    if app is not None:
        from gateway.rpc_access import close_process_pool
        close_process_pool(app)
