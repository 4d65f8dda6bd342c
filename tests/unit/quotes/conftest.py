import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from portal_common.timeutil import utcnow
from quotes import quotes as ops
from quotes.models import Base, Outbox
from tests.support.postgres import create_databases, drop_databases

ORG = "00000000-0000-0000-0000-00000000000a"
OTHER_ORG = "00000000-0000-0000-0000-00000000000b"
CUSTOMER = "00000000-0000-0000-0000-0000000000c1"
OTHER_CUSTOMER = "00000000-0000-0000-0000-0000000000c2"
CONTACT = "00000000-0000-0000-0000-00000000c0a1"
OTHER_CONTACT = "00000000-0000-0000-0000-00000000c0a2"
# billing.list_taxes's answer for ORG, as it dumps them.
VAT = {"id": "tax-vat", "organization_id": ORG, "name": "IVA", "rate": "21.0000",
       "is_default": True}
REDUCED = {"id": "tax-reduced", "organization_id": ORG, "name": "IVA reducido",
           "rate": "10.0000", "is_default": False}


def taxes():
    return [VAT, REDUCED]


def today():
    return utcnow().date()


def line(**extra):
    values = {"name": "Work", "quantity": "1", "rate": "100.00"}
    values.update(extra)
    return values


def quote_data(*lines, **extra):
    data = {"customer_id": CUSTOMER, "currency": "EUR", "date": today().isoformat(),
            "expiry_date": (today() + timedelta(days=30)).isoformat(),
            "lines": list(lines) or [line()]}
    data.update(extra)
    return data


def new_quote(session, *lines, org=ORG, **extra):
    quote = ops.create_quote(session, org, quote_data(*lines, **extra), taxes)
    session.commit()
    return quote


def sent_quote(session, *lines, org=ORG, **extra):
    quote = new_quote(session, *lines, org=org, **extra)
    ops.send_quote(session, org, quote.id)
    session.commit()
    return quote


def events(session, event_type=None) -> list[dict]:
    """The outbox's envelopes, oldest first (of one type when given)."""
    query = select(Outbox).order_by(Outbox.occurred_at, Outbox.id)
    if event_type:
        query = query.where(Outbox.event_type == event_type)
    return [row.envelope() for row in session.scalars(query)]


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="session")
def quotes_pg_url():
    """A migrated PostgreSQL quotes database of its own for these tests."""
    urls = create_databases(["quotes"])
    yield urls["quotes"]
    drop_databases(urls)


@pytest.fixture
def pg_org():
    return str(uuid.uuid4())
