"""Idempotency keys: a create repeated with the same key gets the first answer back.

A service keeps the caller's key per (organization, operation, key) in its own
``idempotency_keys`` table (:class:`IdempotencyKeyMixin`), with a hash of the request and
the answer given, in the same transaction as the create itself. The same request again
returns that answer (no new row, no new event); the same key with a different request is
refused. Two concurrent requests with one key both run, but only one commits: the other
hits the unique constraint, rolls back everything it did, and returns the winner's answer.
"""
import hashlib
import json

from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .db import UTCDateTime, id_column
from .errors import Conflict, ValidationFailed
from .timeutil import utcnow

MAX_KEY_LENGTH = 255


class IdempotencyKeyMixin:
    """Columns of a service's ``idempotency_keys`` table: a create's answer under its key."""

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("organization_id", "operation", "key",
                                 name="uq_idempotency_keys_org_operation_key"),)

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(String(36))
    operation: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JSON)
    created_at = mapped_column(UTCDateTime(), default=utcnow)


def request_hash(request) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeys:
    """One service's keys: its table and the error (a Conflict) for a reused key."""

    def __init__(self, model, reused: type[Conflict]):
        self.model = model
        self.reused = reused

    def _stored(self, session, organization_id: str, operation: str, key: str,
                digest: str) -> dict | None:
        row = session.scalar(select(self.model).where(
            self.model.organization_id == organization_id,
            self.model.operation == operation, self.model.key == key))
        if row is None:
            return None
        if row.request_hash != digest:
            raise self.reused("This idempotency key was used for a different request.",
                              {"idempotency_key": [key]})
        return row.response

    def once(self, session, organization_id: str, operation: str, key: str | None, request,
             act, commit) -> dict:
        """``act()``'s answer, committed with ``commit()``, or the stored answer for ``key``."""
        if key is None:
            answer = act()
            commit()
            return answer
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise ValidationFailed("The idempotency key is not valid.",
                                   {"idempotency_key": [f"1 to {MAX_KEY_LENGTH} characters."]})
        digest = request_hash(request)
        stored = self._stored(session, organization_id, operation, key, digest)
        if stored is not None:
            return stored
        answer = act()
        session.add(self.model(organization_id=organization_id, operation=operation, key=key,
                               request_hash=digest, response=answer))
        try:
            session.flush()
        except IntegrityError:  # the same key committed meanwhile: its answer wins
            session.rollback()
            return self._stored(session, organization_id, operation, key, digest)
        commit()
        return answer
