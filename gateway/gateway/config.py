"""The gateway's configuration: environment variables with safe defaults."""
import os

from portal_common import settings

MIB = 1024 * 1024


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def from_environment() -> dict:
    """Flask config keys, read when the app is created."""
    cookie_secure = env_flag("PORTAL_COOKIE_SECURE", True)
    threads = settings.env_int("GATEWAY_THREADS", 8)
    return {
        "SECRET_KEY": settings.secret_key(),
        "AMQP_URI": settings.amqp_uri(),
        "PORTAL_BASE_URL": settings.portal_base_url(),
        # Request bodies larger than this are answered 413 before being read.
        "MAX_CONTENT_LENGTH": settings.env_int("GATEWAY_MAX_BODY_BYTES", MIB),
        # RPC: one pool per process, at least one client per request thread.
        "RPC_POOL_SIZE": settings.env_int("GATEWAY_RPC_POOL_SIZE", threads),
        "RPC_TIMEOUT": env_float("GATEWAY_RPC_TIMEOUT", 10.0),
        "READYZ_TIMEOUT": env_float("GATEWAY_READYZ_TIMEOUT", 2.0),
        # How many reverse proxies in front of us set X-Forwarded-For/-Proto.
        "TRUSTED_PROXIES": settings.env_int("GATEWAY_TRUSTED_PROXIES", 0),
        # The portal's own session cookie (an identity session token).
        "PORTAL_SESSION_COOKIE": "portal_session",
        "PORTAL_LANGUAGE_COOKIE": "portal_lang",
        "PORTAL_COOKIE_SECURE": cookie_secure,
        # Flask's signed cookie only carries the CSRF secret and flashed messages.
        "SESSION_COOKIE_NAME": "portal_state",
        "SESSION_COOKIE_SECURE": cookie_secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The portal calls csrf.protect() itself, after loading the organization.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": settings.env_int("GATEWAY_CSRF_TIME_LIMIT_SECONDS", 4 * 3600),
        # WeasyPrint lays a whole document out in memory: longer statements are printed.
        "PORTAL_STATEMENT_PDF_MAX_MOVEMENTS": settings.env_int(
            "PORTAL_STATEMENT_PDF_MAX_MOVEMENTS", 2000),
        "BABEL_DEFAULT_LOCALE": "es",
        "LANGUAGES": ("es", "en"),
    }
