"""Idempotency keys on billing's own table: a create repeated with the same key gets the
first answer back (see :mod:`portal_common.idempotency`)."""
from portal_common.idempotency import IdempotencyKeys

from .exceptions import IdempotencyKeyReused
from .models import IdempotencyKey

once = IdempotencyKeys(IdempotencyKey, IdempotencyKeyReused).once
