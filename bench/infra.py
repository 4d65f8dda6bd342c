"""Throw-away infrastructure for one benchmark run: a RabbitMQ vhost and databases.

Databases are PostgreSQL (what production uses) when BENCH_POSTGRES_URL (default:
the local server as user postgres) answers, else SQLite files in the run's
temporary directory; the report says which.
"""
import os
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from portal_common.settings import SERVICES

MANAGEMENT = os.environ.get("BENCH_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")
MANAGEMENT_AUTH = (os.environ.get("BENCH_RABBIT_USER", "guest"),
                   os.environ.get("BENCH_RABBIT_PASSWORD", "guest"))
AMQP_HOST = os.environ.get("BENCH_AMQP_HOST", "127.0.0.1:5672")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL",
                                    "postgresql://postgres@127.0.0.1:5432/postgres")


class Vhost:
    def __init__(self, tag: str):
        self.name = f"portal-bench-{tag}"
        self._path = quote(self.name, safe="")
        user, password = MANAGEMENT_AUTH
        self.amqp_uri = f"amqp://{user}:{password}@{AMQP_HOST}/{self._path}"

    def create(self) -> None:
        for attempt in range(30):  # the broker may be restarting (other work on this machine)
            try:
                requests.put(f"{MANAGEMENT}/api/vhosts/{self._path}", auth=MANAGEMENT_AUTH,
                             timeout=10).raise_for_status()
                break
            except requests.ConnectionError:
                if attempt == 29:
                    raise
                time.sleep(1)
        requests.put(f"{MANAGEMENT}/api/permissions/{self._path}/{MANAGEMENT_AUTH[0]}",
                     auth=MANAGEMENT_AUTH, json={"configure": ".*", "write": ".*", "read": ".*"},
                     timeout=10).raise_for_status()

    def delete(self) -> None:
        requests.delete(f"{MANAGEMENT}/api/vhosts/{self._path}", auth=MANAGEMENT_AUTH,
                        timeout=10)


class Databases:
    """One database per service; ``env`` holds the ``<SERVICE>_DATABASE_URL`` variables."""

    def __init__(self, tag: str, scratch: Path):
        self.tag = tag
        self.scratch = scratch
        self.kind = "postgresql"
        self.urls: dict[str, str] = {}

    def create(self) -> None:
        try:
            engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
                for service in SERVICES:
                    name = f"portal_bench_{service}_{self.tag}"
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                    self.urls[service] = f"{base}/{name}"
            engine.dispose()
        except OperationalError:
            self.kind = "sqlite"
            self.urls = {s: f"sqlite:///{self.scratch / (s + '.sqlite3')}" for s in SERVICES}

    @property
    def env(self) -> dict:
        return {f"{s.upper()}_DATABASE_URL": url for s, url in self.urls.items()}

    def drop(self) -> None:
        if self.kind != "postgresql" or not self.urls:
            return
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for url in self.urls.values():
                name = url.rsplit("/", 1)[1]
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def new_tag() -> str:
    return uuid.uuid4().hex[:8]
