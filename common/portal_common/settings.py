"""Configuration from environment variables, with safe development defaults."""
import os
import secrets
from pathlib import Path

SERVICES = ("identity", "billing", "quotes", "timesheets", "notify")
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def var_dir() -> Path:
    """Where development state lives (SQLite files, mail files, the dev secret)."""
    path = Path(os.environ.get("PORTAL_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri() -> str:
    return pure_python_amqp(os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))


def pure_python_amqp(uri: str) -> str:
    """``amqp://`` as ``pyamqp://``: the same protocol and client library (py-amqp).

    For ``amqp://`` kombu tries to import the optional C client librabbitmq on
    every new Connection object, and nameko makes one per publish; the failed
    import is not cached. Naming the transport skips that (docs/performance.md).
    """
    return "pyamqp://" + uri[len("amqp://"):] if uri.startswith("amqp://") else uri


def database_url(service: str) -> str:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{var_dir() / (service + '.sqlite3')}"


def portal_base_url() -> str:
    port = os.environ.get("PORT", "8000")
    return os.environ.get("PORTAL_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/")


def smtp_url() -> str | None:
    return os.environ.get("SMTP_URL") or None


def secret_key() -> str:
    """SECRET_KEY from the environment, else a development key kept under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default
