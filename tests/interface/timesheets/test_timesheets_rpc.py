"""timesheets over real RabbitMQ and PostgreSQL, called as the gateway calls it: the
portal home's count of pending approvals, and a staff submit / customer decision round."""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from timesheets.exceptions import ApprovalAlreadyDecided, ApprovalNotFound
from timesheets.service import TimesheetsService

ORG, OTHER_ORG = "7c1e5a90-0000-4000-8000-00000000000a", "7c1e5a90-0000-4000-8000-00000000000b"
CUSTOMER, OTHER_CUSTOMER = ("7c1e5a90-0000-4000-8000-0000000000c1",
                            "7c1e5a90-0000-4000-8000-0000000000c2")
ANA = "7c1e5a90-0000-4000-8000-0000000000a1"


@pytest.fixture
def timesheets(container_factory, service_config):
    container = container_factory(TimesheetsService, service_config)
    container.start()
    with ServiceRpcProxy("timesheets", service_config, timeout=10) as proxy:
        yield proxy


def pending(timesheets, org, customer, hours="1"):
    project = timesheets.create_project(org, {"customer_id": customer, "name": "Reforma"})
    task = timesheets.create_task(org, project["id"], {"name": "Obra", "billable": True})
    entry = timesheets.create_time_entry(org, {"project_id": project["id"],
                                               "task_id": task["id"], "date": "2026-11-02",
                                               "hours": hours, "notes": "Obra"})
    return timesheets.submit_approval(org, {"project_id": project["id"],
                                            "time_entry_ids": [entry["id"]]})


def test_the_customers_pending_approvals_are_counted(timesheets):
    first = pending(timesheets, ORG, CUSTOMER)
    pending(timesheets, ORG, CUSTOMER)
    approved = pending(timesheets, ORG, CUSTOMER)
    timesheets.approve_approval(ORG, CUSTOMER, ANA, approved["id"], {"contact_name": "Ana"})
    rejected = pending(timesheets, ORG, CUSTOMER)
    timesheets.reject_approval(ORG, CUSTOMER, ANA, rejected["id"],
                               {"contact_name": "Ana", "reason": "No"})
    pending(timesheets, ORG, OTHER_CUSTOMER)                    # another customer's
    pending(timesheets, OTHER_ORG, CUSTOMER)                    # another organization's

    assert timesheets.count_awaiting_approval(ORG, CUSTOMER) == 2
    assert timesheets.count_awaiting_approval(ORG, OTHER_CUSTOMER) == 1
    assert timesheets.count_awaiting_approval(OTHER_ORG, OTHER_CUSTOMER) == 0
    assert timesheets.health() == {"service": "timesheets", "status": "ok"}

    with pytest.raises(ApprovalNotFound):
        timesheets.approve_approval(ORG, OTHER_CUSTOMER, ANA, first["id"], {"contact_name": "X"})
    with pytest.raises(ApprovalAlreadyDecided) as refused:
        timesheets.reject_approval(ORG, CUSTOMER, ANA, approved["id"],
                                   {"contact_name": "Ana", "reason": "No"})
    assert refused.value.args[1]["status"] == "approved"
