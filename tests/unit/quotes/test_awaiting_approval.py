"""The portal home's "quotes awaiting your approval": the customer's quotes sent or viewed and
not expired, nobody else's (quotes's own table, SQLite in memory)."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quotes import quotes as ops
from portal_common.timeutil import utcnow
from quotes.models import QUOTE_STATUSES, Base, Quote

ORG, OTHER_ORG = "org-a", "org-b"
CUSTOMER, OTHER_CUSTOMER = "cus-1", "cus-2"
TODAY = date(2026, 11, 27)
_numbers = itertools.count(1)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


def add(session, status, expiry_date=None, organization_id=ORG, customer_id=CUSTOMER):
    session.add(Quote(organization_id=organization_id, customer_id=customer_id,
                      number=f"QT-{next(_numbers):06d}", status=status, date=TODAY - timedelta(days=10),
                      expiry_date=expiry_date, currency="EUR", total=Decimal("100.000")))
    session.flush()


def count(session, organization_id=ORG, customer_id=CUSTOMER):
    return ops.count_awaiting_approval(session, organization_id, customer_id, today=TODAY)


def test_only_sent_and_viewed_quotes_count(session):
    for status in QUOTE_STATUSES:
        add(session, status)
    assert count(session) == 2


def test_a_quote_counts_up_to_its_expiry_day_and_without_one(session):
    add(session, "sent", expiry_date=TODAY + timedelta(days=30))
    add(session, "viewed", expiry_date=TODAY)
    add(session, "sent", expiry_date=None)
    assert count(session) == 3
    add(session, "sent", expiry_date=TODAY - timedelta(days=1))
    add(session, "viewed", expiry_date=TODAY - timedelta(days=90))
    assert count(session) == 3


def test_another_customers_and_another_organizations_quotes_do_not_count(session):
    add(session, "sent")
    add(session, "sent", customer_id=OTHER_CUSTOMER)
    add(session, "viewed", organization_id=OTHER_ORG)
    add(session, "viewed", organization_id=OTHER_ORG, customer_id=OTHER_CUSTOMER)
    assert count(session) == 1
    assert count(session, customer_id=OTHER_CUSTOMER) == 1
    assert count(session, organization_id=OTHER_ORG) == 1
    assert count(session, customer_id="cus-unknown") == 0


def test_without_a_day_given_today_is_the_utc_date(session):
    today = utcnow().date()
    add(session, "sent", expiry_date=today + timedelta(days=1))
    add(session, "sent", expiry_date=today - timedelta(days=2))
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 1


def test_the_table_refuses_an_unknown_status(session):
    with pytest.raises(IntegrityError):
        add(session, "approved")
