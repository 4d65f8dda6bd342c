"""The customer statement, on PostgreSQL (its SQL is the one production runs)."""
import base64
import json
from decimal import Decimal

import pytest

from billing import operations as ops
from billing.exceptions import StatementRangeInvalid
from billing.statement import statement_page
from portal_common.errors import ValidationFailed

from .conftest import CUSTOMER, OTHER_CUSTOMER, line


def invoice(session, org, rate, date, kind="invoice", customer=CUSTOMER, currency="EUR"):
    created = ops.create_invoice(session, org, {
        "customer_id": customer, "date": date, "currency": currency, "kind": kind,
        "lines": [line(rate=rate)]})
    ops.send_invoice(session, org, created.id)
    session.commit()
    return created


def pay(session, org, amount, date, *applications):
    payment = ops.record_payment(session, org, {
        "customer_id": CUSTOMER, "amount": amount, "currency": "EUR", "date": date,
        "mode": "bank_transfer",
        "applications": [{"invoice_id": i.id, "amount": a} for i, a in applications]})
    session.commit()
    return payment


def statement(session, org, start, end, **query):
    return statement_page(session, org, CUSTOMER, {"start": start, "end": end,
                                                   "currency": "EUR", **query})


def test_statement_movements_balances_and_totals(pg_session, pg_org):
    s, org = pg_session, pg_org
    old = invoice(s, org, "70.00", "2026-09-15")             # before the range
    pay(s, org, "20.00", "2026-09-20", (old, "20.00"))
    a = invoice(s, org, "100.00", "2026-10-01")
    retainer = invoice(s, org, "300.00", "2026-10-01", kind="retainer")
    paid = pay(s, org, "300.00", "2026-10-02", (retainer, "300.00"))
    note = ops.create_credit_note(s, org, {"customer_id": CUSTOMER, "date": "2026-10-03",
                                           "currency": "EUR", "lines": [line(rate="30")]})
    draft = ops.create_invoice(s, org, {"customer_id": CUSTOMER, "date": "2026-10-04",
                                        "currency": "EUR", "lines": [line()]})
    void = invoice(s, org, "9.00", "2026-10-04")
    ops.void_invoice(s, org, void.id)
    invoice(s, org, "55.00", "2026-10-04", customer=OTHER_CUSTOMER)
    invoice(s, org, "55.00", "2026-10-04", currency="USD")
    invoice(s, org, "40.00", "2026-11-01")                   # after the range
    s.commit()
    ops.apply_retainer(s, org, CUSTOMER, {"retainer_invoice_id": retainer.id,
                                          "invoice_id": a.id, "amount": "10.00"})
    s.commit()
    today = ops.today().isoformat()

    page = statement(s, org, "2026-10-01", "2026-10-31")
    assert (page["opening_balance"], page["invoiced"], page["paid"], page["credited"],
            page["closing_balance"]) == ("50.00", "100.00", "300.00", "30.00", "-180.00")
    assert [(m["date"], m["type"], m["number"], m["effect"], m["balance"])
            for m in page["movements"]] == [
        ("2026-10-01", "invoice", a.number, "100.00", "150.00"),
        ("2026-10-01", "retainer_invoice", retainer.number, "0.00", "150.00"),
        ("2026-10-02", "payment", paid.number, "-300.00", "-150.00"),
        ("2026-10-03", "credit_note", note.number, "-30.00", "-180.00")]
    assert page["movements"][0]["description"] == f"Invoice {a.number} (due 2026-10-01)"
    assert page["next_cursor"] is None
    assert draft.number not in str(page) and void.number not in str(page)

    # the retainer drawn today is a movement of today, with no effect
    today_page = statement(s, org, today, today)
    assert [(m["type"], m["number"], m["amount"], m["effect"], m["description"])
            for m in today_page["movements"]] == [
        ("retainer_applied", a.number, "10.00", "0.00",
         f"Retainer {retainer.number} applied to {a.number}")]
    assert today_page["opening_balance"] == today_page["closing_balance"] == "-140.00"


