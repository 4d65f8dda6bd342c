"""Offline payments, what is applied to invoices (credits, retainers), and refunds."""
from flask import url_for

from billing.schemas import PaymentQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, TAGS, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .schemas import (CreditApplyBodySchema, PaymentBodySchema, RefundBodySchema,
                      RetainerApplyBodySchema)


@bp.post("/payments")
@operation("Record an offline payment, applied to invoices", tags=TAGS, body="PaymentBody",
           responses={201: "Payment"}, headers=(IDEMPOTENCY_HEADER,), errors=(404, 409))
def record_payment():
    key = idempotency_key()
    data = validated_body(PaymentBodySchema())
    owner = customer(data["customer_id"])
    payment = get_rpc().billing.record_payment(organization_id(), document(data, owner),
                                               idempotency_key=key)
    return payment, 201, {"Location": url_for(".get_payment", payment_id=payment["id"])}


@bp.get("/payments")
@operation("List payments (customer, what they paid, sort, pages)", tags=TAGS,
           query="PaymentQuery", responses={200: "PaymentPage"},
           description="kind=retainer: payments with something applied to a retainer "
                       "invoice; kind=invoice: to an invoice. A customer_id that is not "
                       "yours simply matches nothing.")
def list_payments():
    query = validated_query(PaymentQuerySchema())
    return get_rpc().billing.payment_page(organization_id(), query)


@bp.get("/payments/<payment_id>")
@operation("One payment as its receipt: the invoices it paid and its refunds", tags=TAGS,
           responses={200: "Receipt"})
def get_payment(payment_id):
    return get_rpc().billing.get_payment(organization_id(), payment_id)


@bp.post("/credits/apply")
@operation("Apply a credit note, or a payment's unapplied part, to an invoice", tags=TAGS,
           body="CreditApplyBody", responses={201: "CreditApplication"},
           headers=(IDEMPOTENCY_HEADER,), errors=(404, 409))
def apply_credit():
    key = idempotency_key()
    data = validated_body(CreditApplyBodySchema())
    customer_id = customer(data.pop("customer_id"))["id"]
    return get_rpc().billing.apply_credit(organization_id(), customer_id, data,
                                          idempotency_key=key), 201


@bp.post("/retainers/apply")
@operation("Draw on a paid retainer invoice for another invoice", tags=TAGS,
           body="RetainerApplyBody", responses={201: "CreditApplication"},
           headers=(IDEMPOTENCY_HEADER,), errors=(404, 409))
def apply_retainer():
    key = idempotency_key()
    data = validated_body(RetainerApplyBodySchema())
    customer_id = customer(data.pop("customer_id"))["id"]
    return get_rpc().billing.apply_retainer(organization_id(), customer_id, data,
                                            idempotency_key=key), 201


@bp.post("/refunds")
@operation("Refund what is left of a credit note, a payment or a retainer", tags=TAGS,
           body="RefundBody", responses={201: "Refund"}, headers=(IDEMPOTENCY_HEADER,),
           errors=(404, 409),
           description="The amount can be at most the credit note's remaining, the "
                       "payment's unapplied part or the retainer's available balance.")
def record_refund():
    key = idempotency_key()
    data = validated_body(RefundBodySchema())
    customer_id = customer(data.pop("customer_id"))["id"]
    return get_rpc().billing.record_refund(organization_id(), customer_id, data,
                                           idempotency_key=key), 201
