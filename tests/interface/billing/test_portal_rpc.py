"""The portal's reads over RPC on PostgreSQL: what a customer can open and list."""
import uuid

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from billing.exceptions import InvoiceNotFound, PaymentNotFound
from billing.service import BillingService


@pytest.fixture
def billing(container_factory, service_config):
    container_factory(BillingService, service_config).start()
    with ServiceRpcProxy("billing", service_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def org():
    return str(uuid.uuid4())


CUSTOMER = "20000000-0000-0000-0000-0000000000c1"
OTHER_CUSTOMER = "20000000-0000-0000-0000-0000000000c2"


def invoice(billing, org, rate, send=True, **extra):
    data = {"customer_id": CUSTOMER, "date": "2026-11-01", "due_date": "2026-11-20",
            "currency": "EUR", "lines": [{"name": "Work", "quantity": "1", "rate": rate}]}
    data.update(extra)
    created = billing.create_invoice(org, data)
    return billing.send_invoice(org, created["id"]) if send else created


def test_portal_lists_and_opens_only_its_visible_invoices(billing, org):
    overdue = invoice(billing, org, "100.00")
    later = invoice(billing, org, "40.00", date="2026-11-05", due_date="2099-01-01")
    draft = invoice(billing, org, "5.00", send=False)
    void = billing.void_invoice(org, invoice(billing, org, "7.00")["id"])
    invoice(billing, org, "9.00", customer_id=OTHER_CUSTOMER)
    payment = billing.record_payment(org, {
        "customer_id": CUSTOMER, "amount": "60.00", "currency": "EUR", "date": "2026-11-10",
        "mode": "cash", "reference": "R-1",
        "applications": [{"invoice_id": later["id"], "amount": "40.00"},
                         {"invoice_id": overdue["id"], "amount": "10.00"}]})
    assert payment["number"] == "PAY-000001"

    page = billing.portal_invoice_page(org, CUSTOMER, {"sort": "total", "order": "asc"})
    assert (page["total"], page["pages"], page["per_page"]) == (2, 1, 20)
    assert [(i["number"], i["status"], i["balance"]) for i in page["items"]] == [
        (later["number"], "paid", "0.00"), (overdue["number"], "overdue", "90.00")]
    assert set(page["items"][0]) == {"id", "number", "kind", "date", "due_date", "currency",
                                     "status", "total", "balance", "retainer_available",
                                     "first_viewed_at"}
    assert [i["id"] for i in billing.portal_invoice_page(
        org, CUSTOMER, {"status": "unpaid"})["items"]] == [overdue["id"]]

    for hidden in (draft, void):
        with pytest.raises(InvoiceNotFound):
            billing.get_invoice(org, hidden["id"], CUSTOMER)
    assert billing.get_invoice(org, draft["id"])["status"] == "draft"  # staff see it

    viewed = billing.mark_invoice_viewed(org, CUSTOMER, overdue["id"])
    assert viewed["first_viewed_at"] is not None
    assert [(p["number"], p["amount"]) for p in viewed["payments"]] == [("PAY-000001",
                                                                          "10.00")]
    assert viewed["credits"] == [] and viewed["comments"] == [] and viewed["taxes"] == []

    payments = billing.portal_payment_page(org, CUSTOMER, {"kind": "invoice"})
    assert [(p["number"], p["unapplied"], p["applies_to"]) for p in payments["items"]] == [
        ("PAY-000001", "10.00", ["invoice"])]
    receipt = billing.get_payment(org, payment["id"], CUSTOMER)
    assert [(a["invoice_number"], a["invoice_total"], a["amount"])
            for a in receipt["applications"]] == [(overdue["number"], "100.00", "10.00"),
                                                  (later["number"], "40.00", "40.00")]
    with pytest.raises(PaymentNotFound):
        billing.get_payment(org, payment["id"], OTHER_CUSTOMER)
    assert billing.payment_page(org, {"customer_id": OTHER_CUSTOMER})["total"] == 0
    assert billing.list_invoice_page(org, {"sort": "number", "order": "asc"})["items"][0][
        "number"] == overdue["number"]
