"""Property, on PostgreSQL: over random histories of sent invoices, payments with
applications, credit notes and their application, paid retainers drawn on invoices, and
refunds, nothing goes negative and the statement adds up — on any range, in pages of any
size, and in the end to what the documents themselves say is owed."""
import uuid
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from billing import operations as ops, refunds
from billing.models import CreditNote, Invoice, Payment
from billing.statement import statement_page
from portal_common.errors import PortalError
from portal_common.money import decimals_for

from .conftest import CUSTOMER

CURRENCIES = ["EUR", "JPY"]
FIRST_DAY = date(2026, 1, 1)
amounts = st.integers(min_value=1, max_value=50_000)  # minor units
index = st.integers(min_value=0, max_value=20)
day = st.integers(min_value=0, max_value=40)

actions = st.one_of(
    st.tuples(st.just("invoice"), st.sampled_from(["invoice", "invoice", "retainer"]),
              st.sampled_from(CURRENCIES), amounts, day),
    st.tuples(st.just("pay"), st.sampled_from(CURRENCIES), st.integers(1, 100_000), day,
              st.lists(st.tuples(index, amounts), max_size=3)),
    st.tuples(st.just("credit_note"), st.sampled_from(CURRENCIES), amounts, day),
    st.tuples(st.just("apply_credit"), index, index, amounts),
    st.tuples(st.just("apply_payment_credit"), index, index, amounts),
    st.tuples(st.just("apply_retainer"), index, index, amounts),
    st.tuples(st.just("refund"), st.sampled_from(["credit_note", "payment", "retainer"]),
              index, amounts, day),
)


def money(units: int, currency: str) -> str:
    return str(Decimal(units).scaleb(-decimals_for(currency)))


def on(offset: int) -> str:
    return (FIRST_DAY + timedelta(days=offset)).isoformat()


def pick(items, i):
    return items[i % len(items)] if items else "none"


def ids(session, org, model):
    return session.scalars(select(model.id).where(model.organization_id == org)
                           .order_by(model.created_at, model.id)).all()


def currency_of(session, model, id_):
    row = session.get(model, id_)
    return row.currency if row is not None else "EUR"


def run(session, org, action):
    kind = action[0]
    invoices = ids(session, org, Invoice)
    if kind == "invoice":
        _, doc_kind, currency, units, offset = action
        created = ops.create_invoice(session, org, {
            "customer_id": CUSTOMER, "date": on(offset), "currency": currency, "kind": doc_kind,
            "lines": [{"name": "x", "quantity": "1", "rate": money(units, currency)}]})
        ops.send_invoice(session, org, created.id)
    elif kind == "pay":
        _, currency, units, offset, applications = action
        if applications and units % 5:  # mostly in the currency of the first invoice paid
            currency = currency_of(session, Invoice, pick(invoices, applications[0][0]))
        wanted = []
        for i, a in applications:  # mostly within the balance, sometimes beyond it
            invoice = session.get(Invoice, pick(invoices, i))
            if invoice is not None and a % 4:
                a = min(a, max(int(invoice.balance.scaleb(decimals_for(currency))), 1))
            wanted.append({"invoice_id": invoice.id if invoice else "none",
                           "amount": money(a, currency)})
        ops.record_payment(session, org, {
            "customer_id": CUSTOMER, "amount": money(units, currency), "currency": currency,
            "date": on(offset), "mode": "cash", "applications": wanted})
    elif kind == "credit_note":
        _, currency, units, offset = action
        ops.create_credit_note(session, org, {
            "customer_id": CUSTOMER, "date": on(offset), "currency": currency,
            "lines": [{"name": "x", "quantity": "1", "rate": money(units, currency)}]})
    elif kind in ("apply_credit", "apply_payment_credit", "apply_retainer"):
        _, source_i, invoice_i, units = action
        invoice_id = pick(invoices, invoice_i)
        data = {"invoice_id": invoice_id,
                "amount": money(units, currency_of(session, Invoice, invoice_id))}
        if kind == "apply_credit":
            data["credit_note_id"] = pick(ids(session, org, CreditNote), source_i)
            ops.apply_credit(session, org, CUSTOMER, data)
        elif kind == "apply_payment_credit":
            data["payment_id"] = pick(ids(session, org, Payment), source_i)
            ops.apply_credit(session, org, CUSTOMER, data)
        else:
            data["retainer_invoice_id"] = pick(invoices, source_i)
            ops.apply_retainer(session, org, CUSTOMER, data)
    elif kind == "refund":
        _, source, source_i, units, offset = action
        model = {"credit_note": CreditNote, "payment": Payment, "retainer": Invoice}[source]
        source_id = pick(ids(session, org, model), source_i)
        refunds.record_refund(session, org, CUSTOMER, {
            "source": source, "source_id": source_id, "date": on(offset), "mode": "cash",
            "amount": money(units, currency_of(session, model, source_id))})


