"""SQLAlchemy 2 for nameko: one engine per service, one session per worker."""
import logging
import uuid
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from sqlalchemy import DateTime, String, create_engine, event
from sqlalchemy.orm import mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from . import settings
from .timeutil import as_utc

log = logging.getLogger(__name__)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are normalised on the way in and out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)


def new_id() -> str:
    return str(uuid.uuid4())


def id_column(**kwargs):
    return mapped_column(String(36), primary_key=True, default=new_id, **kwargs)


def _make_psycopg_cooperative() -> None:
    """psycopg2 is C and would block the whole eventlet hub on every query.

    psycogreen installs a wait callback that yields to the hub instead; it is
    only wanted when eventlet has patched the socket module (i.e. inside a
    running service), not in plain scripts such as migrations.
    """
    try:
        import eventlet.patcher
        if not eventlet.patcher.is_monkey_patched("socket"):
            return
        from psycogreen.eventlet import patch_psycopg
    except ImportError:  # pragma: no cover - both are dependencies
        return
    patch_psycopg()


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        _make_psycopg_cooperative()
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database(DependencyProvider):
    """Injects a SQLAlchemy session bound to the service's own database.

    The URL comes from the container config key ``DATABASE_URLS[service]``
    when present (tests), else from ``<SERVICE>_DATABASE_URL``, else a SQLite
    file under var/. The session is closed when the worker ends; the service
    method commits what it wants kept.
    """

    def __init__(self, service: str):
        self.service = service
        self.sessions = WeakKeyDictionary()

    def setup(self):
        url = self.container.config.get("DATABASE_URLS", {}).get(self.service) \
            or settings.database_url(self.service)
        self.engine = make_engine(url)
        self.Session = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        session = self.Session()
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
