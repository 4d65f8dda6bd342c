"""The gateway under gunicorn, and a hello-world Flask app with the same settings.

Both run the Procfile's gateway command (``gunicorn --config
gateway/gunicorn.conf.py ...``: same workers, threads, keep-alive, logging);
only the WSGI app differs. ``log_in`` goes through the portal's own login form
(CSRF token and all) as a browser would.
"""
import html
import json
import re
import socket
import statistics
from pathlib import Path
import requests

from deploy import procfile

from .processes import ROOT
from .session import bin_path

HELLO_APP = "bench.hello_app:app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_argv(app: str | None = None) -> list[str]:
    """The Procfile's gateway command, with another WSGI app if asked."""
    (gateway,) = [p for p in procfile.load(ROOT / "Procfile") if p.name == "gateway"]
    argv = gateway.argv
    argv[0] = bin_path(argv[0])
    if app:
        argv[-1] = app
    return argv


def start(run, name: str, app: str | None = None) -> str:
    port = free_port()
    run.processes.start(name, gunicorn_argv(app), {
        "GATEWAY_BIND": f"127.0.0.1:{port}",
        # Plain HTTP on loopback: let the client send the session cookie back.
        "PORTAL_COOKIE_SECURE": "0"})
    return f"http://127.0.0.1:{port}"


def log_in(base: str, slug: str, email: str, password: str) -> dict:
    """Log in through the portal's form; returns the cookies a browser would keep."""
    with requests.Session() as browser:
        page = browser.get(f"{base}/portal/{slug}/login", timeout=10)
        page.raise_for_status()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) \
            or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        if not match:
            raise RuntimeError("no CSRF token in the portal's login form")
        answer = browser.post(f"{base}/portal/{slug}/login", timeout=10, allow_redirects=False,
                              data={"csrf_token": html.unescape(match.group(1)),
                                    "email": email, "password": password})
        if answer.status_code != 302:
            raise RuntimeError(f"portal login answered {answer.status_code}")
        return browser.cookies.get_dict()


def check_page(url: str, cookies: dict, must_contain: str) -> None:
    page = requests.get(url, cookies=cookies, timeout=10, allow_redirects=False)
    if page.status_code != 200 or must_contain not in page.text:
        raise RuntimeError(f"{url} answered {page.status_code} without {must_contain!r}")


def home_breakdown(log: Path, route: str = "/portal/<slug>/") -> dict | None:
    """From the gateway's request log: per home page, RPC calls and time in RPC vs in total."""
    durations, rpc_ms, calls = [], [], []
    for line in log.read_text(errors="replace").splitlines():
        if '"request"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "request" and entry.get("route") == route \
                and entry.get("status") == 200:
            durations.append(entry["duration_ms"])
            rpc_ms.append(entry["rpc_ms"])
            calls.append(entry["rpc_calls"])
    if not durations:
        return None
    return {"pages": len(durations), "rpc_calls": statistics.median(calls),
            "duration_ms": statistics.median(durations), "rpc_ms": statistics.median(rpc_ms)}