def assert_nothing_negative(session, org):
    for column in (Invoice.balance, Invoice.retainer_available, CreditNote.remaining,
                   Payment.unapplied):
        model = column.class_
        assert session.scalar(select(func.count()).select_from(model).where(
            model.organization_id == org, column < 0)) == 0, column


def statement(session, org, currency, start, end, **query):
    return statement_page(session, org, CUSTOMER, {"start": start, "end": end,
                                                   "currency": currency, **query})


def owed_by_the_documents(session, org, currency) -> Decimal:
    """Σ open invoice balances − credit notes remaining − payments unapplied − retainers
    available: what the customer owes, read from the documents rather than the ledger."""
    def total(column, *where):
        model = column.class_
        return Decimal(str(session.scalar(select(func.coalesce(func.sum(column), 0)).where(
            model.organization_id == org, model.currency == currency, *where))))
    live = (Invoice.status.notin_(["draft", "void"]),)
    return (total(Invoice.balance, Invoice.kind == "invoice", *live)
            - total(CreditNote.remaining) - total(Payment.unapplied)
            - total(Invoice.retainer_available, Invoice.kind == "retainer", *live))


def assert_statement_adds_up(session, org, currency, start, end, limit):
    whole = statement(session, org, currency, start, end, limit=1000)
    figures = {k: Decimal(whole[k]) for k in ("opening_balance", "invoiced", "paid",
                                              "credited", "closing_balance")}
    assert (figures["opening_balance"] + figures["invoiced"] - figures["paid"]
            - figures["credited"]) == figures["closing_balance"]
    if whole["movements"]:
        assert whole["movements"][-1]["balance"] == whole["closing_balance"]
    else:
        assert whole["opening_balance"] == whole["closing_balance"]
    walked, cursor = [], None
    while True:
        page = statement(session, org, currency, start, end, limit=limit, cursor=cursor)
        assert page["closing_balance"] == whole["closing_balance"]
        walked += page["movements"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == whole["movements"]
    return whole


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(actions, min_size=1, max_size=25), data=st.data())
def test_statement_and_balances_add_up(pg_session, sequence, data):
    session, org = pg_session, str(uuid.uuid4())
    for action in sequence:
        try:
            run(session, org, action)
            session.commit()
        except PortalError:
            session.rollback()
        assert_nothing_negative(session, org)

    for currency in CURRENCIES:
        start = data.draw(st.integers(-5, 45), label="start")
        end = data.draw(st.integers(start, 50), label="end")
        limit = data.draw(st.integers(1, 5), label="limit")
        ranged = assert_statement_adds_up(session, org, currency, on(start), on(end), limit)
        before = statement(session, org, currency, "2000-01-01", on(start - 1))
        assert before["closing_balance"] == ranged["opening_balance"]
        all_time = assert_statement_adds_up(session, org, currency, "2000-01-01",
                                            "2100-12-31", limit)
        assert Decimal(all_time["closing_balance"]) == owed_by_the_documents(session, org,
                                                                             currency)
