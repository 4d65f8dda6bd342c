"""Invoices and retainer invoices: create, list, read, change drafts, send, void; and the
staff's comments on an invoice (shown in the portal only when ``show_in_portal``)."""
from flask import url_for

from billing.schemas import InvoiceListQuerySchema, LineInputSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, TAGS, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .schemas import CommentBodySchema, InvoiceBodySchema

LINE_FIELDS = tuple(LineInputSchema().fields)


@bp.post("/invoices")
@operation("Create a draft invoice (or retainer invoice)", tags=TAGS, body="InvoiceBody",
           responses={201: "Invoice"}, headers=(IDEMPOTENCY_HEADER,), errors=(404, 409))
def create_invoice():
    key = idempotency_key()
    data = validated_body(InvoiceBodySchema())
    owner = customer(data["customer_id"])
    invoice = get_rpc().billing.create_invoice(organization_id(), document(data, owner),
                                               idempotency_key=key)
    return invoice, 201, {"Location": url_for(".get_invoice", invoice_id=invoice["id"])}


@bp.get("/invoices")
@operation("List invoices (customer, kind, status, sort, pages), newest first by default",
           tags=TAGS, query="InvoiceListQuery", responses={200: "InvoicePage"},
           description="A customer_id that is not yours simply matches nothing.")
def list_invoices():
    query = validated_query(InvoiceListQuerySchema())
    return get_rpc().billing.list_invoice_page(organization_id(), query)


@bp.get("/invoices/<invoice_id>")
@operation("One invoice with its lines, taxes, payments, credits and comments", tags=TAGS,
           responses={200: "InvoiceDetail"},
           description="first_viewed_at is when the customer first opened it in the portal.")
def get_invoice(invoice_id):
    return get_rpc().billing.get_invoice(organization_id(), invoice_id)


@bp.patch("/invoices/<invoice_id>")
@operation("Change a draft invoice", tags=TAGS, body="InvoiceUpdate",
           responses={200: "Invoice"}, errors=(409,),
           description="Fields not given keep their value, except the line items, which "
                       "must be sent again whole.")
def update_invoice(invoice_id):
    data = validated_body(InvoiceBodySchema(), partial=True)
    rpc = get_rpc()
    current = rpc.billing.get_invoice(organization_id(), invoice_id)
    owner = customer(data["customer_id"]) if "customer_id" in data else None
    merged = {"date": current["date"], "due_date": current["due_date"],
              "allow_partial_payments": current["allow_partial_payments"],
              "notes": current["notes"],
              "lines": [{field: line[field] for field in LINE_FIELDS if field in line}
                        for line in current["lines"]]}
    merged.update(document(data, owner))
    return rpc.billing.update_invoice(organization_id(), invoice_id, merged)


@bp.post("/invoices/<invoice_id>/send")
@operation("Send a draft invoice (status sent)", tags=TAGS, responses={200: "Invoice"},
           errors=(409,))
def send_invoice(invoice_id):
    return get_rpc().billing.send_invoice(organization_id(), invoice_id)


@bp.post("/invoices/<invoice_id>/void")
@operation("Void an invoice with nothing paid or credited on it", tags=TAGS,
           responses={200: "Invoice"}, errors=(409,))
def void_invoice(invoice_id):
    return get_rpc().billing.void_invoice(organization_id(), invoice_id)


# --- comments ----------------------------------------------------------------------------

@bp.post("/invoices/<invoice_id>/comments")
@operation("Comment on an invoice as staff", tags=TAGS, body="CommentBody",
           responses={201: "Comment"},
           description="The customer sees it in the portal only if show_in_portal is true; "
                       "author_name is 'Staff' unless given.")
def add_invoice_comment(invoice_id):
    data = validated_body(CommentBodySchema())
    data.setdefault("author_name", "Staff")
    data.setdefault("show_in_portal", False)
    return get_rpc().billing.add_invoice_comment(organization_id(), invoice_id, data), 201


@bp.get("/invoices/<invoice_id>/comments")
@operation("An invoice's comments, the staff's and the customer's, oldest first", tags=TAGS,
           responses={200: "CommentList"})
def list_invoice_comments(invoice_id):
    return {"items": get_rpc().billing.list_invoice_comments(organization_id(), invoice_id)}
