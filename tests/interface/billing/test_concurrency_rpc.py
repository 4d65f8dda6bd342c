"""Concurrent creates on PostgreSQL: numbers never collide, idempotency keys hold."""
import uuid

import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from billing.exceptions import IdempotencyKeyReused
from billing.service import BillingService

CUSTOMER = "30000000-0000-0000-0000-0000000000c1"


@pytest.fixture
def billing(container_factory, service_config):
    container_factory(BillingService, service_config).start()
    with ServiceRpcProxy("billing", service_config, timeout=20) as proxy:
        yield proxy


def invoice_data(rate="10.00"):
    return {"customer_id": CUSTOMER, "date": "2026-11-01", "currency": "EUR",
            "lines": [{"name": "Work", "quantity": "1", "rate": rate}]}


def concurrently(service_config, calls):
    """Run each (method, args) on its own connection at once; results or errors, in order."""
    def call(method, args):
        with ServiceRpcProxy("billing", service_config, timeout=20) as proxy:
            try:
                return getattr(proxy, method)(*args)
            except Exception as error:  # noqa: BLE001 - reported to the test
                return error
    threads = [eventlet.spawn(call, method, args) for method, args in calls]
    return [t.wait() for t in threads]


def test_concurrent_creates_take_distinct_numbers(billing, service_config):
    """With "highest number + 1" these collided on the unique number (500s); the counter
    row, locked FOR UPDATE, hands out one number after the other."""
    org = str(uuid.uuid4())
    calls = ([("create_invoice", (org, invoice_data()))] * 6
             + [("record_payment", (org, {"customer_id": CUSTOMER, "amount": "5.00",
                                          "currency": "EUR", "date": "2026-11-02",
                                          "mode": "cash"}))] * 6)
    results = concurrently(service_config, calls)
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["number"] for r in results[:6]) == [f"INV-{n:06d}" for n in range(1, 7)]
    assert sorted(r["number"] for r in results[6:]) == [f"PAY-{n:06d}" for n in range(1, 7)]
    assert billing.create_invoice(org, invoice_data())["number"] == "INV-000007"


def test_idempotency_key_gives_the_first_answer_and_refuses_other_data(billing,
                                                                       service_config):
    org = str(uuid.uuid4())
    results = concurrently(service_config,
                           [("create_invoice", (org, invoice_data(), "key-1"))] * 4)
    assert all(isinstance(r, dict) for r in results), results
    assert len({r["id"] for r in results}) == 1
    again = billing.create_invoice(org, invoice_data(), "key-1")
    assert again == results[0]
    assert billing.list_invoice_page(org)["total"] == 1
    with pytest.raises(IdempotencyKeyReused):
        billing.create_invoice(org, invoice_data("11.00"), "key-1")
    # the same key for another operation or organization is another key
    payment = billing.record_payment(org, {"customer_id": CUSTOMER, "amount": "5.00",
                                           "currency": "EUR", "date": "2026-11-02",
                                           "mode": "cash"}, "key-1")
    assert payment["number"] == "PAY-000001"
    assert billing.create_invoice(str(uuid.uuid4()), invoice_data(), "key-1")["number"] \
        == "INV-000001"
