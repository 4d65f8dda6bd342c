"""billing's rules on its own tables (SQLite in memory), without a broker."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from billing import operations as ops
from billing.exceptions import (AmountRefused, CreditNoteNotFound, DuplicateNumber,
                                InvalidDocument, InvoiceNotFound, InvoiceStateConflict,
                                PaymentNotFound)
from billing.models import Outbox
from billing.schemas import InvoiceSchema
from portal_common.errors import NotFound, ValidationFailed

from .conftest import (CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, invoice_data, line,
                       sent_invoice)


def events(session, event_type):
    return [r.payload for r in session.scalars(
        select(Outbox).where(Outbox.event_type == event_type).order_by(Outbox.occurred_at))]


def payment(session, amount, *applications, currency="EUR", customer=CUSTOMER, org=ORG):
    result = ops.record_payment(session, org, {
        "customer_id": customer, "amount": amount, "currency": currency, "date": "2026-11-10",
        "mode": "bank_transfer", "reference": "TR-1",
        "applications": [{"invoice_id": i.id, "amount": a} for i, a in applications]})
    session.commit()
    return result


def test_totals_with_discounts_and_taxes(session, vat):
    reduced = ops.create_tax(session, ORG, {"name": "IVA reducido", "rate": "10"})
    invoice = ops.create_invoice(session, ORG, invoice_data(
        line(quantity="3", rate="19.99", discount="10", tax_id=vat.id),
        line(quantity="2.5", rate="8", tax_id=reduced.id),
        line(quantity="1", rate="5")))
    # 53.973 -> 53.97 (+11.3337 -> 11.33); 20.00 (+2.00); 5.00 (no tax)
    dumped = InvoiceSchema().dump(invoice)
    assert dumped["subtotal"] == "78.97"
    assert dumped["tax_total"] == "13.33"
    assert dumped["total"] == dumped["balance"] == "92.30"
    assert dumped["number"] == "INV-000001" and dumped["status"] == "draft"
    assert [ln["amount"] for ln in dumped["lines"]] == ["53.97", "20.00", "5.00"]


def test_zero_decimal_currency_rounds_to_units(session, vat):
    invoice = ops.create_invoice(session, ORG, invoice_data(
        line(quantity="3", rate="333.5", tax_id=vat.id), currency="jpy"))
    dumped = InvoiceSchema().dump(invoice)
    assert dumped["currency"] == "JPY"
    assert dumped["subtotal"] == "1001" and dumped["tax_total"] == "210"
    assert dumped["total"] == "1211"
    with pytest.raises(AmountRefused):
        ops.send_invoice(session, ORG, invoice.id)
        payment(session, "10.50", (invoice, "10.50"), currency="JPY")


def test_numbers_are_generated_in_sequence_and_unique_per_organization(session):
    first = ops.create_invoice(session, ORG, invoice_data())
    ops.create_invoice(session, ORG, invoice_data(number="INV-000041"))
    third = ops.create_invoice(session, ORG, invoice_data())
    retainer = ops.create_invoice(session, ORG, invoice_data(kind="retainer"))
    other = ops.create_invoice(session, OTHER_ORG, invoice_data())
    assert (first.number, third.number) == ("INV-000001", "INV-000042")
    assert retainer.number == "RET-000001" and other.number == "INV-000001"
    with pytest.raises(DuplicateNumber):
        ops.create_invoice(session, ORG, invoice_data(number="INV-000041"))


@pytest.mark.parametrize("bad, field", [
    ({"quantity": "0"}, "quantity"), ({"quantity": "-1"}, "quantity"),
    ({"rate": "-0.01"}, "rate"), ({"discount": "101"}, "discount"),
    ({"discount": "-1"}, "discount")])
def test_line_refusals(session, bad, field):
    with pytest.raises(ValidationFailed) as refused:
        ops.create_invoice(session, ORG, invoice_data(line(**bad)))
    assert field in refused.value.details["lines"][0]


def test_unknown_tax_or_tax_of_another_organization_is_refused(session):
    foreign = ops.create_tax(session, OTHER_ORG, {"name": "VAT", "rate": "20"})
    for tax_id in ("no-such-tax", foreign.id):
        with pytest.raises(InvalidDocument) as refused:
            ops.create_invoice(session, ORG, invoice_data(line(tax_id=tax_id)))
        assert "tax_id" in refused.value.details["lines"][0]


def test_due_date_before_date_and_bad_currency_are_refused(session):
    with pytest.raises(ValidationFailed) as refused:
        ops.create_invoice(session, ORG, invoice_data(due_date="2026-10-31"))
    assert "due_date" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        ops.create_invoice(session, ORG, invoice_data(currency="EURO"))
    assert "currency" in refused.value.details


def test_one_default_tax_per_organization(session, vat):
    other = ops.create_tax(session, ORG, {"name": "IGIC", "rate": "7", "is_default": True})
    foreign = ops.create_tax(session, OTHER_ORG, {"name": "VAT", "rate": "20",
                                                  "is_default": True})
    assert ops.default_tax(session, ORG).id == other.id
    assert ops.default_tax(session, OTHER_ORG).id == foreign.id
    assert not vat.is_default


def test_only_a_draft_is_updated_and_sent(session):
    invoice = ops.create_invoice(session, ORG, invoice_data())
    ops.update_invoice(session, ORG, invoice.id, invoice_data(line(quantity="2")))
    assert invoice.total == Decimal("200.00") and invoice.number == "INV-000001"
    ops.send_invoice(session, ORG, invoice.id)
    assert events(session, "invoice_sent")[0]["total"] == "200.00"
    with pytest.raises(InvoiceStateConflict):
        ops.update_invoice(session, ORG, invoice.id, invoice_data())
    with pytest.raises(InvoiceStateConflict):
        ops.send_invoice(session, ORG, invoice.id)


def test_overdue_is_derived_from_due_date_and_balance(session):
    invoice = sent_invoice(session)
    assert ops.effective_status(invoice, date(2026, 12, 1)) == "sent"
    assert ops.effective_status(invoice, date(2026, 12, 2)) == "overdue"
    payment(session, "100.00", (invoice, "100.00"))
    assert ops.effective_status(invoice, date(2026, 12, 2)) == "paid"


def test_viewing_marks_first_view_once(session):
    invoice = sent_invoice(session)
    ops.mark_invoice_viewed(session, ORG, CUSTOMER, invoice.id)
    first = invoice.first_viewed_at
    ops.mark_invoice_viewed(session, ORG, CUSTOMER, invoice.id)
    assert invoice.status == "viewed" and invoice.first_viewed_at == first
    assert len(events(session, "invoice_viewed")) == 1
    with pytest.raises(InvoiceNotFound):
        ops.mark_invoice_viewed(session, ORG, OTHER_CUSTOMER, invoice.id)


def test_payment_applied_to_several_invoices_leaves_the_rest_as_credit(session):
    a, b = sent_invoice(session), sent_invoice(session, line(rate="50"))
    paid = payment(session, "200.00", (a, "100.00"), (b, "20.00"))
    assert (a.status, a.balance) == ("paid", Decimal("0.00"))
    assert (b.status, b.balance) == ("partially_paid", Decimal("30.00"))
    assert paid.unapplied == Decimal("80.00")
    event = events(session, "payment_recorded")[0]
    assert event["unapplied"] == "80.00" and len(event["applications"]) == 2
    figures = ops.dashboard_figures(session, ORG, CUSTOMER)
    assert figures["outstanding_invoices"] == "30.00"
    assert figures["available_credits"] == "80.00"
    assert figures["last_payment"] == {"amount": "200.00", "date": "2026-11-10"}
    # the unapplied part is credit that can settle the rest
    ops.apply_credit(session, ORG, CUSTOMER, {"payment_id": paid.id, "invoice_id": b.id,
                                              "amount": "30.00"})
    assert b.status == "paid" and paid.unapplied == Decimal("50.00")


def test_payment_refusals(session):
    invoice = sent_invoice(session)
    with pytest.raises(AmountRefused):  # beyond the invoice's balance
        payment(session, "150.00", (invoice, "100.01"))
    with pytest.raises(AmountRefused):  # applications beyond the amount paid
        payment(session, "50.00", (invoice, "60.00"))
    with pytest.raises(AmountRefused):  # across currencies
        payment(session, "100.00", (invoice, "100.00"), currency="USD")
    with pytest.raises(ValidationFailed):
        payment(session, "0")
    with pytest.raises(ValidationFailed):
        payment(session, "-5")
    session.rollback()
    draft = ops.create_invoice(session, ORG, invoice_data())
    with pytest.raises(InvoiceStateConflict):
        payment(session, "100.00", (draft, "10.00"))
    session.rollback()
    assert invoice.balance == Decimal("100.00")


def test_void_invoice_cannot_be_paid_nor_voided_once_paid(session):
    invoice = sent_invoice(session)
    ops.void_invoice(session, ORG, invoice.id)
    assert events(session, "invoice_voided")[0]["invoice_id"] == invoice.id
    with pytest.raises(InvoiceStateConflict):
        payment(session, "10.00", (invoice, "10.00"))
    session.rollback()
    paid = sent_invoice(session)
    payment(session, "10.00", (paid, "10.00"))
    with pytest.raises(InvoiceStateConflict):
        ops.void_invoice(session, ORG, paid.id)


def test_credit_note_applied_within_its_remaining_and_the_balance(session, vat):
    invoice = sent_invoice(session, line(tax_id=vat.id))  # 121.00
    note = ops.create_credit_note(session, ORG, {
        "customer_id": CUSTOMER, "date": "2026-11-05", "currency": "EUR",
        "lines": [line(rate="50", tax_id=vat.id)]})  # 60.50
    assert note.number == "CN-000001" and note.remaining == Decimal("60.50")
    with pytest.raises(AmountRefused):
        ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                                  "invoice_id": invoice.id, "amount": "60.51"})
    ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                              "invoice_id": invoice.id, "amount": "60.00"})
    assert invoice.balance == Decimal("61.00") and note.remaining == Decimal("0.50")
    assert events(session, "credit_applied")[0]["remaining"] == "0.50"
    small = sent_invoice(session, line(rate="0.20"))
    with pytest.raises(AmountRefused):  # beyond the invoice's balance
        ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                                  "invoice_id": small.id, "amount": "0.50"})
    usd = sent_invoice(session, currency="USD")
    with pytest.raises(AmountRefused):
        ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                                  "invoice_id": usd.id, "amount": "0.10"})
    draft = ops.create_invoice(session, ORG, invoice_data())
    with pytest.raises(InvoiceStateConflict):
        ops.apply_credit(session, ORG, CUSTOMER, {"credit_note_id": note.id,
                                                  "invoice_id": draft.id, "amount": "0.10"})


def test_retainer_payment_becomes_a_balance_applied_later(session):
    retainer = sent_invoice(session, line(rate="300"), kind="retainer")
    payment(session, "300.00", (retainer, "300.00"))
    assert retainer.status == "paid" and retainer.retainer_available == Decimal("300.00")
    figures = ops.dashboard_figures(session, ORG, CUSTOMER)
    assert figures["available_retainer_balance"] == "300.00"
    assert figures["outstanding_retainer_invoices"] == "0.00"
    invoice = sent_invoice(session, line(rate="120"))
    ops.apply_retainer(session, ORG, CUSTOMER, {"retainer_invoice_id": retainer.id,
                                                "invoice_id": invoice.id, "amount": "120.00"})
    assert invoice.status == "paid" and retainer.retainer_available == Decimal("180.00")
    assert events(session, "retainer_applied")[0]["remaining"] == "180.00"
    other = sent_invoice(session, line(rate="500"))
    with pytest.raises(AmountRefused):
        ops.apply_retainer(session, ORG, CUSTOMER, {"retainer_invoice_id": retainer.id,
                                                    "invoice_id": other.id, "amount": "180.01"})
    with pytest.raises(InvoiceStateConflict):  # no paying a retainer with a retainer
        ops.apply_retainer(session, ORG, CUSTOMER, {"retainer_invoice_id": retainer.id,
                                                    "invoice_id": retainer.id, "amount": "1"})


def test_tenancy_other_organization_or_customer_is_not_found(session):
    invoice = sent_invoice(session)
    note = ops.create_credit_note(session, ORG, {
        "customer_id": CUSTOMER, "date": "2026-11-05", "currency": "EUR", "lines": [line()]})
    paid = payment(session, "10.00")
    with pytest.raises(InvoiceNotFound):
        ops.get_invoice(session, OTHER_ORG, invoice.id)
    with pytest.raises(InvoiceNotFound):
        ops.get_invoice(session, ORG, invoice.id, OTHER_CUSTOMER)
    with pytest.raises(InvoiceNotFound):
        ops.send_invoice(session, OTHER_ORG, invoice.id)
    with pytest.raises(InvoiceNotFound):
        ops.void_invoice(session, OTHER_ORG, invoice.id)
    with pytest.raises(InvoiceNotFound):  # paying another customer's invoice
        payment(session, "10.00", (invoice, "10.00"), customer=OTHER_CUSTOMER)
    session.rollback()
    with pytest.raises(InvoiceNotFound):
        payment(session, "10.00", (invoice, "10.00"), org=OTHER_ORG)
    session.rollback()
    with pytest.raises(CreditNoteNotFound):
        ops.apply_credit(session, ORG, OTHER_CUSTOMER, {"credit_note_id": note.id,
                                                        "invoice_id": invoice.id, "amount": "1"})
    with pytest.raises(PaymentNotFound):
        ops.apply_credit(session, OTHER_ORG, CUSTOMER, {"payment_id": paid.id,
                                                        "invoice_id": invoice.id, "amount": "1"})
    assert issubclass(InvoiceNotFound, NotFound)
    assert ops.dashboard_figures(session, ORG, OTHER_CUSTOMER)["outstanding_invoices"] == "0.00"
    assert ops.list_invoices(session, OTHER_ORG) == []


def test_invoice_page_filters_and_pages(session):
    draft = ops.create_invoice(session, ORG, invoice_data(date="2026-11-03"))
    sent = sent_invoice(session)
    other = sent_invoice(session, customer_id=OTHER_CUSTOMER, kind="retainer")
    session.commit()
    page = ops.list_invoice_page(session, ORG, {"per_page": 2})
    assert (page["total"], page["page"], page["per_page"], page["pages"]) == (3, 1, 2, 2)
    assert page["items"][0] is draft
    assert ops.list_invoice_page(session, ORG, {"page": 2, "per_page": 2})["items"] \
        in ([sent], [other])
    assert ops.list_invoice_page(session, ORG, {"status": "draft"})["items"] == [draft]
    assert ops.list_invoice_page(session, ORG, {"kind": "retainer"})["items"] == [other]
    assert ops.list_invoice_page(session, ORG, {"customer_id": CUSTOMER,
                                                "kind": "invoice"})["total"] == 2
    assert ops.list_invoice_page(session, OTHER_ORG)["items"] == []
    assert ops.list_invoice_page(session, OTHER_ORG)["pages"] == 0
    with pytest.raises(ValidationFailed):
        ops.list_invoice_page(session, ORG, {"status": "lost"})
