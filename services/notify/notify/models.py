"""notify's own tables. No other service reads them."""
from sqlalchemy.orm import DeclarativeBase

from portal_common.events import OutboxMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
