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
                                     "first_viewed_at", "allow_partial_payments",
                                     "payment_gateways"}
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


def test_comments_refunds_profiles_and_statement_over_rpc(billing, org):
    from billing.exceptions import StatementRangeInvalid

    profile = billing.create_recurring_profile(org, {
        "customer_id": CUSTOMER, "name": "Hosting", "frequency": "yearly",
        "start_date": "2026-01-01", "currency": "EUR",
        "lines": [{"name": "Hosting", "quantity": "1", "rate": "120.00"}]}, "p-1")
    assert (profile["total"], profile["status"]) == ("120.00", "active")
    sent = invoice(billing, org, "120.00", recurring_profile_id=profile["id"],
                   payment_gateways=["stripe"])
    assert billing.delete_recurring_profile(org, profile["id"])["status"] == "deleted"
    assert billing.get_invoice(org, sent["id"])["recurring_profile_deleted"] is True
    assert billing.list_recurring_profiles(org, CUSTOMER)[0]["deleted_at"] is not None

    comment = billing.add_invoice_comment(org, sent["id"], {"body": "Gracias",
                                                            "author_name": "Ana"}, CUSTOMER)
    assert (comment["author_type"], comment["show_in_portal"]) == ("customer", True)
    billing.add_invoice_comment(org, sent["id"], {"body": "internal"})
    assert [c["body"] for c in billing.list_invoice_comments(org, sent["id"], CUSTOMER)] \
        == ["Gracias"]
    assert len(billing.get_invoice(org, sent["id"])["comments"]) == 2

    payment = billing.record_payment(org, {
        "customer_id": CUSTOMER, "amount": "150.00", "currency": "EUR", "date": "2026-11-10",
        "mode": "cash", "applications": [{"invoice_id": sent["id"], "amount": "120.00"}]})
    refund = billing.record_refund(org, CUSTOMER, {
        "source": "payment", "source_id": payment["id"], "amount": "30.00",
        "date": "2026-11-11", "mode": "cash"}, "r-1")
    assert billing.record_refund(org, CUSTOMER, {
        "source": "payment", "source_id": payment["id"], "amount": "30.00",
        "date": "2026-11-11", "mode": "cash"}, "r-1") == refund  # replayed, not refunded twice
    assert billing.get_payment(org, payment["id"])["unapplied"] == "0.00"

    page = billing.statement_page(org, CUSTOMER, {"start": "2026-11-01", "end": "2026-11-30",
                                                  "currency": "EUR", "limit": 2})
    assert (page["opening_balance"], page["invoiced"], page["paid"], page["closing_balance"]) \
        == ("0.00", "120.00", "120.00", "0.00")
    rest = billing.statement_page(org, CUSTOMER, {"start": "2026-11-01", "end": "2026-11-30",
                                                  "currency": "EUR",
                                                  "cursor": page["next_cursor"]})
    assert [m["type"] for m in page["movements"] + rest["movements"]] == [
        "invoice", "payment", "refund"]
    assert rest["movements"][-1]["balance"] == "0.00" and rest["next_cursor"] is None
    with pytest.raises(StatementRangeInvalid):
        billing.statement_page(org, CUSTOMER, {"start": "2026-11-30", "end": "2026-11-01",
                                               "currency": "EUR"})


def test_refused_commands_leave_nothing_behind(billing, org):
    from billing.exceptions import AmountRefused, InvoiceStateConflict

    void = billing.void_invoice(org, invoice(billing, org, "10.00")["id"])
    open_ = invoice(billing, org, "10.00")
    payment = {"customer_id": CUSTOMER, "amount": "20.00", "currency": "EUR",
               "date": "2026-11-10", "mode": "cash"}
    refusals = [
        (InvoiceStateConflict, [{"invoice_id": open_["id"], "amount": "5.00"},
                                {"invoice_id": void["id"], "amount": "5.00"}]),
        (AmountRefused, [{"invoice_id": open_["id"], "amount": "10.01"}]),
    ]
    for error, applications in refusals:
        with pytest.raises(error) as refused:
            billing.record_payment(org, {**payment, "applications": applications})
        assert refused.value.args[1]  # details say what was wrong
    assert billing.payment_page(org)["total"] == 0
    assert billing.get_invoice(org, open_["id"])["balance"] == "10.00"
    assert billing.record_payment(org, payment)["number"] == "PAY-000001"
