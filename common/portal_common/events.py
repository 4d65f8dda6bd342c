"""Integration events: envelope, transactional outbox, relay, idempotent consumers.

A service changes its state and records the event announcing it in the same
local transaction (:func:`record_event`). The relay (:class:`OutboxRelay`
mixin, a nameko timer plus an immediate kick after each commit) publishes
unsent rows to the service's nameko events exchange and marks them sent; a row
that fails to publish stays unsent and is retried on the next tick. Consumers
wrap their handlers in :func:`handles_once`, which records the event id in the
consumer's own database in the same transaction as the handler's work, so a
redelivered event does nothing the second time.
"""
import functools
import logging

from marshmallow import Schema
from nameko.events import EventDispatcher
from nameko.timer import timer
from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, new_id
from .timeutil import utcnow

log = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 1.0
RELAY_BATCH = 100


class OutboxMixin:
    """Columns of a service's ``outbox`` table."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_type: Mapped[str] = mapped_column(String(80))
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    occurred_at = mapped_column(UTCDateTime(), default=utcnow)
    payload: Mapped[dict] = mapped_column(JSON)
    sensitive_fields: Mapped[list] = mapped_column(JSON, default=list)
    published_at = mapped_column(UTCDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    def envelope(self) -> dict:
        return {
            "event_id": self.id,
            "event_type": self.event_type,
            "occurred_at": self.occurred_at.isoformat(),
            "organization_id": self.organization_id,
            "payload": self.payload,
        }


class ProcessedEventMixin:
    """Columns of a consumer's ``processed_events`` table."""

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(120), primary_key=True)
    processed_at = mapped_column(UTCDateTime(), default=utcnow)


def record_event(session, outbox_model, schema: Schema, event_type: str,
                 organization_id: str, payload: dict):
    """Add an event to the outbox in the caller's transaction (not committed here)."""
    body = schema.dump(schema.load(payload))
    sensitive = [name for name, field in schema.fields.items()
                 if field.metadata.get("sensitive")]
    row = outbox_model(id=new_id(), event_type=event_type, organization_id=organization_id,
                       occurred_at=utcnow(), payload=body, sensitive_fields=sensitive)
    session.add(row)
    return row


def publish_pending(session, outbox_model, dispatch, batch: int = RELAY_BATCH) -> int:
    """Publish unsent outbox rows, oldest first. Returns how many were published."""
    query = (select(outbox_model)
             .where(outbox_model.published_at.is_(None))
             .order_by(outbox_model.occurred_at, outbox_model.id)
             .limit(batch))
    if session.get_bind().dialect.name == "postgresql":
        # Several instances of one service may relay at once: each takes its own rows.
        query = query.with_for_update(skip_locked=True)
    published = 0
    for row in session.scalars(query).all():
        try:
            dispatch(row.event_type, row.envelope())
        except Exception as exc:  # broker down or unroutable: keep the row, retry later
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("outbox_publish_failed", extra={"event_id": row.id,
                        "event_type": row.event_type, "attempts": row.attempts})
            break
        row.published_at = utcnow()
        if row.sensitive_fields:
            # What was secret (a staff-set password) is not kept once it has left.
            row.payload = {key: (None if key in row.sensitive_fields else value)
                           for key, value in row.payload.items()}
        published += 1
        log.info("event_published", extra={"event_id": row.id, "event_type": row.event_type})
    session.commit()
    return published


class OutboxRelay:
    """Mixin for a nameko service with ``db`` (session) and ``outbox_model``."""

    dispatch = EventDispatcher()

    @timer(interval=RELAY_INTERVAL_SECONDS)
    def relay_outbox(self):
        return publish_pending(self.db, self.outbox_model, self.dispatch)


def handles_once(handler_name: str):
    """Make a nameko event handler idempotent.

    The decorated method receives the envelope and does its work on
    ``self.db`` without committing; this wrapper records the event id for
    ``handler_name`` and commits both together. A second delivery of the same
    event is acknowledged and ignored.
    """

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, envelope):
            event_id = envelope["event_id"]
            session = self.db
            session.add(self.processed_model(event_id=event_id, handler=handler_name))
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                log.info("event_duplicate_ignored",
                         extra={"event_id": event_id, "handler": handler_name})
                return None
            result = method(self, envelope)
            session.commit()
            log.info("event_handled", extra={"event_id": event_id, "handler": handler_name,
                                             "event_type": envelope.get("event_type")})
            return result

        return wrapper

    return decorate
