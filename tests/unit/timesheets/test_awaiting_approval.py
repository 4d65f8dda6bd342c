"""The portal home's "timesheets awaiting your approval": the customer's approvals submitted
or viewed, nobody else's (timesheets's own table, SQLite in memory)."""
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal_common.timeutil import utcnow
from timesheets import operations as ops
from timesheets.models import APPROVAL_STATUSES, Approval, Base

ORG, OTHER_ORG = "org-a", "org-b"
CUSTOMER, OTHER_CUSTOMER = "cus-1", "cus-2"


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


def add(session, status, organization_id=ORG, customer_id=CUSTOMER):
    session.add(Approval(organization_id=organization_id, customer_id=customer_id,
                         project_name="Reforma local", status=status,
                         submitted_at=None if status == "draft" else utcnow()))
    session.flush()


def test_only_submitted_and_viewed_approvals_count(session):
    for status in APPROVAL_STATUSES:
        add(session, status)
    add(session, "submitted")
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 3


def test_another_customers_and_another_organizations_approvals_do_not_count(session):
    add(session, "submitted")
    add(session, "viewed", customer_id=OTHER_CUSTOMER)
    add(session, "submitted", organization_id=OTHER_ORG)
    add(session, "viewed", organization_id=OTHER_ORG, customer_id=OTHER_CUSTOMER)
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, ORG, OTHER_CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, OTHER_ORG, CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, ORG, "cus-unknown") == 0


def test_the_table_refuses_an_unknown_status(session):
    with pytest.raises(IntegrityError):
        add(session, "accepted")
