"""What the portal and staff read beyond a bare document: an invoice with its taxes,
payments, credits and comments; a payment's receipt; pages of payments and credit notes.

Built as plain dicts with amounts already as strings (the wire form): these are views over
several tables, not rows of one. Every query is scoped to the organization and, acting for
a customer, to that customer; pages are filtered, sorted, counted and sliced in SQL.
"""
from sqlalchemy import exists, select

from portal_common.errors import load_or_refuse as load
from portal_common.money import to_wire

from . import schemas
from .models import (CreditApplication, CreditNote, Invoice, InvoiceComment, Payment,
                     PaymentApplication, Refund, Tax)
from .operations import get_credit_note, get_payment, get_visible_invoice, page_of, sorted_by

invoice_schema = schemas.InvoiceSchema()
comment_schema = schemas.CommentSchema()


# --- invoices ----------------------------------------------------------------------

def _percent(rate) -> str:
    """A rate as people write it: '21', '7.5' (whatever scale the database gave back)."""
    return format(rate.normalize(), "f")


def _taxes(session, invoice: Invoice) -> list[dict]:
    """The invoice's tax per tax, in the order the lines first use them."""
    amounts = {}
    for line in invoice.lines:
        if line.tax_id:
            amounts[line.tax_id] = amounts.get(line.tax_id, 0) + line.tax_amount
    taxes = {t.id: t for t in session.scalars(select(Tax).where(Tax.id.in_(list(amounts))))}
    return [{"tax_id": tax_id, "name": taxes[tax_id].name, "rate": _percent(taxes[tax_id].rate),
             "amount": to_wire(amount, invoice.currency)}
            for tax_id, amount in amounts.items()]


def _payments_on(session, invoice: Invoice) -> list[dict]:
    rows = session.execute(
        select(Payment, PaymentApplication.amount)
        .join(PaymentApplication, PaymentApplication.payment_id == Payment.id)
        .where(PaymentApplication.invoice_id == invoice.id)
        .order_by(Payment.date, Payment.number))
    return [{"payment_id": p.id, "number": p.number, "date": p.date.isoformat(),
             "mode": p.mode, "reference": p.reference,
             "amount": to_wire(amount, invoice.currency)} for p, amount in rows]


def _credits_on(session, invoice: Invoice) -> list[dict]:
    applications = session.scalars(select(CreditApplication)
                                   .where(CreditApplication.invoice_id == invoice.id)
                                   .order_by(CreditApplication.date,
                                             CreditApplication.applied_at,
                                             CreditApplication.id))
    credits = []
    for a in applications:
        source = {"credit_note": a.credit_note, "payment": a.payment,
                  "retainer": a.retainer_invoice}[a.source]
        credits.append({"source": a.source, "source_id": source.id, "number": source.number,
                        "date": a.date.isoformat(),
                        "amount": to_wire(a.amount, invoice.currency)})
    return credits


def comments_of(session, invoice: Invoice, portal: bool) -> list[InvoiceComment]:
    query = select(InvoiceComment).where(InvoiceComment.invoice_id == invoice.id)
    if portal:
        query = query.where(InvoiceComment.show_in_portal.is_(True))
    return list(session.scalars(query.order_by(InvoiceComment.created_at,
                                               InvoiceComment.id)))


def invoice_detail(session, invoice: Invoice, portal: bool) -> dict:
    """InvoiceDetail: the invoice and its lines, taxes, payments, credits and comments
    (in the portal, only the comments shown there)."""
    return {**invoice_schema.dump(invoice), "taxes": _taxes(session, invoice),
            "payments": _payments_on(session, invoice),
            "credits": _credits_on(session, invoice),
            "comments": comment_schema.dump(comments_of(session, invoice, portal), many=True)}


def get_invoice_detail(session, organization_id: str, invoice_id: str,
                       customer_id: str | None = None) -> dict:
    invoice = get_visible_invoice(session, organization_id, invoice_id, customer_id)
    return invoice_detail(session, invoice, portal=customer_id is not None)


# --- payments ----------------------------------------------------------------------

def _applies_to(session, payment_ids: list[str]) -> dict[str, list[str]]:
    """{payment_id: ["invoice", "retainer"]}: the kinds of invoice each was applied to."""
    kinds = {pid: set() for pid in payment_ids}
    for payment_id, kind in session.execute(
            select(PaymentApplication.payment_id, Invoice.kind).distinct()
            .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
            .where(PaymentApplication.payment_id.in_(payment_ids))):
        kinds[payment_id].add(kind)
    return {pid: [k for k in ("invoice", "retainer") if k in found]
            for pid, found in kinds.items()}


