"""docker-compose.yml: the infrastructure, a one-shot migration, then every Procfile process."""
from portal_common.settings import SERVICES

from . import variables as V
from .procfile import Process

IMAGE = "customer-portal:${PORTAL_IMAGE_TAG:-local}"
ENV_HINT = "set it in deploy/compose.env (see deploy/compose.env.example)"
INIT_SQL = "deploy/postgres/init-databases.sql"


def _required(name: str) -> str:
    return "${%s:?%s}" % (name, ENV_HINT)


def _values() -> dict:
    amqp = "amqp://portal:%s@rabbitmq:5672/" % _required("RABBITMQ_PASSWORD")
    values = {
        "AMQP_URI": amqp,
        "SMTP_URL": "smtp://mailpit:1025",
        "SECRET_KEY": _required("SECRET_KEY"),
        "PORTAL_BASE_URL": "${PORTAL_BASE_URL:-http://localhost:%d}" % V.GATEWAY_PORT,
        "GATEWAY_BIND": "0.0.0.0:%d" % V.GATEWAY_PORT,
        # Published directly, no reverse proxy in front: trust no X-Forwarded-For.
        "GATEWAY_TRUSTED_PROXIES": "${GATEWAY_TRUSTED_PROXIES:-0}",
        "PORTAL_COOKIE_SECURE": "${PORTAL_COOKIE_SECURE:-1}",
        "LOG_LEVEL": "${LOG_LEVEL:-INFO}",
    }
    for service in SERVICES:
        values[V.database_variable(service)] = "postgresql://portal:%s@postgres:5432/%s" % (
            _required("POSTGRES_PASSWORD"), V.database_name(service))
    return values


def _environment(names) -> dict:
    values = _values()
    return {name: values[name] for name in names}


def _app(command: list[str], names, depends_on: dict) -> dict:
    return {
        "image": IMAGE,
        "build": {"context": ".", "dockerfile": "deploy/Dockerfile"},
        "command": command,
        "environment": _environment(names),
        "depends_on": depends_on,
    }


INFRA_READY = {"rabbitmq": {"condition": "service_healthy"},
               "postgres": {"condition": "service_healthy"}}
MIGRATED = {"migrate": {"condition": "service_completed_successfully"}}


def _infrastructure() -> dict:
    return {
        "rabbitmq": {
            "image": "rabbitmq:3-management",
            "environment": {"RABBITMQ_DEFAULT_USER": "portal",
                            "RABBITMQ_DEFAULT_PASS": _required("RABBITMQ_PASSWORD")},
            "ports": ["127.0.0.1:15672:15672"],
            "volumes": ["rabbitmq-data:/var/lib/rabbitmq"],
            "healthcheck": {"test": ["CMD", "rabbitmq-diagnostics", "-q",
                                     "check_port_connectivity"],
                            "interval": "10s", "timeout": "10s", "retries": 12,
                            "start_period": "20s"},
        },
        "postgres": {
            "image": "postgres:16",
            "environment": {"POSTGRES_USER": "portal", "POSTGRES_DB": "portal",
                            "POSTGRES_PASSWORD": _required("POSTGRES_PASSWORD")},
            "volumes": ["postgres-data:/var/lib/postgresql/data",
                        f"./{INIT_SQL}:/docker-entrypoint-initdb.d/10-databases.sql:ro"],
            # Over TCP: the image's first-boot server (running the init script) has no TCP.
            "healthcheck": {"test": ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "portal",
                                     "-d", V.database_name(SERVICES[-1])],
                            "interval": "5s", "timeout": "5s", "retries": 20},
        },
        "mailpit": {
            "image": "axllent/mailpit",
            "ports": ["127.0.0.1:8025:8025"],
        },
    }


def _process(process: Process) -> dict:
    depends = {**INFRA_READY, **MIGRATED}
    if process.service == "notify":
        depends["mailpit"] = {"condition": "service_started"}
    spec = _app(process.argv, V.for_process(process), depends)
    if process.service:
        spec["healthcheck"] = {"test": ["CMD", "python", "deploy/healthcheck.py",
                                        process.service],
                               "interval": "30s", "timeout": "15s", "retries": 3,
                               "start_period": "30s"}
    if process.is_web:
        spec["ports"] = ["%d:%d" % (V.GATEWAY_PORT, V.GATEWAY_PORT)]
        spec["healthcheck"] = {"test": ["CMD", "python", "deploy/healthcheck.py", "--http",
                                        "http://127.0.0.1:%d/healthz" % V.GATEWAY_PORT],
                               "interval": "15s", "timeout": "5s", "retries": 3,
                               "start_period": "20s"}
    spec["restart"] = "unless-stopped"
    return spec


def document(processes: list[Process]) -> dict:
    services = _infrastructure()
    services["migrate"] = _app(["portal", "migrate"], V.MIGRATE_VARIABLES, dict(INFRA_READY))
    services["migrate"]["restart"] = "no"
    for process in processes:
        if process.name in services:
            raise ValueError(f"Procfile process {process.name!r} clashes with compose's own")
        services[process.name] = _process(process)
    return {"name": "customer-portal", "services": services,
            "volumes": {"postgres-data": {}, "rabbitmq-data": {}}}


def init_sql() -> str:
    lines = ["-- One database per service. Rendered by deploy/render.py; run once by the",
             "-- postgres image on its first start (docker-entrypoint-initdb.d)."]
    lines += [f"CREATE DATABASE {V.database_name(s)} OWNER portal;" for s in SERVICES]
    return "\n".join(lines) + "\n"


def env_example() -> str:
    return "\n".join([
        "# Copy to deploy/compose.env (git-ignored), fill in, then:",
        "#   docker compose --env-file deploy/compose.env up --build",
        "# Make each value URL-safe (it is placed inside URLs), e.g.:",
        "#   python3 -c 'import secrets; print(secrets.token_hex(24))'",
        "SECRET_KEY=",
        "POSTGRES_PASSWORD=",
        "RABBITMQ_PASSWORD=",
        "# The address customers use to reach the portal (links in emails).",
        "PORTAL_BASE_URL=http://localhost:%d" % V.GATEWAY_PORT,
        "LOG_LEVEL=INFO",
        "# Cookies are Secure (HTTPS only); browsers accept that on http://localhost.",
        "# Set 0 only to try the portal over plain HTTP at another address.",
        "PORTAL_COOKIE_SECURE=1",
        "# How many reverse proxies in front of the gateway set X-Forwarded-For.",
        "GATEWAY_TRUSTED_PROXIES=0",
    ]) + "\n"
