"""Property: over random sequences of invoices, payments, credits and retainers, no balance
goes negative and outstanding = invoiced − paid − credited, in every currency."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from billing import operations as ops
from billing.models import (Base, CreditApplication, CreditNote, Invoice, Payment,
                            PaymentApplication)
from portal_common.errors import PortalError
from portal_common.money import decimals_for

from .conftest import CUSTOMER, ORG

CURRENCIES = ["EUR", "JPY"]
amounts = st.integers(min_value=1, max_value=50_000)  # in minor units
index = st.integers(min_value=0, max_value=20)

actions = st.one_of(
    st.tuples(st.just("invoice"), st.sampled_from(["invoice", "retainer"]),
              st.sampled_from(CURRENCIES), amounts, st.integers(1, 5), st.integers(0, 100),
              st.booleans()),
    st.tuples(st.just("pay"), st.sampled_from(CURRENCIES), st.integers(1, 200_000),
              st.lists(st.tuples(index, amounts), max_size=3)),
    st.tuples(st.just("credit_note"), st.sampled_from(CURRENCIES), amounts),
    st.tuples(st.just("apply_credit"), index, index, amounts),
    st.tuples(st.just("apply_payment_credit"), index, index, amounts),
    st.tuples(st.just("apply_retainer"), index, index, amounts),
    st.tuples(st.just("void"), index),
)


def money(units: int, currency: str) -> str:
    return str(Decimal(units).scaleb(-decimals_for(currency)))


def pick(items, i):
    return items[i % len(items)] if items else None


def run(session, action, state):
    kind = action[0]
    if kind == "invoice":
        _, doc_kind, currency, units, quantity, discount, send = action
        invoice = ops.create_invoice(session, ORG, {
            "customer_id": CUSTOMER, "date": "2026-11-01", "currency": currency,
            "kind": doc_kind, "lines": [{"name": "x", "quantity": str(quantity),
                                         "rate": money(units, currency),
                                         "discount": str(discount)}]})
        if send:
            ops.send_invoice(session, ORG, invoice.id)
        state["invoices"].append(invoice.id)
    elif kind == "pay":
        _, currency, units, applications = action
        wanted = []
        for i, a in applications:  # mostly within the invoice's balance, sometimes not
            invoice = session.get(Invoice, pick(state["invoices"], i) or "none")
            if invoice is not None and a % 5:
                whole = int(invoice.balance.scaleb(decimals_for(invoice.currency)))
                a = min(a, max(whole, 1))
            wanted.append({"invoice_id": invoice.id if invoice else "none",
                           "amount": money(a, currency)})
        ops.record_payment(session, ORG, {
            "customer_id": CUSTOMER, "amount": money(units, currency), "currency": currency,
            "date": "2026-11-02", "mode": "cash", "applications": wanted})
    elif kind == "credit_note":
        _, currency, units = action
        note = ops.create_credit_note(session, ORG, {
            "customer_id": CUSTOMER, "date": "2026-11-01", "currency": currency,
            "lines": [{"name": "x", "quantity": "1", "rate": money(units, currency)}]})
        state["notes"].append(note.id)
    elif kind in ("apply_credit", "apply_payment_credit", "apply_retainer"):
        _, source_i, invoice_i, units = action
        invoice_id = pick(state["invoices"], invoice_i)
        if invoice_id is None:
            return
        currency = session.get(Invoice, invoice_id).currency
        data = {"invoice_id": invoice_id, "amount": money(units, currency)}
        if kind == "apply_credit":
            data["credit_note_id"] = pick(state["notes"], source_i) or "none"
            ops.apply_credit(session, ORG, CUSTOMER, data)
        elif kind == "apply_payment_credit":
            payments = session.scalars(select(Payment.id).order_by(Payment.created_at)).all()
            data["payment_id"] = pick(payments, source_i) or "none"
            ops.apply_credit(session, ORG, CUSTOMER, data)
        else:
            data["retainer_invoice_id"] = pick(state["invoices"], source_i)
            ops.apply_retainer(session, ORG, CUSTOMER, data)
    elif kind == "void":
        invoice_id = pick(state["invoices"], action[1])
        if invoice_id:
            ops.void_invoice(session, ORG, invoice_id)


def check_invariants(session):
    for invoice in session.scalars(select(Invoice)):
        assert invoice.balance >= 0 and invoice.retainer_available >= 0
        assert invoice.balance <= invoice.total
    for note in session.scalars(select(CreditNote)):
        assert 0 <= note.remaining <= note.total
    for payment in session.scalars(select(Payment)):
        assert 0 <= payment.unapplied <= payment.amount
    for currency in CURRENCIES:
        live = (Invoice.currency == currency, Invoice.status.notin_(["draft", "void"]))
        outstanding = session.scalar(select(func.coalesce(func.sum(Invoice.balance), 0))
                                     .where(*live))
        invoiced = session.scalar(select(func.coalesce(func.sum(Invoice.total), 0)).where(*live))
        paid = session.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                              .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
                              .where(*live))
        credited = session.scalar(select(func.coalesce(func.sum(CreditApplication.amount), 0))
                                  .join(Invoice, Invoice.id == CreditApplication.invoice_id)
                                  .where(*live))
        assert Decimal(str(outstanding)) == (Decimal(str(invoiced)) - Decimal(str(paid))
                                             - Decimal(str(credited)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(actions, min_size=1, max_size=25))
def test_balances_never_negative_and_outstanding_adds_up(sequence):
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    state = {"invoices": [], "notes": []}
    with Session(engine, expire_on_commit=False) as session:
        for action in sequence:
            try:
                run(session, action, state)
                session.commit()
            except PortalError:
                session.rollback()
                state["invoices"] = session.scalars(select(Invoice.id)
                                                    .order_by(Invoice.created_at)).all()
                state["notes"] = session.scalars(select(CreditNote.id)
                                                 .order_by(CreditNote.created_at)).all()
            check_invariants(session)
    engine.dispose()
