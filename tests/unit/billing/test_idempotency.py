"""Idempotency keys kept with the create's answer, in the create's transaction."""
import pytest
from sqlalchemy import func, select

from billing import idempotency, operations as ops
from billing.exceptions import IdempotencyKeyReused
from billing.models import IdempotencyKey, Invoice
from billing.schemas import InvoiceSchema
from portal_common.errors import Conflict, ValidationFailed

from .conftest import ORG, OTHER_ORG, invoice_data


def create(session, key, data, org=ORG):
    return idempotency.once(session, org, "create_invoice", key, data,
                            lambda: InvoiceSchema().dump(ops.create_invoice(session, org, data)),
                            session.commit)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_same_key_same_data_gives_the_first_answer(session):
    first = create(session, "k", invoice_data())
    assert create(session, "k", invoice_data()) == first
    assert count(session, Invoice) == 1
    with pytest.raises(IdempotencyKeyReused) as refused:
        create(session, "k", invoice_data(notes="other"))
    assert issubclass(IdempotencyKeyReused, Conflict)
    assert refused.value.details == {"idempotency_key": ["k"]}
    assert create(session, "k", invoice_data(), org=OTHER_ORG)["id"] != first["id"]
    assert create(session, None, invoice_data())["number"] == "INV-000002"


def test_a_refused_create_keeps_no_key(session):
    with pytest.raises(ValidationFailed):
        create(session, "k", invoice_data(due_date="2026-10-01"))
    session.rollback()
    assert count(session, IdempotencyKey) == 0
    for key in ("", "x" * 256, 12):
        with pytest.raises(ValidationFailed):
            create(session, key, invoice_data())
