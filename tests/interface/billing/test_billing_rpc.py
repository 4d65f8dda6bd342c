"""billing against real RabbitMQ and PostgreSQL, called as the gateway calls it."""
import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from billing.exceptions import AmountRefused, InvoiceNotFound, InvoiceStateConflict
from billing.service import BillingService

ORG = "10000000-0000-0000-0000-00000000000a"
OTHER_ORG = "10000000-0000-0000-0000-00000000000b"
CUSTOMER = "10000000-0000-0000-0000-0000000000c1"


class EventSink:
    """Stands in for the other bounded contexts: records billing's events."""

    name = "billing_sink"
    received = []

    @event_handler("billing", "invoice_sent")
    def on_sent(self, envelope):
        self.received.append(envelope)

    @event_handler("billing", "payment_recorded")
    def on_payment(self, envelope):
        self.received.append(envelope)


@pytest.fixture
def billing(container_factory, service_config):
    EventSink.received = []
    container = container_factory(BillingService, service_config)
    container.start()
    sink = container_factory(EventSink, service_config)
    sink.start()
    with ServiceRpcProxy("billing", service_config, timeout=10) as proxy:
        yield proxy


def wait_for(predicate):
    import eventlet
    for _ in range(100):
        if predicate():
            return
        eventlet.sleep(0.1)
    raise AssertionError("event not received")


def test_invoice_to_payment_and_dashboard(billing):
    assert billing.health() == {"service": "billing", "status": "ok"}
    tax = billing.create_tax(ORG, {"name": "IVA", "rate": "21", "is_default": True})
    invoice = billing.create_invoice(ORG, {
        "customer_id": CUSTOMER, "date": "2026-11-01", "due_date": "2099-12-01",
        "currency": "EUR",
        "lines": [{"name": "Work", "quantity": "3", "rate": "19.99", "discount": "10",
                   "tax_id": tax["id"]}]})
    assert (invoice["number"], invoice["status"], invoice["total"]) == ("INV-000001", "draft",
                                                                      "65.30")
    sent = billing.send_invoice(ORG, invoice["id"])
    assert sent["status"] == "sent"

    with pytest.raises(InvoiceNotFound):  # tenancy is the service's own
        billing.get_invoice(OTHER_ORG, invoice["id"])
    with pytest.raises(InvoiceStateConflict):
        billing.update_invoice(ORG, invoice["id"], {"lines": [{"name": "x", "quantity": "1",
                                                               "rate": "1"}]})
    with pytest.raises(AmountRefused):
        billing.record_payment(ORG, {"customer_id": CUSTOMER, "amount": "100.00",
                                     "currency": "EUR", "date": "2026-11-10", "mode": "cash",
                                     "applications": [{"invoice_id": invoice["id"],
                                                       "amount": "65.31"}]})

    payment = billing.record_payment(ORG, {
        "customer_id": CUSTOMER, "amount": "100.00", "currency": "EUR", "date": "2026-11-10",
        "mode": "bank_transfer", "reference": "TR-7",
        "applications": [{"invoice_id": invoice["id"], "amount": "40.00"}]})
    assert (payment["amount"], payment["unapplied"]) == ("100.00", "60.00")
    application = billing.apply_credit(ORG, CUSTOMER, {"payment_id": payment["id"],
                                                       "invoice_id": invoice["id"],
                                                       "amount": "25.30"})
    assert application["amount"] == "25.30"
    assert billing.get_invoice(ORG, invoice["id"], CUSTOMER)["status"] == "paid"
    assert billing.dashboard_figures(ORG, CUSTOMER) == {
        "currency": "EUR", "outstanding_invoices": "0.00", "overdue_invoices": "0.00",
        "available_credits": "34.70", "outstanding_retainer_invoices": "0.00",
        "available_retainer_balance": "0.00",
        "last_payment": {"amount": "100.00", "date": "2026-11-10"}}

    # the relay publishes the events after the commit
    wait_for(lambda: {e["event_type"] for e in EventSink.received}
             >= {"invoice_sent", "payment_recorded"})
    recorded = [e for e in EventSink.received if e["event_type"] == "payment_recorded"][0]
    assert recorded["organization_id"] == ORG
    assert recorded["payload"]["applications"][0]["invoice_balance"] == "25.30"


def test_concurrent_payments_never_overpay_an_invoice(billing, service_config):
    import eventlet
    invoice = billing.create_invoice(ORG, {
        "customer_id": CUSTOMER, "date": "2026-11-01", "currency": "JPY",
        "lines": [{"name": "Work", "quantity": "1", "rate": "5000"}]})
    billing.send_invoice(ORG, invoice["id"])

    def pay():
        with ServiceRpcProxy("billing", service_config, timeout=10) as proxy:
            try:
                return proxy.record_payment(ORG, {
                    "customer_id": CUSTOMER, "amount": "5000", "currency": "JPY",
                    "date": "2026-11-10", "mode": "cash",
                    "applications": [{"invoice_id": invoice["id"], "amount": "5000"}]})
            except AmountRefused as refused:
                return refused

    results = [t.wait() for t in [eventlet.spawn(pay) for _ in range(4)]]
    assert sum(isinstance(r, dict) for r in results) == 1
    assert sum(isinstance(r, AmountRefused) for r in results) == 3
    assert billing.get_invoice(ORG, invoice["id"])["balance"] == "0"
