"""Billing: taxes, invoices (and retainer invoices), credit notes, payments, applications.

A body's ``customer_id`` is checked with identity first (``get_customer``), so another
organization's customer is a 404 before billing is asked anything. The currency of a
document or payment is the customer's unless the body gives one.
"""
from flask import url_for

from billing.schemas import InvoiceListQuerySchema, LineInputSchema, TaxCreateSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation
from .schemas import (CreditApplyBodySchema, CreditNoteBodySchema, InvoiceBodySchema,
                      PaymentBodySchema, RetainerApplyBodySchema)

TAGS = ("billing",)
LINE_FIELDS = tuple(LineInputSchema().fields)


def _customer(customer_id: str) -> dict:
    """The organization's customer (CustomerNotFound, a 404, for anyone else's)."""
    return get_rpc().identity.get_customer(organization_id(), customer_id)


def _document(data: dict, customer: dict | None) -> dict:
    """The API's body as billing takes it: ``line_items`` → ``lines``, the currency."""
    data = dict(data)
    if "line_items" in data:
        data["lines"] = data.pop("line_items")
    if customer is not None and not data.get("currency"):
        data["currency"] = customer["currency"]
    return data


# --- taxes -------------------------------------------------------------------------------

@bp.post("/taxes")
@operation("Create a tax (a rate in percent)", tags=TAGS, body="TaxCreate",
           responses={201: "Tax"})
def create_tax():
    data = validated_body(TaxCreateSchema())
    return get_rpc().billing.create_tax(organization_id(), data), 201


@bp.get("/taxes")
@operation("List the organization's taxes", tags=TAGS, responses={200: "TaxList"})
def list_taxes():
    return {"items": get_rpc().billing.list_taxes(organization_id())}


# --- invoices ----------------------------------------------------------------------------

@bp.post("/invoices")
@operation("Create a draft invoice (or retainer invoice)", tags=TAGS, body="InvoiceBody",
           responses={201: "Invoice"}, errors=(404, 409))
def create_invoice():
    data = validated_body(InvoiceBodySchema())
    customer = _customer(data["customer_id"])
    invoice = get_rpc().billing.create_invoice(organization_id(), _document(data, customer))
    return invoice, 201, {"Location": url_for(".get_invoice", invoice_id=invoice["id"])}


@bp.get("/invoices")
@operation("List invoices (customer, kind, status, pages), newest first", tags=TAGS,
           query="InvoiceListQuery", responses={200: "InvoicePage"},
           description="A customer_id that is not yours simply matches nothing.")
def list_invoices():
    query = validated_query(InvoiceListQuerySchema())
    return get_rpc().billing.list_invoice_page(organization_id(), query)


@bp.get("/invoices/<invoice_id>")
@operation("One invoice with its lines", tags=TAGS, responses={200: "Invoice"})
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
    customer = _customer(data["customer_id"]) if "customer_id" in data else None
    merged = {"date": current["date"], "due_date": current["due_date"],
              "allow_partial_payments": current["allow_partial_payments"],
              "notes": current["notes"],
              "lines": [{field: line[field] for field in LINE_FIELDS if field in line}
                        for line in current["lines"]]}
    merged.update(_document(data, customer))
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


# --- credit notes, payments, applications ------------------------------------------------

@bp.post("/credit-notes")
@operation("Create a credit note", tags=TAGS, body="CreditNoteBody",
           responses={201: "CreditNote"}, errors=(404, 409))
def create_credit_note():
    data = validated_body(CreditNoteBodySchema())
    customer = _customer(data["customer_id"])
    return get_rpc().billing.create_credit_note(organization_id(),
                                                _document(data, customer)), 201


@bp.post("/payments")
@operation("Record an offline payment, applied to invoices", tags=TAGS, body="PaymentBody",
           responses={201: "Payment"}, errors=(404, 409))
def record_payment():
    data = validated_body(PaymentBodySchema())
    customer = _customer(data["customer_id"])
    return get_rpc().billing.record_payment(organization_id(), _document(data, customer)), 201


@bp.post("/credits/apply")
@operation("Apply a credit note, or a payment's unapplied part, to an invoice", tags=TAGS,
           body="CreditApplyBody", responses={201: "CreditApplication"}, errors=(404, 409))
def apply_credit():
    data = validated_body(CreditApplyBodySchema())
    customer_id = _customer(data.pop("customer_id"))["id"]
    return get_rpc().billing.apply_credit(organization_id(), customer_id, data), 201


@bp.post("/retainers/apply")
@operation("Draw on a paid retainer invoice for another invoice", tags=TAGS,
           body="RetainerApplyBody", responses={201: "CreditApplication"}, errors=(404, 409))
def apply_retainer():
    data = validated_body(RetainerApplyBodySchema())
    customer_id = _customer(data.pop("customer_id"))["id"]
    return get_rpc().billing.apply_retainer(organization_id(), customer_id, data), 201
