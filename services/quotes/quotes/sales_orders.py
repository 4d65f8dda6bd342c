"""Sales orders: create (from a quote or not), list, read, confirm, fulfil with billing's
invoice, close; the customer's first view. Each works on a session the caller commits, and
another organization's or customer's order is "not found".
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal_common.errors import load_or_refuse as load
from portal_common.timeutil import utcnow

from . import schemas
from .documents import emit, given, load_row, page_of, sorted_by
from .exceptions import InvalidSalesOrder, SalesOrderNotFound, SalesOrderStateConflict
from .lines import build_lines
from .models import Quote, SalesOrder, SalesOrderLine
from .numbering import assign_number

SORT_COLUMNS = {"date": SalesOrder.date, "number": SalesOrder.number,
                "total": SalesOrder.total,
                "expected_shipment_date": SalesOrder.expected_shipment_date}


def _quote_of(session, organization_id: str, customer_id: str, quote_id: str | None):
    if not quote_id:
        return None
    quote = load_row(session, Quote, quote_id)
    if (quote is None or quote.organization_id != organization_id
            or quote.customer_id != customer_id):
        message = "Unknown quote for this customer."
        raise InvalidSalesOrder(message, {"quote_id": [message]})
    return quote.id


def create_sales_order(session, organization_id: str, data: dict,
                       list_taxes=None) -> SalesOrder:
    """An open sales order; its number (SO-00001…) is generated when not given."""
    values = load(schemas.SalesOrderCreateSchema(), data, error_class=InvalidSalesOrder)
    currency = values["currency"].upper()
    quote_id = _quote_of(session, organization_id, values["customer_id"], values["quote_id"])
    lines, subtotal, tax_total = build_lines(currency, SalesOrderLine, values["lines"],
                                             list_taxes, InvalidSalesOrder)
    number = assign_number(session, SalesOrder, organization_id, "sales_order",
                           values["number"])
    order = SalesOrder(organization_id=organization_id, customer_id=values["customer_id"],
                       number=number, status="open", date=values["date"],
                       expected_shipment_date=values["expected_shipment_date"],
                       reference=values["reference"], notes=values["notes"],
                       currency=currency, subtotal=subtotal, tax_total=tax_total,
                       total=subtotal + tax_total, quote_id=quote_id, lines=lines)
    session.add(order)
    session.flush()
    return order


def _visible(order, organization_id, customer_id) -> bool:
    return (order is not None and order.organization_id == organization_id
            and (customer_id is None or order.customer_id == customer_id))


def get_sales_order(session, organization_id: str, sales_order_id: str,
                    customer_id: str | None = None, lock: bool = False) -> SalesOrder:
    order = load_row(session, SalesOrder, sales_order_id, lock=lock)
    if not _visible(order, organization_id, customer_id):
        raise SalesOrderNotFound("Sales order not found.", {"sales_order_id": sales_order_id})
    return order


def get_sales_order_by_number(session, organization_id: str, customer_id: str,
                              number: str) -> SalesOrder:
    order = session.scalar(select(SalesOrder).where(
        SalesOrder.organization_id == organization_id, SalesOrder.customer_id == customer_id,
        SalesOrder.number == number)) if isinstance(number, str) else None
    if order is None:
        raise SalesOrderNotFound("Sales order not found.", {"number": number})
    return order


def _page(session, select_, values) -> dict:
    if values.get("status") and values["status"] != "all":
        select_ = select_.where(SalesOrder.status == values["status"])
    select_ = sorted_by(select_, values["sort"], SORT_COLUMNS, SalesOrder.number,
                        SalesOrder.id)
    return page_of(session, select_.options(selectinload(SalesOrder.lines)), values["page"],
                   values["per_page"])


def list_sales_order_page(session, organization_id: str, query: dict | None = None) -> dict:
    values = load(schemas.SalesOrderQuerySchema(), given(query))
    select_ = select(SalesOrder).where(SalesOrder.organization_id == organization_id)
    if values.get("customer_id"):
        select_ = select_.where(SalesOrder.customer_id == values["customer_id"])
    return _page(session, select_, values)


def portal_sales_order_page(session, organization_id: str, customer_id: str,
                            query: dict | None = None) -> dict:
    values = load(schemas.PortalSalesOrderQuerySchema(), given(query))
    select_ = select(SalesOrder).where(SalesOrder.organization_id == organization_id,
                                       SalesOrder.customer_id == customer_id)
    return _page(session, select_, values)


def _refuse(order: SalesOrder, action: str):
    raise SalesOrderStateConflict(f"A sales order that is {order.status} cannot be {action}.",
                                  {"status": order.status})


def confirm_sales_order(session, organization_id: str, sales_order_id: str) -> SalesOrder:
    order = get_sales_order(session, organization_id, sales_order_id, lock=True)
    if order.status != "open":
        _refuse(order, "confirmed")
    order.status = "confirmed"
    order.confirmed_at = utcnow()
    session.flush()
    return order


def fulfil_sales_order(session, organization_id: str, sales_order_id: str, data: dict,
                       get_invoice) -> SalesOrder:
    """confirmed → fulfilled with the invoice raised from it: ``get_invoice(org,
    invoice_id)`` is billing's (its InvoiceNotFound passes through); the invoice must be
    the order's customer's."""
    values = load(schemas.FulfilSchema(), data, error_class=InvalidSalesOrder)
    order = get_sales_order(session, organization_id, sales_order_id, lock=True)
    if order.status != "confirmed":
        _refuse(order, "fulfilled")
    invoice = get_invoice(organization_id, values["invoice_id"])
    if invoice.get("customer_id") != order.customer_id:
        message = "The invoice is not this customer's."
        raise InvalidSalesOrder(message, {"invoice_id": [message]})
    order.status = "fulfilled"
    order.fulfilled_at = utcnow()
    order.invoice_id, order.invoice_number = invoice["id"], invoice["number"]
    session.flush()
    return order


def close_sales_order(session, organization_id: str, sales_order_id: str) -> SalesOrder:
    order = get_sales_order(session, organization_id, sales_order_id, lock=True)
    if order.status == "closed":
        _refuse(order, "closed")
    order.status = "closed"
    order.closed_at = utcnow()
    session.flush()
    return order


def mark_sales_order_viewed(session, organization_id: str, customer_id: str,
                            contact_id: str | None, sales_order_id: str) -> SalesOrder:
    """The customer opened it: the first time is recorded and announced."""
    order = get_sales_order(session, organization_id, sales_order_id, customer_id, lock=True)
    if order.first_viewed_at is None:
        order.first_viewed_at = utcnow()
        emit(session, "sales_order_viewed", organization_id,
             {"customer_id": order.customer_id, "contact_id": contact_id,
              "document": {"type": "sales_order", "id": order.id, "number": order.number}})
        session.flush()
    return order
