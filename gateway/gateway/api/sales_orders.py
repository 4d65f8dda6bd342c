"""Sales orders: create (optionally from a quote), list, read, confirm, fulfil with the
invoice raised from it, close. The body's customer is checked with identity first and
gives the currency unless one is sent, as for invoices (.billing)."""
from flask import url_for

from quotes.schemas import FulfilSchema, SalesOrderQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .quote_schemas import SalesOrderBodySchema

TAGS = ("sales orders",)


@bp.post("/sales-orders")
@operation("Create a sales order (open)", tags=TAGS, body="SalesOrderBody",
           responses={201: "SalesOrder"}, headers=(IDEMPOTENCY_HEADER,), errors=(404, 409),
           description="The currency is the customer's unless given; quote_id, if given, "
                       "is one of your quotes for the same customer.")
def create_sales_order():
    key = idempotency_key()
    data = validated_body(SalesOrderBodySchema())
    owner = customer(data["customer_id"])
    order = get_rpc().quotes.create_sales_order(organization_id(), document(data, owner),
                                                idempotency_key=key)
    return order, 201, {"Location": url_for(".get_sales_order", sales_order_id=order["id"])}


@bp.get("/sales-orders")
@operation("List sales orders (customer, status, sort, pages), newest first by default",
           tags=TAGS, query="SalesOrderQuery", responses={200: "SalesOrderPage"})
def list_sales_orders():
    query = validated_query(SalesOrderQuerySchema())
    return get_rpc().quotes.list_sales_order_page(organization_id(), query)


@bp.get("/sales-orders/<sales_order_id>")
@operation("One sales order with its lines and the invoice raised from it", tags=TAGS,
           responses={200: "SalesOrder"},
           description="first_viewed_at is when the customer first opened it in the portal.")
def get_sales_order(sales_order_id):
    return get_rpc().quotes.get_sales_order(organization_id(), sales_order_id)


@bp.post("/sales-orders/<sales_order_id>/confirm")
@operation("Confirm an open sales order", tags=TAGS, responses={200: "SalesOrder"},
           errors=(409,))
def confirm_sales_order(sales_order_id):
    return get_rpc().quotes.confirm_sales_order(organization_id(), sales_order_id)


@bp.post("/sales-orders/<sales_order_id>/fulfil")
@operation("Mark a confirmed sales order fulfilled by an invoice of its customer",
           tags=TAGS, body="SalesOrderFulfil", responses={200: "SalesOrder"}, errors=(409,),
           description="An invoice of another customer is a 400; one that is not yours, "
                       "a 404.")
def fulfil_sales_order(sales_order_id):
    data = validated_body(FulfilSchema())
    return get_rpc().quotes.fulfil_sales_order(organization_id(), sales_order_id, data)


@bp.post("/sales-orders/<sales_order_id>/close")
@operation("Close a sales order", tags=TAGS, responses={200: "SalesOrder"}, errors=(409,))
def close_sales_order(sales_order_id):
    return get_rpc().quotes.close_sales_order(organization_id(), sales_order_id)
