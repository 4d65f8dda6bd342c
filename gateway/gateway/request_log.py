"""One structured log line per request; secrets (tokens in paths, query strings,
cookies, headers, bodies) never reach it."""
import logging
import re
import time
import uuid

from flask import g, request

log = logging.getLogger("gateway.request")

# URL parts that are secrets themselves (an invitation link's token).
SECRET_VIEW_ARGS = frozenset({"token"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def loggable_path() -> str:
    """The path without its query string, with secret URL parts replaced."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and value:
            path = path.replace(str(value), "[redacted]")
    return path


def _start():
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish(response):
    started = g.get("request_started")
    rpc = g.get("rpc")
    entry = {
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": loggable_path(),
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "rpc_calls": rpc.calls if rpc else 0,
        "rpc_ms": round(rpc.seconds * 1000, 1) if rpc else 0.0,
        # A streamed body (the statement's print view) is not counted: asking its
        # length would make werkzeug read the whole stream into memory first.
        "bytes": None if response.is_streamed else response.calculate_content_length(),
        "streamed": response.is_streamed,
    }
    log.info("request", extra=entry)
    if g.get("request_id"):
        response.headers["X-Request-ID"] = g.request_id
    return response


def register(app) -> None:
    app.before_request(_start)
    app.after_request(_finish)
