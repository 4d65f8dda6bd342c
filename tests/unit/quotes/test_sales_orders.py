"""Sales orders: numbered, from a quote of the same customer or not; open → confirmed →
fulfilled with billing's invoice of the same customer; closed; the customer's first view;
pages; tenancy (SQLite in memory)."""
import pytest

from portal_common.errors import ValidationFailed
from quotes import sales_orders as ops
from quotes.exceptions import (DuplicateNumber, InvalidSalesOrder, SalesOrderNotFound,
                               SalesOrderStateConflict)
from quotes.schemas import SalesOrderSchema

from .conftest import (CONTACT, CUSTOMER, ORG, OTHER_CONTACT, OTHER_CUSTOMER, OTHER_ORG,
                       events, line, sent_quote, taxes)

dump = SalesOrderSchema().dump


def order_data(*lines, **extra):
    data = {"customer_id": CUSTOMER, "currency": "EUR", "date": "2026-11-20",
            "expected_shipment_date": "2026-12-01", "lines": list(lines) or [line()]}
    data.update(extra)
    return data


def new_order(session, *lines, org=ORG, **extra):
    order = ops.create_sales_order(session, org, order_data(*lines, **extra), taxes)
    session.commit()
    return order


def invoice(customer_id=CUSTOMER, **extra):
    """billing.get_invoice's answer (the fields fulfilling reads)."""
    return {"id": "inv-1", "number": "INV-000042", "customer_id": customer_id,
            "status": "sent", "total": "121.00", "currency": "EUR", **extra}


def test_a_new_sales_order_is_open_numbered_with_lines_and_totals(session):
    order = new_order(session, line(quantity="2", rate="50", tax_id="tax-vat"),
                      reference="PO-1", notes="Ship fast")
    body = dump(order)
    assert body["number"] == "SO-00001" and body["status"] == "open"
    assert (body["subtotal"], body["tax_total"], body["total"]) == ("100.00", "21.00",
                                                                    "121.00")
    assert body["lines"][0]["tax_name"] == "IVA" and body["lines"][0]["quantity"] == "2"
    assert body["expected_shipment_date"] == "2026-12-01" and body["quote_id"] is None
    assert body["reference"] == "PO-1" and body["first_viewed_at"] is None
    assert new_order(session).number == "SO-00002"
    assert new_order(session, org=OTHER_ORG).number == "SO-00001"
    with pytest.raises(DuplicateNumber):
        ops.create_sales_order(session, ORG, order_data(number="SO-00002"), taxes)


def test_a_sales_order_may_come_from_a_quote_of_the_same_customer_only(session):
    quote = sent_quote(session)
    assert new_order(session, quote_id=quote.id).quote_id == quote.id
    theirs = sent_quote(session, customer_id=OTHER_CUSTOMER)
    elsewhere = sent_quote(session, org=OTHER_ORG)
    for quote_id in (theirs.id, elsewhere.id, "no-such-quote"):
        with pytest.raises(InvalidSalesOrder) as refused:
            ops.create_sales_order(session, ORG, order_data(quote_id=quote_id), taxes)
        assert "quote_id" in refused.value.details


@pytest.mark.parametrize("changes, field", [
    ({"lines": []}, "lines"), ({"lines": [line(tax_id="unknown")]}, "lines"),
    ({"expected_shipment_date": "2026-11-01"}, "expected_shipment_date"),
    ({"currency": "E"}, "currency"), ({"customer_id": None}, "customer_id")])
def test_bad_sales_orders_are_refused(session, changes, field):
    with pytest.raises(InvalidSalesOrder) as refused:
        ops.create_sales_order(session, ORG, order_data(**changes), taxes)
    assert field in refused.value.details


def test_an_order_is_confirmed_then_fulfilled_with_the_customers_invoice(session):
    order = new_order(session)
    ops.confirm_sales_order(session, ORG, order.id)
    assert order.status == "confirmed" and order.confirmed_at is not None
    asked = []

    def get_invoice(org, invoice_id):
        asked.append((org, invoice_id))
        return invoice()

    ops.fulfil_sales_order(session, ORG, order.id, {"invoice_id": "inv-1"}, get_invoice)
    session.commit()
    assert asked == [(ORG, "inv-1")]
    body = dump(order)
    assert (body["status"], body["invoice_id"], body["invoice_number"]) == \
        ("fulfilled", "inv-1", "INV-000042")
    assert body["fulfilled_at"] is not None
    ops.close_sales_order(session, ORG, order.id)
    assert order.status == "closed" and order.closed_at is not None


def test_another_customers_invoice_cannot_fulfil_an_order(session):
    order = new_order(session)
    ops.confirm_sales_order(session, ORG, order.id)
    with pytest.raises(InvalidSalesOrder) as refused:
        ops.fulfil_sales_order(session, ORG, order.id, {"invoice_id": "inv-9"},
                               lambda org, invoice_id: invoice(OTHER_CUSTOMER))
    assert "invoice_id" in refused.value.details
    assert order.status == "confirmed" and order.invoice_id is None