def test_statement_pages_follow_the_cursor_with_the_running_balance(pg_session, pg_org):
    s, org = pg_session, pg_org
    for day in range(1, 8):
        invoice(s, org, f"{day}.00", f"2026-10-0{day}")
        pay(s, org, "1.00", f"2026-10-0{day}")
    whole = statement(s, org, "2026-10-01", "2026-10-31", limit=1000)
    pages, cursor = [], None
    while True:
        page = statement(s, org, "2026-10-01", "2026-10-31", limit=3, cursor=cursor)
        assert page["closing_balance"] == whole["closing_balance"] == "21.00"
        pages.append(page["movements"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 3, 3, 3, 2]
    assert sum(pages, []) == whole["movements"]
    assert whole["movements"][-1]["balance"] == whole["closing_balance"]


def test_statement_refusals(pg_session, pg_org):
    with pytest.raises(StatementRangeInvalid) as refused:
        statement(pg_session, pg_org, "2026-10-31", "2026-10-01")
    assert "end" in refused.value.details
    assert issubclass(StatementRangeInvalid, ValidationFailed)
    with pytest.raises(StatementRangeInvalid):
        statement(pg_session, pg_org, "2026-10-01", "2026-10-31", cursor="not-a-cursor")
    for bad in ({"limit": 0}, {"limit": 1001}, {"currency": "EURO"}):
        with pytest.raises(ValidationFailed):
            statement(pg_session, pg_org, "2026-10-01", "2026-10-31", **bad)


def test_a_changed_cursor_is_refused_not_believed(pg_session, pg_org):
    """The cursor goes through the browser: a customer must not rewrite its balance."""
    s, org = pg_session, pg_org
    for day in range(1, 5):
        invoice(s, org, "10.00", f"2026-10-0{day}")
    first = statement(s, org, "2026-10-01", "2026-10-31", limit=2)
    body, signature = first["next_cursor"].rsplit(".", 1)
    state = json.loads(base64.urlsafe_b64decode(body))
    assert Decimal(state["balance"]) == Decimal("20.00")
    state["balance"] = "-1000.00"
    forged = base64.urlsafe_b64encode(json.dumps(state).encode()).decode()
    for cursor in (f"{forged}.{signature}", forged, first["next_cursor"] + "0"):
        with pytest.raises(StatementRangeInvalid):
            statement(s, org, "2026-10-01", "2026-10-31", limit=2, cursor=cursor)
    second = statement(s, org, "2026-10-01", "2026-10-31", limit=2, cursor=first["next_cursor"])
    assert [m["balance"] for m in second["movements"]] == ["30.00", "40.00"]


LONG_HISTORY_SQL = """
INSERT INTO invoices (id, organization_id, customer_id, kind, number, date, due_date, currency,
                      status, allow_partial_payments, notes, subtotal, tax_total, total, balance,
                      retainer_available, payment_gateways)
SELECT gen_random_uuid()::text, :org, :customer, 'invoice', 'INV-' || n, d, d, 'EUR', 'sent',
       true, '', 10, 0, 10, 10, 0, '[]'
FROM generate_series(1, 20000) AS n, LATERAL (SELECT DATE '2000-01-01' + n / 4 AS d) AS x;
INSERT INTO payments (id, organization_id, customer_id, number, amount, unapplied, currency,
                      date, mode, reference)
SELECT gen_random_uuid()::text, :org, :customer, 'PAY-' || n, 5, 5, 'EUR',
       DATE '2000-01-01' + n / 4, 'cash', '' FROM generate_series(1, 20000) AS n;
INSERT INTO credit_notes (id, organization_id, customer_id, number, date, currency, subtotal,
                          tax_total, total, remaining)
SELECT gen_random_uuid()::text, :org, :customer, 'CN-' || n, DATE '2000-01-01' + n, 'EUR',
       1, 0, 1, 1 FROM generate_series(1, 5000) AS n;
INSERT INTO refunds (id, organization_id, customer_id, number, source, source_id, amount,
                     currency, date, mode, reference)
SELECT gen_random_uuid()::text, :org, :customer, 'RFD-' || n, 'payment', 'x', 1, 'EUR',
       DATE '2000-01-01' + n, 'cash', '' FROM generate_series(1, 5000) AS n;
INSERT INTO credit_applications (id, organization_id, customer_id, source,
                                 retainer_invoice_id, invoice_id, amount, date)
SELECT gen_random_uuid()::text, :org, :customer, 'retainer', i.id, i.id, 1, i.date
FROM invoices i WHERE i.organization_id = :org LIMIT 2000;
ANALYZE invoices; ANALYZE payments; ANALYZE credit_notes; ANALYZE refunds;
ANALYZE credit_applications;
"""


def test_a_statement_page_reads_each_table_by_index_with_a_limit(pg_session, pg_org):
    """~52k movements for one customer: each branch is an index scan under its LIMIT, and
    nothing sorts a whole table, on the first page as on one deep in the statement."""
    from datetime import date

    from sqlalchemy import text

    from billing.statement import Scope, movement_query

    conn = pg_session.connection()
    for statement_sql in LONG_HISTORY_SQL.split(";"):
        if statement_sql.strip():
            conn.execute(text(statement_sql), {"org": pg_org, "customer": CUSTOMER})
    pg_session.commit()
    scope = Scope(pg_org, CUSTOMER, "EUR", date(2000, 1, 1), date(2030, 12, 31))
    deep = {"date": "2010-01-01", "rank": 2, "id": "8"}
    for cursor in (None, deep):
        query = movement_query(scope, cursor, 201)
        compiled = query.compile(dialect=pg_session.get_bind().dialect,
                                 compile_kwargs={"literal_binds": True})
        plan = pg_session.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}")).scalar()
        scans = []

        def walk(node, under_limit):
            kind = node["Node Type"]
            if kind in ("Seq Scan", "Bitmap Heap Scan"):
                scans.append((kind, node.get("Relation Name")))
            if kind in ("Index Scan", "Index Only Scan") and \
                    node["Index Name"].endswith("_statement"):
                assert under_limit, f"{node['Index Name']} not under a LIMIT"
                assert node["Actual Rows"] <= 201 * node.get("Actual Loops", 1)
                assert node.get("Rows Removed by Filter", 0) <= 201, node["Index Name"]
                scans.append(("index", node["Index Name"]))
            for child in node.get("Plans", []):
                walk(child, under_limit or kind == "Limit")

        walk(plan[0]["Plan"], False)
        assert sorted(name for kind, name in scans if kind == "index") == [
            "ix_credit_applications_retainer_statement", "ix_credit_notes_statement",
            "ix_invoices_retainer_statement", "ix_invoices_statement", "ix_payments_statement",
            "ix_refunds_statement"], scans
        assert not [s for s in scans if s[0] != "index"], scans
        # the only sort is the final merge of at most 6 × 201 rows
        assert plan[0]["Plan"]["Plans"][0]["Node Type"] in ("Sort", "Incremental Sort", "Merge Append")
