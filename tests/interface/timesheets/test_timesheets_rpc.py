"""timesheets.count_awaiting_approval over real RabbitMQ and PostgreSQL, called as the
gateway calls it; the rows are put in timesheets's own (migrated) database through a
session."""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from portal_common.timeutil import utcnow
from timesheets.models import Approval
from timesheets.service import TimesheetsService

ORG, OTHER_ORG = "7c1e5a90-0000-4000-8000-00000000000a", "7c1e5a90-0000-4000-8000-00000000000b"
CUSTOMER, OTHER_CUSTOMER = ("7c1e5a90-0000-4000-8000-0000000000c1",
                            "7c1e5a90-0000-4000-8000-0000000000c2")


@pytest.fixture
def timesheets(container_factory, service_config):
    container = container_factory(TimesheetsService, service_config)
    container.start()
    with ServiceRpcProxy("timesheets", service_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def db(database_urls):
    engine = create_engine(database_urls["timesheets"])
    with Session(engine) as session:
        yield session
        session.query(Approval).delete()
        session.commit()
    engine.dispose()


def test_the_customers_submitted_and_viewed_approvals_are_counted(timesheets, db):
    rows = [
        (ORG, CUSTOMER, "submitted"),
        (ORG, CUSTOMER, "viewed"),
        (ORG, CUSTOMER, "submitted"),
        (ORG, CUSTOMER, "draft"),
        (ORG, CUSTOMER, "approved"),
        (ORG, CUSTOMER, "rejected"),
        (ORG, OTHER_CUSTOMER, "submitted"),                 # another customer's
        (OTHER_ORG, CUSTOMER, "viewed"),                    # another organization's
    ]
    for org, customer, status in rows:
        db.add(Approval(organization_id=org, customer_id=customer, project_name="Reforma",
                        status=status, submitted_at=None if status == "draft" else utcnow()))
    db.commit()

    assert timesheets.count_awaiting_approval(ORG, CUSTOMER) == 3
    assert timesheets.count_awaiting_approval(ORG, OTHER_CUSTOMER) == 1
    assert timesheets.count_awaiting_approval(OTHER_ORG, OTHER_CUSTOMER) == 0
    assert timesheets.health() == {"service": "timesheets", "status": "ok"}
