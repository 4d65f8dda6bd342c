"""The portal home's "timesheets awaiting your approval": the customer's pending approvals,
nobody else's (timesheets's own tables, SQLite in memory)."""
import pytest
from sqlalchemy.exc import IntegrityError

from timesheets import approvals, operations as ops
from timesheets.models import APPROVAL_STATUSES, Approval

from .conftest import (ANA, CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, log, new_project,
                       new_task, submit)


def pending(session, org=ORG, customer=CUSTOMER, hours="1"):
    project = new_project(session, org=org, customer=customer)
    return submit(session, project, log(session, new_task(session, project, org=org),
                                        hours=hours, org=org), org=org)


def test_only_pending_approvals_count(session):
    assert APPROVAL_STATUSES == ("pending", "approved", "rejected")
    pending(session)
    pending(session)
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, pending(session).id,
                               {"contact_name": "Ana"})
    approvals.reject_approval(session, ORG, CUSTOMER, ANA, pending(session).id,
                              {"contact_name": "Ana", "reason": "Sobran horas"})
    session.commit()
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 2


def test_another_customers_and_another_organizations_approvals_do_not_count(session):
    pending(session)
    pending(session, customer=OTHER_CUSTOMER)
    pending(session, org=OTHER_ORG)
    pending(session, org=OTHER_ORG, customer=OTHER_CUSTOMER)
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, ORG, OTHER_CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, OTHER_ORG, CUSTOMER) == 1
    assert ops.count_awaiting_approval(session, ORG, "cus-unknown") == 0


def test_the_table_refuses_an_unknown_status(session):
    approval = pending(session)
    session.get(Approval, approval.id).status = "submitted"
    with pytest.raises(IntegrityError):
        session.flush()
