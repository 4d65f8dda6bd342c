"""Settling an attempt from what Stripe says, in whatever order it is said."""
from decimal import Decimal

from sqlalchemy import func, select

from billing import payments
from billing.models import Outbox, Payment, PaymentAttempt

from .conftest import CUSTOMER, ORG, line, sent_invoice


def attempt_for(session, *invoices, method="card", amounts=None):
    values = {"contact_id": "contact-1", "method": method, "save_method": False,
              "auto_charge": False}
    amounts = amounts or [i.balance for i in invoices]
    allocations = list(zip(invoices, amounts))
    attempt = payments._new_attempt(ORG, CUSTOMER, values, invoices[0].currency,
                                    sum(amounts, Decimal(0)), allocations, None, None)
    session.add(attempt)
    session.commit()
    return attempt


def intent(status, amount=12100, **extra):
    return {"id": "pi_1", "object": "payment_intent", "status": status, "amount": amount,
            "client_secret": "pi_1_secret_x", "metadata": {}, **extra}


def events(session, event_type):
    return [e.payload for e in session.scalars(select(Outbox).where(
        Outbox.event_type == event_type))]


def payments_count(session):
    return session.scalar(select(func.count()).select_from(Payment))


def test_a_success_settles_once_and_a_late_failure_changes_nothing(session, vat):
    invoice = sent_invoice(session, line(tax_id=vat.id))
    attempt = attempt_for(session, invoice)
    payments.apply_intent(session, attempt, intent("succeeded"))
    payments.apply_intent(session, attempt, intent("succeeded"))
    payments.apply_intent(session, attempt, intent(
        "requires_payment_method", last_payment_error={"code": "card_declined"}))
    payments.apply_intent(session, attempt, intent("processing"))
    session.commit()
    assert (attempt.status, payments_count(session)) == ("succeeded", 1)
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.000"))
    assert len(events(session, "payment_succeeded")) == 1
    assert events(session, "payment_failed") == events(session, "payment_pending") == []
    assert all(not ai.in_flight for ai in attempt.invoices)


def test_a_success_after_a_failure_still_records_the_money(session, vat):
    """The customer retried the same PaymentIntent with another card: it was charged."""
    invoice = sent_invoice(session, line(tax_id=vat.id))
    attempt = attempt_for(session, invoice)
    payments.apply_intent(session, attempt, intent(
        "requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds",
                            "message": "Your card has insufficient funds."}))
    assert (attempt.status, attempt.decline_code, attempt.cp_code) == (
        "failed", "insufficient_funds", None)
    payments.apply_intent(session, attempt, intent("succeeded"))
    session.commit()
    assert (attempt.status, payments_count(session)) == ("succeeded", 1)
    assert invoice.status == "paid"


def test_money_beyond_what_is_still_owed_becomes_credit(session, vat):
    """An offline payment arrived while the card payment was being confirmed."""
    from billing import operations as ops
    invoice = sent_invoice(session, line(tax_id=vat.id))
    attempt = attempt_for(session, invoice)
    ops.record_payment(session, ORG, {"customer_id": CUSTOMER, "amount": "21.00",
                                      "currency": "EUR", "date": "2026-11-02",
                                      "mode": "cash",
                                      "applications": [{"invoice_id": invoice.id,
                                                        "amount": "21.00"}]})
    session.commit()
    payments.apply_intent(session, attempt, intent("succeeded"))
    session.commit()
    payment = session.get(Payment, attempt.payment_id)
    assert (payment.amount, payment.unapplied) == (Decimal("121.00"), Decimal("21.00"))
    assert (invoice.balance, invoice.status) == (Decimal("0.000"), "paid")


def test_pending_then_succeeded_for_a_bank_payment(session, vat):
    invoice = sent_invoice(session, line(tax_id=vat.id))
    attempt = attempt_for(session, invoice, method="ach")
    payments.apply_intent(session, attempt, intent("processing"))
    payments.apply_intent(session, attempt, intent("processing"))
    assert attempt.status == "pending" and invoice.status == "sent"
    assert len(events(session, "payment_pending")) == 1
    assert attempt.invoices[0].in_flight
    payments.apply_intent(session, attempt, intent("succeeded"))
    session.commit()
    assert session.get(Payment, attempt.payment_id).mode == "ach"


def test_a_new_intent_waits_for_the_browser_without_failing(session, vat):
    invoice = sent_invoice(session, line(tax_id=vat.id))
    attempt = attempt_for(session, invoice)
    payments.apply_intent(session, attempt, intent("requires_payment_method"))
    assert (attempt.status, attempt.client_secret) == ("requires_confirmation",
                                                       "pi_1_secret_x")
    assert payments.attempt_view(attempt, None)["next_action"] == "confirm_card_payment"


def test_pay_all_applies_oldest_due_date_first_in_one_currency(session, vat):
    import pytest

    from billing.exceptions import AmountRefused, InvoiceStateConflict
    online = {"payment_gateways": ["stripe"]}
    later = sent_invoice(session, line(), due_date="2026-12-20", **online)
    oldest = sent_invoice(session, line(rate="50.00"), due_date="2026-11-05", **online)
    currency, amount, allocations = payments._allocation([later, oldest], None)
    assert (currency, amount) == ("EUR", Decimal("150.000"))
    assert [i.id for i, _ in allocations] == [oldest.id, later.id]
    dollars = sent_invoice(session, line(), currency="USD", **online)
    with pytest.raises(AmountRefused):
        payments._allocation([later, dollars], None)
    offline_only = sent_invoice(session, line())
    with pytest.raises(InvoiceStateConflict):  # it does not offer online payment
        payments._allocation([offline_only], None)


def test_every_attempt_has_its_own_idempotency_key(session, vat):
    first = attempt_for(session, sent_invoice(session, line()))
    second = attempt_for(session, sent_invoice(session, line()))
    assert first.idempotency_key == first.id
    assert len({first.idempotency_key, second.idempotency_key}) == 2
    assert session.scalar(select(func.count()).select_from(PaymentAttempt)) == 2
