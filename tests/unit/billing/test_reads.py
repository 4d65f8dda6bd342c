"""What the portal and staff read: invoice detail, portal pages, payments and receipts."""
from datetime import date

import pytest

from billing import operations as ops
from billing import reads
from billing.exceptions import InvoiceNotFound, PaymentNotFound
from portal_common.errors import ValidationFailed

from .conftest import CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, invoice_data, line, sent_invoice

TODAY = date(2026, 12, 15)


def pay(session, amount, *applications, date_="2026-11-10", customer=CUSTOMER):
    payment = ops.record_payment(session, ORG, {
        "customer_id": customer, "amount": amount, "currency": "EUR", "date": date_,
        "mode": "bank_transfer", "reference": "TR-1",
        "applications": [{"invoice_id": i.id, "amount": a} for i, a in applications]})
    session.commit()
    return payment


def test_invoice_detail_has_taxes_payments_and_credits(session, vat):
    reduced = ops.create_tax(session, ORG, {"name": "IVA reducido", "rate": "10"})
    invoice = sent_invoice(session, line(tax_id=vat.id), line(rate="50", tax_id=vat.id),
                           line(rate="20", tax_id=reduced.id))  # 170 + 31.50 + 2 = 203.50
    paid = pay(session, "150.00", (invoice, "100.00"))
    note = ops.create_credit_note(session, ORG, {"customer_id": CUSTOMER, "date": "2026-11-05",
                                                 "currency": "EUR", "lines": [line(rate="3")]})
    ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                              "invoice_id": invoice.id, "amount": "3.00"})
    ops.apply_credit(session, ORG, CUSTOMER, {"payment_id": paid.id, "invoice_id": invoice.id,
                                              "amount": "50.00"})
    retainer = sent_invoice(session, line(rate="40"), kind="retainer")
    pay(session, "40.00", (retainer, "40.00"))
    ops.apply_retainer(session, ORG, CUSTOMER, {"retainer_invoice_id": retainer.id,
                                                "invoice_id": invoice.id, "amount": "0.50"})
    session.commit()

    detail = reads.get_invoice_detail(session, ORG, invoice.id, CUSTOMER)
    assert (detail["total"], detail["balance"], detail["status"]) == ("203.50", "50.00",
                                                                     "partially_paid")
    assert detail["taxes"] == [
        {"tax_id": vat.id, "name": "IVA", "rate": "21", "amount": "31.50"},
        {"tax_id": reduced.id, "name": "IVA reducido", "rate": "10", "amount": "2.00"}]
    assert detail["payments"] == [{"payment_id": paid.id, "number": "PAY-000001",
                                   "date": "2026-11-10", "mode": "bank_transfer",
                                   "reference": "TR-1", "amount": "100.00"}]
    assert [(c["source"], c["source_id"], c["number"], c["amount"]) for c in detail["credits"]] \
        == [("credit_note", note.id, "CN-000001", "3.00"),
            ("payment", paid.id, "PAY-000001", "50.00"),
            ("retainer", retainer.id, "RET-000001", "0.50")]
    assert detail["comments"] == [] and len(detail["lines"]) == 3
    assert detail["payment_gateways"] == [] and detail["recurring_profile_deleted"] is False


def test_portal_never_sees_drafts_void_or_another_customers_invoices(session):
    draft = ops.create_invoice(session, ORG, invoice_data())
    void = sent_invoice(session)
    ops.void_invoice(session, ORG, void.id)
    theirs = sent_invoice(session, customer_id=OTHER_CUSTOMER)
    for invoice, customer in ((draft, CUSTOMER), (void, CUSTOMER), (theirs, CUSTOMER)):
        with pytest.raises(InvoiceNotFound):
            reads.get_invoice_detail(session, ORG, invoice.id, customer)
        with pytest.raises(InvoiceNotFound):
            ops.mark_invoice_viewed(session, ORG, customer, invoice.id)
    with pytest.raises(InvoiceNotFound):
        reads.get_invoice_detail(session, OTHER_ORG, theirs.id)
    # staff see drafts and void invoices
    assert reads.get_invoice_detail(session, ORG, draft.id)["status"] == "draft"
    assert reads.get_invoice_detail(session, ORG, void.id)["status"] == "void"
    assert ops.portal_invoice_page(session, ORG, CUSTOMER)["total"] == 0


def _portal_numbers(session, **query):
    page = ops.portal_invoice_page(session, ORG, CUSTOMER, query, today_=TODAY)
    return [i.number for i in page["items"]]


def test_portal_invoice_page_filters_sorts_and_pages_in_sql(session):
    a = sent_invoice(session, line(rate="10"), date="2026-11-01", due_date="2026-11-30")  # overdue
    b = sent_invoice(session, line(rate="30"), date="2026-12-01", due_date="2026-12-31")
    c = sent_invoice(session, line(rate="20"), date="2026-11-15", due_date="2026-12-31")
    r = sent_invoice(session, line(rate="5"), kind="retainer", date="2026-11-20",
                     due_date="2026-12-31")
    ops.create_invoice(session, ORG, invoice_data())  # a draft: never listed
    sent_invoice(session, customer_id=OTHER_CUSTOMER)
    pay(session, "30.00", (b, "10.00"), (c, "20.00"))
    assert _portal_numbers(session) == ["INV-000002", "RET-000001", "INV-000003", "INV-000001"]
    assert _portal_numbers(session, kind="retainer") == ["RET-000001"]
    assert _portal_numbers(session, status="unpaid") == ["INV-000002", "RET-000001",
                                                         "INV-000001"]
    assert _portal_numbers(session, status="overdue") == [a.number]
    assert _portal_numbers(session, status="partially_paid") == [b.number]
    assert _portal_numbers(session, status="paid") == [c.number]
    assert _portal_numbers(session, sort="total", order="asc") == [r.number, a.number, c.number,
                                                                   b.number]
    assert _portal_numbers(session, sort="number", order="asc")[0] == "INV-000001"
    assert _portal_numbers(session, sort="due_date", order="asc")[0] == a.number
    page = ops.portal_invoice_page(session, ORG, CUSTOMER, {"page": 2, "per_page": 3},
                                   today_=TODAY)
    assert (page["total"], page["pages"], [i.number for i in page["items"]]) == (
        4, 2, ["INV-000001"])
    for bad in ({"status": "draft"}, {"sort": "customer"}, {"order": "up"}, {"per_page": 101},
                {"page": 0}):
        with pytest.raises(ValidationFailed):
            ops.portal_invoice_page(session, ORG, CUSTOMER, bad)


