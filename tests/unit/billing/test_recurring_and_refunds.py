"""Recurring profiles, invoices made from them, refunds and credit note reads."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from billing import operations as ops, reads, recurring, refunds
from billing.exceptions import (AmountRefused, CreditNoteNotFound, InvalidDocument,
                                InvoiceNotFound, PaymentNotFound, RecurringProfileNotFound)
from billing.models import Outbox, Refund
from billing.schemas import InvoiceSchema, RecurringProfileSchema
from portal_common.errors import ValidationFailed

from .conftest import CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, invoice_data, line, sent_invoice


def profile_data(**extra):
    data = {"customer_id": CUSTOMER, "name": "Mantenimiento", "frequency": "monthly",
            "start_date": "2026-12-01", "currency": "EUR", "lines": [line(quantity="2")]}
    data.update(extra)
    return data


def events(session, event_type):
    return [r.payload for r in session.scalars(select(Outbox).where(
        Outbox.event_type == event_type))]


def test_recurring_profile_lifecycle_and_invoices_made_from_it(session, vat):
    profile = recurring.create_recurring_profile(session, ORG, profile_data(
        lines=[line(quantity="2", tax_id=vat.id)]))
    dumped = RecurringProfileSchema().dump(profile)
    assert (dumped["total"], dumped["status"], dumped["deleted_at"]) == ("242.00", "active",
                                                                          None)
    assert dumped["lines"][0]["tax_amount"] == "42.00"
    invoice = ops.create_invoice(session, ORG, invoice_data(
        recurring_profile_id=profile.id, payment_gateways=["stripe"],
        sales_order_number="SO-00012"))
    session.commit()
    assert InvoiceSchema().dump(invoice)["recurring_profile_deleted"] is False
    recurring.delete_recurring_profile(session, ORG, profile.id)
    recurring.delete_recurring_profile(session, ORG, profile.id)  # again: nothing new
    session.commit()
    session.expire_all()
    out = InvoiceSchema().dump(ops.get_invoice(session, ORG, invoice.id))
    assert (out["recurring_profile_id"], out["recurring_profile_deleted"]) == (profile.id, True)
    assert (out["payment_gateways"], out["sales_order_number"]) == (["stripe"], "SO-00012")
    assert len(events(session, "recurring_profile_deleted")) == 1
    assert len(events(session, "recurring_profile_created")) == 1
    # an update keeps the (now deleted) profile; a deleted or foreign one is not chosen
    ops.update_invoice(session, ORG, invoice.id, {"date": "2026-11-01", "lines": [line()]})
    assert invoice.recurring_profile_id == profile.id and invoice.payment_gateways == ["stripe"]
    with pytest.raises(InvalidDocument) as refused:
        ops.create_invoice(session, ORG, invoice_data(recurring_profile_id=profile.id))
    assert "recurring_profile_id" in refused.value.details
    foreign = recurring.create_recurring_profile(session, OTHER_ORG, profile_data())
    with pytest.raises(InvalidDocument):
        ops.create_invoice(session, ORG, invoice_data(recurring_profile_id=foreign.id))
    with pytest.raises(RecurringProfileNotFound):
        recurring.get_recurring_profile(session, ORG, foreign.id)
    assert [p.id for p in recurring.list_recurring_profiles(session, ORG)] == [profile.id]
    assert recurring.list_recurring_profiles(session, ORG, OTHER_CUSTOMER) == []


@pytest.mark.parametrize("bad, field", [
    ({"frequency": "daily"}, "frequency"), ({"end_date": "2026-11-30"}, "end_date"),
    ({"lines": []}, "lines"), ({"name": ""}, "name")])
def test_recurring_profile_refusals(session, bad, field):
    with pytest.raises(ValidationFailed) as refused:
        recurring.create_recurring_profile(session, ORG, profile_data(**bad))
    assert field in refused.value.details


def test_invoice_field_refusals(session):
    for bad, field in (({"payment_gateways": ["paypal"]}, "payment_gateways"),
                       ({"sales_order_number": "x" * 41}, "sales_order_number")):
        with pytest.raises(ValidationFailed) as refused:
            ops.create_invoice(session, ORG, invoice_data(**bad))
        assert field in refused.value.details


def _refund(session, source, source_id, amount, customer=CUSTOMER):
    return refunds.record_refund(session, ORG, customer, {
        "source": source, "source_id": source_id, "amount": amount, "date": "2026-11-20",
        "mode": "bank_transfer", "reference": "DEV-1"})


def test_refunds_draw_on_what_is_left_of_each_source(session):
    invoice = sent_invoice(session)
    note = ops.create_credit_note(session, ORG, {"customer_id": CUSTOMER, "date": "2026-11-05",
                                                 "currency": "EUR", "lines": [line(rate="30")]})
    payment = ops.record_payment(session, ORG, {
        "customer_id": CUSTOMER, "amount": "150.00", "currency": "EUR", "date": "2026-11-10",
        "mode": "cash", "applications": [{"invoice_id": invoice.id, "amount": "100.00"}]})
    retainer = sent_invoice(session, line(rate="80"), kind="retainer")
    ops.record_payment(session, ORG, {
        "customer_id": CUSTOMER, "amount": "80.00", "currency": "EUR", "date": "2026-11-10",
        "mode": "cash", "applications": [{"invoice_id": retainer.id, "amount": "80.00"}]})
    session.commit()

    first = _refund(session, "credit_note", note.id, "30.00")
    assert (first.number, note.remaining) == ("RFD-000001", Decimal("0.00"))
    _refund(session, "payment", payment.id, "20.00")
    _refund(session, "retainer", retainer.id, "80.00")
    session.commit()
    assert payment.unapplied == Decimal("30.00") and retainer.retainer_available == 0
    assert events(session, "refund_recorded")[1]["remaining"] == "30.00"
    for source, source_id, amount in (("credit_note", note.id, "0.01"),
                                      ("payment", payment.id, "30.01"),
                                      ("retainer", retainer.id, "0.01"),
                                      ("payment", payment.id, "0.001")):
        with pytest.raises(AmountRefused):
            _refund(session, source, source_id, amount)
    with pytest.raises(PaymentNotFound):
        _refund(session, "payment", payment.id, "1.00", customer=OTHER_CUSTOMER)
    with pytest.raises(CreditNoteNotFound):
        _refund(session, "credit_note", "nope", "1.00")
    with pytest.raises(InvoiceNotFound):  # an invoice is not a retainer
        _refund(session, "retainer", invoice.id, "1.00")
    with pytest.raises(ValidationFailed):
        _refund(session, "gift", payment.id, "1.00")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Refund)) == 3
    receipt = reads.receipt(session, ORG, payment.id)
    assert [(r["number"], r["amount"]) for r in receipt["refunds"]] == [("RFD-000002", "20.00")]

    page = reads.credit_note_page(session, ORG, {"customer_id": CUSTOMER})
    assert [n.number for n in page["items"]] == ["CN-000001"] and page["total"] == 1
    detail = reads.credit_note_detail(session, ORG, note.id, CUSTOMER)
    assert (detail["remaining"], detail["refunds"][0]["number"]) == ("0.00", "RFD-000001")
    with pytest.raises(CreditNoteNotFound):
        reads.credit_note_detail(session, ORG, note.id, OTHER_CUSTOMER)
