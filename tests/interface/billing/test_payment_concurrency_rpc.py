"""Two billing processes, twenty simultaneous "pay" clicks for one invoice: one charge."""
import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from billing.exceptions import InvoiceStateConflict, PaymentInProgress
from billing.service import BillingService

from .payment_support import (CUSTOMER, PaymentEvents, events_of, intents_of, new_org,
                              save_card, sent_invoice)


@pytest.fixture
def two_billings(container_factory, service_config):
    PaymentEvents.received = []
    for _ in range(2):  # competing consumers of one queue, as two processes would be
        container_factory(BillingService, service_config).start()
    container_factory(PaymentEvents, service_config).start()
    with ServiceRpcProxy("billing", service_config, timeout=60) as proxy:
        yield proxy


def at_once(service_config, count, method, *args):
    def call():
        with ServiceRpcProxy("billing", service_config, timeout=60) as proxy:
            try:
                return getattr(proxy, method)(*args)
            except Exception as error:  # noqa: BLE001 - reported to the test
                return error
    threads = [eventlet.spawn(call) for _ in range(count)]
    return [t.wait() for t in threads]


def test_twenty_saved_card_payments_of_one_invoice_charge_once(two_billings, service_config,
                                                               localstripe):
    billing = two_billings
    org = new_org(billing, localstripe)
    card = save_card(billing, localstripe, org)
    invoice = sent_invoice(billing, org, "77.00")

    results = at_once(service_config, 20, "start_payment", org, CUSTOMER,
                      {"invoice_ids": [invoice["id"]], "method": "saved_card",
                       "payment_method_id": card["id"]})
    succeeded = [r for r in results if isinstance(r, dict)]
    assert [r["status"] for r in succeeded] == ["succeeded"], results
    others = [r for r in results if not isinstance(r, dict)]
    assert len(others) == 19
    assert all(isinstance(r, (PaymentInProgress, InvoiceStateConflict)) for r in others), \
        others
    assert len(intents_of(localstripe, org)) == 1
    assert billing.payment_page(org, {"customer_id": CUSTOMER})["total"] == 1
    detail = billing.get_invoice(org, invoice["id"])
    assert (detail["status"], detail["balance"], len(detail["payments"])) == ("paid", "0.00",
                                                                              1)
    assert len(events_of(org, "payment_succeeded")) == 1


def test_twenty_card_starts_of_one_invoice_make_one_attempt(two_billings, service_config,
                                                            localstripe):
    billing = two_billings
    org = new_org(billing, localstripe)
    invoice = sent_invoice(billing, org, "77.00")
    results = at_once(service_config, 20, "start_payment", org, CUSTOMER,
                      {"invoice_ids": [invoice["id"]], "method": "card"})
    started = [r for r in results if isinstance(r, dict)]
    assert [r["status"] for r in started] == ["requires_confirmation"], results
    assert all(isinstance(r, PaymentInProgress) for r in results if not isinstance(r, dict))
