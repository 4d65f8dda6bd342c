"""Refunds: money given back out of what the customer has in credit.

The source is a credit note (its ``remaining``), a payment (its ``unapplied`` part) or a
paid retainer invoice (its ``retainer_available``); the amount cannot exceed what is left
there. On the statement a refund raises the balance, as it undoes credit.
"""
from portal_common.errors import load_or_refuse as load
from portal_common.money import quantize, to_wire

from . import schemas
from .exceptions import AmountRefused, InvoiceNotFound
from .models import Refund
from .numbering import assign_number
from .operations import emit, get_credit_note, get_invoice, get_payment

AVAILABLE = {"credit_note": "remaining", "payment": "unapplied",
             "retainer": "retainer_available"}


def _source(session, organization_id, customer_id, source, source_id):
    if source == "credit_note":
        return get_credit_note(session, organization_id, source_id, customer_id, lock=True)
    if source == "payment":
        return get_payment(session, organization_id, source_id, customer_id, lock=True)
    retainer = get_invoice(session, organization_id, source_id, customer_id, lock=True)
    if retainer.kind != "retainer":
        raise InvoiceNotFound("Retainer invoice not found.", {"source_id": source_id})
    return retainer


def record_refund(session, organization_id: str, customer_id: str, data: dict) -> Refund:
    values = load(schemas.RefundCreateSchema(), data)
    source = _source(session, organization_id, customer_id, values["source"],
                     values["source_id"])
    attribute, currency, amount = AVAILABLE[values["source"]], source.currency, values["amount"]
    if quantize(amount, currency) != amount:
        raise AmountRefused("Too many decimals for the currency.",
                            {"amount": [f"{currency} has fewer decimals."]})
    available = getattr(source, attribute)
    if amount > available:
        raise AmountRefused("The amount exceeds what is left to refund.",
                            {"amount": [f"At most {to_wire(available, currency)}."]})
    setattr(source, attribute, available - amount)
    refund = Refund(organization_id=organization_id, customer_id=customer_id,
                    number=assign_number(session, Refund, organization_id, "refund"),
                    source=values["source"], source_id=source.id, amount=amount,
                    currency=currency, date=values["date"], mode=values["mode"],
                    reference=values["reference"])
    session.add(refund)
    session.flush()
    emit(session, "refund_recorded", organization_id,
         {"refund_id": refund.id, "number": refund.number, "customer_id": customer_id,
          "source": refund.source, "source_id": source.id,
          "amount": to_wire(amount, currency), "currency": currency,
          "date": refund.date.isoformat(), "mode": refund.mode,
          "remaining": to_wire(getattr(source, attribute), currency)})
    return refund
