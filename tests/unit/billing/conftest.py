import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from billing import operations as ops
from billing.models import Base
from tests.support.postgres import create_databases, drop_databases

ORG = "00000000-0000-0000-0000-00000000000a"
OTHER_ORG = "00000000-0000-0000-0000-00000000000b"
CUSTOMER = "00000000-0000-0000-0000-0000000000c1"
OTHER_CUSTOMER = "00000000-0000-0000-0000-0000000000c2"


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def vat(session):
    tax = ops.create_tax(session, ORG, {"name": "IVA", "rate": "21", "is_default": True})
    session.commit()
    return tax


def line(**extra):
    values = {"name": "Work", "quantity": "1", "rate": "100.00"}
    values.update(extra)
    return values


def invoice_data(*lines, **extra):
    data = {"customer_id": CUSTOMER, "date": "2026-11-01", "due_date": "2026-12-01",
            "currency": "EUR", "lines": list(lines) or [line()]}
    data.update(extra)
    return data


def sent_invoice(session, *lines, org=ORG, **extra):
    invoice = ops.create_invoice(session, org, invoice_data(*lines, **extra))
    ops.send_invoice(session, org, invoice.id)
    session.commit()
    return invoice


@pytest.fixture(scope="session")
def billing_pg_url():
    """A migrated PostgreSQL billing database of its own for these tests (not the one the
    interface tests' services use: its outbox rows would be relayed to their sinks)."""
    urls = create_databases(["billing"])
    yield urls["billing"]
    drop_databases(urls)


@pytest.fixture
def pg_session(billing_pg_url):
    """A session on that database, shared by the run's tests: each works in its own
    organization, ``pg_org``."""
    engine = create_engine(billing_pg_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def pg_org():
    return str(uuid.uuid4())
