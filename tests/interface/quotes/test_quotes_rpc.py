"""quotes.count_awaiting_approval over real RabbitMQ and PostgreSQL, called as the gateway
calls it; the rows are put in quotes's own (migrated) database through a session."""
from datetime import timedelta
from decimal import Decimal

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from portal_common.timeutil import utcnow
from quotes.models import Quote
from quotes.service import QuotesService

ORG, OTHER_ORG = "0b6f0d2e-0000-4000-8000-00000000000a", "0b6f0d2e-0000-4000-8000-00000000000b"
CUSTOMER, OTHER_CUSTOMER = ("0b6f0d2e-0000-4000-8000-0000000000c1",
                            "0b6f0d2e-0000-4000-8000-0000000000c2")


@pytest.fixture
def quotes(container_factory, service_config):
    container = container_factory(QuotesService, service_config)
    container.start()
    with ServiceRpcProxy("quotes", service_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def db(database_urls):
    engine = create_engine(database_urls["quotes"])
    with Session(engine) as session:
        yield session
        # Only this test's organizations: the database is shared with the other tests.
        session.query(Quote).filter(Quote.organization_id.in_([ORG, OTHER_ORG])).delete()
        session.commit()
    engine.dispose()


def test_the_customers_sent_and_viewed_quotes_not_expired_are_counted(quotes, db):
    today = utcnow().date()
    rows = [
        (ORG, CUSTOMER, "sent", today + timedelta(days=30)),
        (ORG, CUSTOMER, "viewed", None),
        (ORG, CUSTOMER, "viewed", today - timedelta(days=30)),      # expired
        (ORG, CUSTOMER, "draft", None),
        (ORG, CUSTOMER, "accepted", None),
        (ORG, CUSTOMER, "invoiced", None),
        (ORG, OTHER_CUSTOMER, "sent", None),                          # another customer's
        (OTHER_ORG, CUSTOMER, "sent", None),                          # another organization's
    ]
    for n, (org, customer, status, expiry) in enumerate(rows, start=1):
        db.add(Quote(organization_id=org, customer_id=customer, number=f"QT-{n:06d}",
                     status=status, date=today - timedelta(days=5), expiry_date=expiry,
                     currency="EUR", total=Decimal("250.000")))
    db.commit()

    assert quotes.count_awaiting_approval(ORG, CUSTOMER) == 2
    assert quotes.count_awaiting_approval(ORG, OTHER_CUSTOMER) == 1
    assert quotes.count_awaiting_approval(OTHER_ORG, OTHER_CUSTOMER) == 0
    assert quotes.health() == {"service": "quotes", "status": "ok"}
