"""The database itself refuses a second unsettled attempt of one invoice and a second
payment of one attempt, whatever the code above it does (PostgreSQL, migrated)."""
import uuid
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from billing import operations as ops
from billing.models import AttemptInvoice, Payment, PaymentAttempt

from .conftest import CUSTOMER, invoice_data


def attempt(org, invoice, status="processing", key=None):
    row = PaymentAttempt(organization_id=org, customer_id=CUSTOMER, method="card",
                         status=status, amount=Decimal("100.00"), currency="EUR",
                         save_method=False, auto_charge=False)
    row.idempotency_key = key or str(uuid.uuid4())
    row.invoices.append(AttemptInvoice(invoice_id=invoice.id, position=0,
                                       amount=Decimal("100.00"),
                                       in_flight=status not in ("succeeded", "failed")))
    return row


@pytest.fixture
def invoice(pg_session, pg_org):
    created = ops.create_invoice(pg_session, pg_org, invoice_data())
    ops.send_invoice(pg_session, pg_org, created.id)
    pg_session.commit()
    return created


def test_two_in_flight_attempts_of_one_invoice_cannot_both_exist(pg_session, pg_org, invoice):
    pg_session.add(attempt(pg_org, invoice))
    pg_session.commit()
    pg_session.add(attempt(pg_org, invoice))
    with pytest.raises(IntegrityError):
        pg_session.commit()
    pg_session.rollback()
    # settled ones do not count: a failed attempt and a new one may coexist
    pg_session.add(attempt(pg_org, invoice, status="failed"))
    pg_session.commit()


def test_an_idempotency_key_is_used_once(pg_session, pg_org, invoice):
    key = str(uuid.uuid4())
    pg_session.add(attempt(pg_org, invoice, status="failed", key=key))
    pg_session.commit()
    pg_session.add(attempt(pg_org, invoice, status="failed", key=key))
    with pytest.raises(IntegrityError):
        pg_session.commit()
    pg_session.rollback()


def test_an_attempt_settles_into_one_payment(pg_session, pg_org, invoice):
    settled = attempt(pg_org, invoice, status="succeeded")
    pg_session.add(settled)
    pg_session.commit()
    for number in ("PAY-900001", "PAY-900002"):
        pg_session.add(Payment(organization_id=pg_org, customer_id=CUSTOMER, number=number,
                               amount=Decimal("100.00"), unapplied=Decimal(0),
                               currency="EUR", date=ops.today(), mode="card",
                               attempt_id=settled.id))
        if number == "PAY-900001":
            pg_session.commit()
    with pytest.raises(IntegrityError):
        pg_session.commit()
    pg_session.rollback()