def _summary(payment: Payment, applies_to: list[str]) -> dict:
    """PaymentSummary."""
    return {"id": payment.id, "number": payment.number, "date": payment.date.isoformat(),
            "mode": payment.mode, "reference": payment.reference,
            "amount": to_wire(payment.amount, payment.currency),
            "unapplied": to_wire(payment.unapplied, payment.currency),
            "currency": payment.currency, "customer_id": payment.customer_id,
            "applies_to": applies_to}


def payment_page(session, organization_id: str, query: dict | None = None,
                 customer_id: str | None = None) -> dict:
    """Payments (of a customer when given), optionally only those applied to at least one
    invoice (``kind`` invoice) or retainer invoice (``retainer``); newest first."""
    values = load(schemas.PaymentQuerySchema(), query or {})
    customer_id = customer_id or values.get("customer_id")
    select_ = select(Payment).where(Payment.organization_id == organization_id)
    if customer_id:
        select_ = select_.where(Payment.customer_id == customer_id)
    if values.get("kind"):
        select_ = select_.where(exists().where(
            PaymentApplication.payment_id == Payment.id,
            Invoice.id == PaymentApplication.invoice_id, Invoice.kind == values["kind"]))
    column = Payment.date if values["sort"] == "date" else Payment.amount
    select_ = sorted_by(select_, column, values["order"], Payment.number, Payment.id)
    page = page_of(session, select_, values["page"], values["per_page"])
    kinds = _applies_to(session, [p.id for p in page["items"]])
    return {**page, "items": [_summary(p, kinds[p.id]) for p in page["items"]]}


def refund_dump(refund: Refund) -> dict:
    return {"id": refund.id, "number": refund.number, "source": refund.source,
            "source_id": refund.source_id, "amount": to_wire(refund.amount, refund.currency),
            "currency": refund.currency, "date": refund.date.isoformat(), "mode": refund.mode,
            "reference": refund.reference}


def receipt(session, organization_id: str, payment_id: str,
            customer_id: str | None = None) -> dict:
    """Receipt: the payment, what it paid (invoice number, kind, date, total) and refunds."""
    payment = get_payment(session, organization_id, payment_id, customer_id)
    rows = session.execute(
        select(Invoice, PaymentApplication.amount)
        .join(PaymentApplication, PaymentApplication.invoice_id == Invoice.id)
        .where(PaymentApplication.payment_id == payment.id)
        .order_by(Invoice.date, Invoice.number))
    applications = [{"invoice_id": i.id, "invoice_number": i.number, "invoice_kind": i.kind,
                     "invoice_date": i.date.isoformat(),
                     "invoice_total": to_wire(i.total, i.currency),
                     "amount": to_wire(amount, payment.currency)} for i, amount in rows]
    refunds = session.scalars(select(Refund).where(
        Refund.organization_id == organization_id, Refund.source == "payment",
        Refund.source_id == payment.id).order_by(Refund.date, Refund.number))
    return {**_summary(payment, _applies_to(session, [payment.id])[payment.id]),
            "applications": applications, "refunds": [refund_dump(r) for r in refunds]}


# --- credit notes ------------------------------------------------------------------

def credit_note_page(session, organization_id: str, query: dict | None = None,
                     customer_id: str | None = None) -> dict:
    values = load(schemas.CreditNoteQuerySchema(), query or {})
    customer_id = customer_id or values.get("customer_id")
    select_ = select(CreditNote).where(CreditNote.organization_id == organization_id)
    if customer_id:
        select_ = select_.where(CreditNote.customer_id == customer_id)
    select_ = sorted_by(select_, CreditNote.date, "desc", CreditNote.number, CreditNote.id)
    return page_of(session, select_, values["page"], values["per_page"])


def credit_note_detail(session, organization_id: str, credit_note_id: str,
                       customer_id: str | None = None) -> dict:
    """The credit note, where it was applied and what was refunded from it."""
    note = get_credit_note(session, organization_id, credit_note_id, customer_id)
    rows = session.execute(
        select(Invoice, CreditApplication)
        .join(CreditApplication, CreditApplication.invoice_id == Invoice.id)
        .where(CreditApplication.credit_note_id == note.id)
        .order_by(CreditApplication.date, CreditApplication.applied_at, CreditApplication.id))
    refunds = session.scalars(select(Refund).where(
        Refund.organization_id == organization_id, Refund.source == "credit_note",
        Refund.source_id == note.id).order_by(Refund.date, Refund.number))
    return {**schemas.CreditNoteSchema().dump(note),
            "applications": [{"invoice_id": i.id, "invoice_number": i.number,
                              "date": a.date.isoformat(),
                              "amount": to_wire(a.amount, note.currency)} for i, a in rows],
            "refunds": [refund_dump(r) for r in refunds]}