def test_billings_invoice_not_found_passes_through(session):
    class InvoiceNotFound(Exception):
        pass

    def get_invoice(org, invoice_id):
        raise InvoiceNotFound("Invoice not found.")

    order = new_order(session)
    ops.confirm_sales_order(session, ORG, order.id)
    with pytest.raises(InvoiceNotFound):
        ops.fulfil_sales_order(session, ORG, order.id, {"invoice_id": "x"}, get_invoice)
    with pytest.raises(InvalidSalesOrder):
        ops.fulfil_sales_order(session, ORG, order.id, {}, get_invoice)


def test_wrong_states_are_refused(session):
    order = new_order(session)
    with pytest.raises(SalesOrderStateConflict) as refused:
        ops.fulfil_sales_order(session, ORG, order.id, {"invoice_id": "inv-1"},
                               lambda *a: invoice())
    assert refused.value.details == {"status": "open"}
    ops.confirm_sales_order(session, ORG, order.id)
    with pytest.raises(SalesOrderStateConflict):
        ops.confirm_sales_order(session, ORG, order.id)
    ops.close_sales_order(session, ORG, order.id)
    for act in (lambda: ops.close_sales_order(session, ORG, order.id),
                lambda: ops.confirm_sales_order(session, ORG, order.id)):
        with pytest.raises(SalesOrderStateConflict):
            act()
    # an open order may be closed straight away
    assert ops.close_sales_order(session, ORG, new_order(session).id).status == "closed"


def test_the_customers_first_view_is_recorded_and_announced_once(session):
    order = new_order(session)
    ops.mark_sales_order_viewed(session, ORG, CUSTOMER, CONTACT, order.id)
    session.commit()
    first = order.first_viewed_at
    ops.mark_sales_order_viewed(session, ORG, CUSTOMER, OTHER_CONTACT, order.id)
    assert order.first_viewed_at == first is not None
    (viewed,) = events(session, "sales_order_viewed")
    assert viewed["payload"] == {"customer_id": CUSTOMER, "contact_id": CONTACT,
                                 "document": {"type": "sales_order", "id": order.id,
                                              "number": "SO-00001"}}


def test_another_customers_or_organizations_order_is_not_found(session):
    theirs = new_order(session, customer_id=OTHER_CUSTOMER)
    elsewhere = new_order(session, org=OTHER_ORG)
    for order in (theirs, elsewhere):
        for act in (lambda: ops.get_sales_order(session, ORG, order.id, CUSTOMER),
                    lambda: ops.get_sales_order_by_number(session, ORG, CUSTOMER,
                                                          order.number),
                    lambda: ops.mark_sales_order_viewed(session, ORG, CUSTOMER, CONTACT,
                                                        order.id)):
            with pytest.raises(SalesOrderNotFound):
                act()
    for act in (lambda: ops.get_sales_order(session, ORG, elsewhere.id),
                lambda: ops.confirm_sales_order(session, ORG, elsewhere.id),
                lambda: ops.close_sales_order(session, ORG, elsewhere.id),
                lambda: ops.fulfil_sales_order(session, ORG, elsewhere.id,
                                               {"invoice_id": "i"}, lambda *a: invoice()),
                lambda: ops.get_sales_order(session, ORG, None)):
        with pytest.raises(SalesOrderNotFound):
            act()
    assert events(session, "sales_order_viewed") == []
    assert ops.get_sales_order_by_number(session, ORG, OTHER_CUSTOMER, "SO-00001").id == \
        theirs.id


def test_pages_filter_by_customer_and_status_and_sort(session):
    first = new_order(session, date="2026-11-01")
    second = new_order(session, line(rate="300"), date="2026-11-02")
    new_order(session, line(rate="200"), date="2026-11-03", customer_id=OTHER_CUSTOMER)
    new_order(session, org=OTHER_ORG)
    ops.confirm_sales_order(session, ORG, second.id)
    numbers = lambda page: [o.number for o in page["items"]]  # noqa: E731
    assert numbers(ops.list_sales_order_page(session, ORG)) == ["SO-00003", "SO-00002",
                                                                 "SO-00001"]
    assert numbers(ops.list_sales_order_page(session, ORG, {"sort": "-total"})) == \
        ["SO-00002", "SO-00003", "SO-00001"]
    assert numbers(ops.list_sales_order_page(session, ORG, {"status": "confirmed"})) == \
        ["SO-00002"]
    assert numbers(ops.list_sales_order_page(session, ORG, {"customer_id": CUSTOMER,
                                                            "sort": "number"})) == \
        [first.number, second.number]
    portal = ops.portal_sales_order_page(session, ORG, CUSTOMER, {"status": "open"})
    assert numbers(portal) == ["SO-00001"] and portal["total"] == 1
    with pytest.raises(ValidationFailed):
        ops.list_sales_order_page(session, ORG, {"status": "shipped"})


def test_sales_order_filters_given_as_null_mean_no_filter(session):
    new_order(session)
    assert ops.list_sales_order_page(session, ORG, {"status": None, "customer_id": None,
                                                    "sort": None})["total"] == 1
    assert ops.portal_sales_order_page(session, ORG, CUSTOMER, {"status": None})["total"] == 1
