"""Idempotency keys: a create repeated with the same key gets the first answer back.

billing's idea on quotes's own table: the key is kept per (organization, operation, key)
with a hash of the request and the answer given, in the create's own transaction. The same
request again returns that answer (no new row, no new event); the same key with another
request is refused (IdempotencyKeyReused). Two concurrent requests with one key both run,
but only one commits: the other hits the unique constraint, rolls back and returns the
winner's answer.
"""
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal_common.errors import ValidationFailed

from .exceptions import IdempotencyKeyReused
from .models import IdempotencyKey

MAX_KEY_LENGTH = 255


def request_hash(request) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _answer_for(session, organization_id: str, operation: str, key: str,
                digest: str) -> dict | None:
    row = session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.organization_id == organization_id,
        IdempotencyKey.operation == operation, IdempotencyKey.key == key))
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused("This idempotency key was used for a different request.",
                                   {"idempotency_key": [key]})
    return row.response


def once(session, organization_id: str, operation: str, key: str | None, request, act,
         commit) -> dict:
    """``act()``'s answer committed with ``commit()``, or the answer stored under ``key``."""
    if key is None:
        answer = act()
        commit()
        return answer
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed("The idempotency key is not valid.",
                               {"idempotency_key": [f"1 to {MAX_KEY_LENGTH} characters."]})
    digest = request_hash(request)
    stored = _answer_for(session, organization_id, operation, key, digest)
    if stored is not None:
        return stored
    answer = act()
    session.add(IdempotencyKey(organization_id=organization_id, operation=operation, key=key,
                               request_hash=digest, response=answer))
    try:
        session.flush()
    except IntegrityError:  # the same key was committed meanwhile: its answer wins
        session.rollback()
        return _answer_for(session, organization_id, operation, key, digest)
    commit()
    return answer