def test_staff_invoice_page_sorts_and_filters_by_effective_status(session):
    a = sent_invoice(session, line(rate="10"), date="2026-11-01", due_date="2026-11-30")
    b = sent_invoice(session, line(rate="30"), date="2026-12-01", due_date="2026-12-31")
    page = ops.list_invoice_page(session, ORG, {"sort": "total", "order": "asc"}, today_=TODAY)
    assert page["items"] == [a, b]
    assert ops.list_invoice_page(session, ORG, {"status": "overdue"},
                                 today_=TODAY)["items"] == [a]
    assert ops.list_invoice_page(session, ORG, {"status": "sent"}, today_=TODAY)["items"] == [b]


def test_payments_are_numbered_listed_and_have_a_receipt(session):
    invoice = sent_invoice(session, line(rate="100"), date="2026-11-02")
    retainer = sent_invoice(session, line(rate="50"), kind="retainer")
    first = pay(session, "30.00", (invoice, "30.00"), date_="2026-11-03")
    second = pay(session, "90.00", (invoice, "20.00"), (retainer, "50.00"), date_="2026-11-04")
    third = pay(session, "5.00", date_="2026-11-05")
    pay(session, "7.00", customer=OTHER_CUSTOMER)
    assert [p.number for p in (first, second, third)] == ["PAY-000001", "PAY-000002",
                                                          "PAY-000003"]

    page = reads.payment_page(session, ORG, {}, customer_id=CUSTOMER)
    assert [p["number"] for p in page["items"]] == ["PAY-000003", "PAY-000002", "PAY-000001"]
    assert page["items"][1]["applies_to"] == ["invoice", "retainer"]
    assert page["items"][0]["applies_to"] == [] and page["items"][0]["unapplied"] == "5.00"
    assert [p["number"] for p in reads.payment_page(
        session, ORG, {"kind": "retainer"}, customer_id=CUSTOMER)["items"]] == ["PAY-000002"]
    assert [p["amount"] for p in reads.payment_page(
        session, ORG, {"sort": "amount", "order": "asc", "customer_id": CUSTOMER})["items"]] \
        == ["5.00", "30.00", "90.00"]
    assert reads.payment_page(session, ORG)["total"] == 4

    receipt = reads.receipt(session, ORG, second.id, CUSTOMER)
    assert (receipt["number"], receipt["amount"], receipt["unapplied"]) == (
        "PAY-000002", "90.00", "20.00")
    assert receipt["applications"] == [
        {"invoice_id": retainer.id, "invoice_number": "RET-000001", "invoice_kind": "retainer",
         "invoice_date": "2026-11-01", "invoice_total": "50.00", "amount": "50.00"},
        {"invoice_id": invoice.id, "invoice_number": "INV-000001", "invoice_kind": "invoice",
         "invoice_date": "2026-11-02", "invoice_total": "100.00", "amount": "20.00"}]
    assert receipt["refunds"] == []
    with pytest.raises(PaymentNotFound):
        reads.receipt(session, ORG, second.id, OTHER_CUSTOMER)
    with pytest.raises(PaymentNotFound):
        reads.receipt(session, OTHER_ORG, second.id)


def test_dashboard_figures_are_sql_aggregates_per_currency(session):
    late = sent_invoice(session, line(rate="10"), date="2026-11-01", due_date="2026-11-30")
    sent_invoice(session, line(rate="30"), date="2026-12-01", due_date="2026-12-31")
    retainer = sent_invoice(session, line(rate="50"), kind="retainer", date="2026-11-01")
    sent_invoice(session, line(rate="99"), currency="USD", date="2026-11-01")
    ops.create_invoice(session, ORG, invoice_data(line(rate="1000")))  # draft: not owed
    pay(session, "25.00", (retainer, "20.00"), (late, "2.00"), date_="2026-12-02")
    figures = ops.dashboard_figures(session, ORG, CUSTOMER, "eur", today_=TODAY)
    assert figures == {"currency": "EUR", "outstanding_invoices": "38.00",
                       "overdue_invoices": "8.00", "available_credits": "3.00",
                       "outstanding_retainer_invoices": "30.00",
                       "available_retainer_balance": "20.00",
                       "last_payment": {"amount": "25.00", "date": "2026-12-02"}}
    usd = ops.dashboard_figures(session, ORG, CUSTOMER, "USD", today_=TODAY)
    assert (usd["outstanding_invoices"], usd["last_payment"]) == ("99.00", None)
    assert ops.dashboard_figures(session, ORG, CUSTOMER)["currency"] == "EUR"  # latest
