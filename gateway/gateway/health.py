"""Liveness and readiness for operators and orchestrators."""
import threading
import time

from flask import Blueprint, current_app

from portal_common.settings import SERVICES

from .api.docs import operation
from .rpc_access import process_pool

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@operation("The gateway process is alive", tags=("operations",), responses={200: "Health"},
           public=True)
def healthz():
    """The gateway process answers; nothing else is asked."""
    return {"status": "ok"}


def _check(pool, service: str, timeout: float, results: dict) -> None:
    try:
        with pool.one_off(timeout) as rpc:
            answer = getattr(rpc, service).health()
        results[service] = "up" if answer.get("status") == "ok" else "down"
    except Exception:  # any failure (unknown service, timeout, broker down) is "down"
        results[service] = "down"


def check_services(pool, timeout: float) -> dict:
    """Ask every service's ``health`` at once; one not answering within ``timeout`` is down."""
    results: dict[str, str] = {}
    threads = [threading.Thread(target=_check, args=(pool, name, timeout, results), daemon=True,
                                name=f"readyz-{name}") for name in SERVICES]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout + 1.0  # connecting counts too
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "down") for name in SERVICES}


@bp.get("/readyz")
@operation("Every service answers its health check", tags=("operations",),
           responses={200: "Readiness", 503: "Readiness"}, public=True)
def readyz():
    services = check_services(process_pool(), current_app.config["READYZ_TIMEOUT"])
    ready = all(state == "up" for state in services.values())
    return {"status": "ready" if ready else "not_ready", "services": services}, \
        200 if ready else 503
