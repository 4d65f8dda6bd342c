"""billing's use cases, each on a session the caller commits.

Every function takes the organization and, where it acts for a customer, the
customer: a document of another organization or customer is "not found". Each
command records its event in the outbox in the same transaction. Money is
Decimal, rounded per document currency (``portal_common.money``): each line is
rounded, then its tax, and the totals are the sums of the rounded figures.
"""
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from portal_common import lines as common_lines
from portal_common.errors import load_or_refuse as load
from portal_common.events import record_event
from portal_common.money import quantize, to_wire
from portal_common.timeutil import utcnow

from . import schemas
from .events import SCHEMAS as EVENT_SCHEMAS
from .exceptions import (AmountRefused, CreditNoteNotFound, InvalidDocument, InvoiceNotFound,
                         InvoiceStateConflict, PaymentNotFound)
from .models import (CreditApplication, CreditNote, CreditNoteLine, Invoice, InvoiceLine,
                     Outbox, Payment, PaymentApplication, RecurringProfile, Tax)
from .numbering import assign_number

ZERO = Decimal(0)
OPEN_STATUSES = ("sent", "viewed", "partially_paid")
# What a customer sees in the portal: everything but drafts and void invoices.
HIDDEN_FROM_PORTAL = ("draft", "void")


def emit(session, event_type: str, organization_id: str, payload: dict):
    return record_event(session, Outbox, EVENT_SCHEMAS[event_type], event_type,
                        organization_id, payload)


def effective_status(invoice: Invoice, today: Date | None = None) -> str:
    """The stored status, or ``overdue`` for an open invoice past its due date."""
    today = today or utcnow().date()
    if (invoice.status in OPEN_STATUSES and invoice.balance > 0
            and invoice.due_date < today):
        return "overdue"
    return invoice.status


def today() -> Date:
    return utcnow().date()


def overdue_clause(today_: Date):
    """SQL for "effectively overdue": open, something left to pay, due date past."""
    return and_(Invoice.status.in_(OPEN_STATUSES), Invoice.balance > 0,
                Invoice.due_date < today_)


def effective_status_clause(today_: Date):
    """SQL twin of :func:`effective_status`, to filter and count in the database."""
    return case((overdue_clause(today_), "overdue"), else_=Invoice.status)


def page_of(session, query, page: int, per_page: int) -> dict:
    """{items, total, page, per_page, pages} of a select, counted and sliced in SQL."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": -(-total // per_page)}


# --- taxes -----------------------------------------------------------------------

def create_tax(session, organization_id: str, data: dict) -> Tax:
    values = load(schemas.TaxCreateSchema(), data)
    if values["is_default"]:
        for other in session.scalars(select(Tax).where(Tax.organization_id == organization_id,
                                                       Tax.is_default.is_(True))):
            other.is_default = False
    tax = Tax(organization_id=organization_id, **values)
    session.add(tax)
    session.flush()
    emit(session, "tax_created", organization_id,
         {"tax_id": tax.id, "name": tax.name, "rate": str(tax.rate),
          "is_default": tax.is_default})
    return tax


def list_taxes(session, organization_id: str) -> list[Tax]:
    return list(session.scalars(select(Tax).where(Tax.organization_id == organization_id)
                                .order_by(Tax.name)))


def default_tax(session, organization_id: str) -> Tax | None:
    return session.scalar(select(Tax).where(Tax.organization_id == organization_id,
                                            Tax.is_default.is_(True)))


# --- documents -------------------------------------------------------------------

def build_lines(session, organization_id: str, currency: str, line_model, lines: list):
    """Lines with their rounded amount and tax (see :mod:`portal_common.lines`); refuses
    taxes of another organization."""
    taxes = {}

    def tax_for(position: int, values: dict):
        if not values.get("tax_id"):
            return None, {"tax_id": None}
        tax = taxes.get(values["tax_id"]) or session.get(Tax, values["tax_id"])
        if tax is None or tax.organization_id != organization_id:
            raise InvalidDocument("Unknown tax.",
                                  {"lines": {position: {"tax_id": ["Unknown tax."]}}})
        taxes[tax.id] = tax
        return tax.rate, {"tax_id": tax.id}

    return common_lines.build_lines(currency, line_model, lines, tax_for)


def _invoice_payload(invoice: Invoice) -> dict:
    return {"invoice_id": invoice.id, "customer_id": invoice.customer_id,
            "number": invoice.number, "kind": invoice.kind, "currency": invoice.currency,
            "total": to_wire(invoice.total, invoice.currency),
            "balance": to_wire(invoice.balance, invoice.currency)}


def _recurring_profile(session, organization_id: str, values: dict) -> str | None:
    """The invoice's recurring profile id: the organization's, not deleted, or refused."""
    profile_id = values.get("recurring_profile_id")
    if not profile_id:
        return None
    profile = session.get(RecurringProfile, profile_id)
    if (profile is None or profile.organization_id != organization_id
            or profile.status == "deleted"):
        raise InvalidDocument("Unknown recurring profile.",
                              {"recurring_profile_id": ["Unknown recurring profile."]})
    return profile.id


def create_invoice(session, organization_id: str, data: dict) -> Invoice:
    """A draft invoice (or retainer invoice); its number is generated when not given."""
    values = load(schemas.InvoiceCreateSchema(), data)
    currency = values["currency"].upper()
    kind = values["kind"]
    lines, subtotal, tax_total = build_lines(session, organization_id, currency, InvoiceLine,
                                              values["lines"])
    profile_id = _recurring_profile(session, organization_id, values)
    number = assign_number(session, Invoice, organization_id, kind, values["number"])
    total = subtotal + tax_total
    invoice = Invoice(organization_id=organization_id, customer_id=values["customer_id"],
                      kind=kind, number=number, date=values["date"],
                      due_date=values["due_date"] or values["date"], currency=currency,
                      status="draft", allow_partial_payments=values["allow_partial_payments"],
                      notes=values["notes"], subtotal=subtotal, tax_total=tax_total,
                      total=total, balance=total, retainer_available=ZERO, lines=lines,
                      payment_gateways=values["payment_gateways"],
                      sales_order_number=values["sales_order_number"],
                      quote_number=values["quote_number"],
                      recurring_profile_id=profile_id)
    session.add(invoice)
    session.flush()
    emit(session, "invoice_created", organization_id, _invoice_payload(invoice))
    return invoice


def get_invoice(session, organization_id: str, invoice_id: str,
                customer_id: str | None = None, lock: bool = False) -> Invoice:
    """The invoice, row-locked until commit when ``lock`` (PostgreSQL; SQLite ignores it)."""
    invoice = session.get(Invoice, invoice_id, with_for_update=lock) if invoice_id else None
    if (invoice is None or invoice.organization_id != organization_id
            or (customer_id is not None and invoice.customer_id != customer_id)):
        raise InvoiceNotFound("Invoice not found.", {"invoice_id": invoice_id})
    return invoice


def get_visible_invoice(session, organization_id: str, invoice_id: str,
                        customer_id: str | None = None) -> Invoice:
    """As :func:`get_invoice`; acting for a customer, drafts and void invoices do not exist."""
    invoice = get_invoice(session, organization_id, invoice_id, customer_id)
    if customer_id is not None and invoice.status in HIDDEN_FROM_PORTAL:
        raise InvoiceNotFound("Invoice not found.", {"invoice_id": invoice_id})
    return invoice


def list_invoices(session, organization_id: str, customer_id: str | None = None,
                  kind: str | None = None) -> list[Invoice]:
    query = select(Invoice).where(Invoice.organization_id == organization_id)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    return list(session.scalars(query.order_by(Invoice.date.desc(), Invoice.number.desc())))


INVOICE_SORT_COLUMNS = {"date": Invoice.date, "due_date": Invoice.due_date,
                        "total": Invoice.total, "number": Invoice.number}


def sorted_by(query, column, order: str, *tie_breakers):
    """``query`` ordered by ``column`` then the tie-breakers, all in ``order``."""
    direction = (lambda c: c.desc()) if order == "desc" else (lambda c: c.asc())
    return query.order_by(*(direction(c) for c in (column, *tie_breakers)))


def list_invoice_page(session, organization_id: str, query: dict | None = None,
                      today_: Date | None = None) -> dict:
    """One page of the invoices matching customer_id, kind and (effective) status, sorted
    by date (default), due_date, total or number; filtered, counted and paged in SQL."""
    values = load(schemas.InvoiceListQuerySchema(), query or {})
    select_ = select(Invoice).where(Invoice.organization_id == organization_id)
    if values.get("customer_id"):
        select_ = select_.where(Invoice.customer_id == values["customer_id"])
    if values.get("kind"):
        select_ = select_.where(Invoice.kind == values["kind"])
    if values.get("status"):
        select_ = select_.where(effective_status_clause(today_ or today()) == values["status"])
    select_ = sorted_by(select_, INVOICE_SORT_COLUMNS[values["sort"]], values["order"],
                        Invoice.number, Invoice.id)
    select_ = select_.options(selectinload(Invoice.lines),
                              selectinload(Invoice.recurring_profile))
    return page_of(session, select_, values["page"], values["per_page"])


def portal_invoice_page(session, organization_id: str, customer_id: str,
                        query: dict | None = None, today_: Date | None = None) -> dict:
    """The customer's invoices as the portal lists them: never drafts nor void ones.

    ``unpaid`` is every open invoice with a balance (overdue ones too); ``partially_paid``
    and ``overdue`` are effective statuses, as shown on each row.
    """
    values = load(schemas.PortalInvoiceQuerySchema(), query or {})
    today_ = today_ or today()
    select_ = select(Invoice).where(Invoice.organization_id == organization_id,
                                    Invoice.customer_id == customer_id,
                                    Invoice.status.notin_(HIDDEN_FROM_PORTAL))
    if values.get("kind"):
        select_ = select_.where(Invoice.kind == values["kind"])
    status = values.get("status")
    if status == "unpaid":
        select_ = select_.where(Invoice.status.in_(OPEN_STATUSES), Invoice.balance > 0)
    elif status:
        select_ = select_.where(effective_status_clause(today_) == status)
    select_ = sorted_by(select_, INVOICE_SORT_COLUMNS[values["sort"]], values["order"],
                        Invoice.number, Invoice.id)
    return page_of(session, select_, values["page"], values["per_page"])


def update_invoice(session, organization_id: str, invoice_id: str, data: dict) -> Invoice:
    """Replace a draft's fields (the whole document is sent again, as on creation)."""
    invoice = get_invoice(session, organization_id, invoice_id, lock=True)
    if invoice.status != "draft":
        raise InvoiceStateConflict("Only a draft invoice can be changed.",
                                   {"status": invoice.status})
    merged = {"customer_id": invoice.customer_id, "kind": invoice.kind,
              "number": invoice.number, "currency": invoice.currency,
              "payment_gateways": list(invoice.payment_gateways or []),
              "sales_order_number": invoice.sales_order_number,
              "quote_number": invoice.quote_number,
              "recurring_profile_id": invoice.recurring_profile_id}
    merged.update(data or {})
    values = load(schemas.InvoiceCreateSchema(), merged)
    currency = values["currency"].upper()
    lines, subtotal, tax_total = build_lines(session, organization_id, currency, InvoiceLine,
                                              values["lines"])
    profile_id = invoice.recurring_profile_id
    if values["recurring_profile_id"] != profile_id:  # a deleted one may stay, not be chosen
        profile_id = _recurring_profile(session, organization_id, values)
    number = values["number"] or invoice.number
    if number != invoice.number:
        assign_number(session, Invoice, organization_id, values["kind"], number,
                      exclude_id=invoice.id)
    invoice.lines.clear()
    session.flush()
    invoice.customer_id = values["customer_id"]
    invoice.kind = values["kind"]
    invoice.number = number
    invoice.date = values["date"]
    invoice.due_date = values["due_date"] or values["date"]
    invoice.currency = currency
    invoice.allow_partial_payments = values["allow_partial_payments"]
    invoice.notes = values["notes"]
    invoice.payment_gateways = values["payment_gateways"]
    invoice.sales_order_number = values["sales_order_number"]
    invoice.quote_number = values["quote_number"]
    invoice.recurring_profile_id = profile_id
    invoice.lines.extend(lines)
    invoice.subtotal, invoice.tax_total = subtotal, tax_total
    invoice.total = invoice.balance = subtotal + tax_total
    session.flush()
    emit(session, "invoice_updated", organization_id, _invoice_payload(invoice))
    return invoice


def send_invoice(session, organization_id: str, invoice_id: str) -> Invoice:
    invoice = get_invoice(session, organization_id, invoice_id, lock=True)
    if invoice.status != "draft":
        raise InvoiceStateConflict("Only a draft invoice can be sent.",
                                   {"status": invoice.status})
    invoice.status = "sent" if invoice.balance > 0 else "paid"
    invoice.sent_at = utcnow()
    session.flush()
    emit(session, "invoice_sent", organization_id,
         dict(_invoice_payload(invoice), due_date=invoice.due_date.isoformat()))
    return invoice


def mark_invoice_viewed(session, organization_id: str, customer_id: str,
                        invoice_id: str) -> Invoice:
    """The customer opened it in the portal: the first time is recorded (and announced)."""
    invoice = get_visible_invoice(session, organization_id, invoice_id, customer_id)
    first_view = invoice.first_viewed_at is None
    if first_view:
        invoice.first_viewed_at = utcnow()
        emit(session, "invoice_viewed", organization_id, _invoice_payload(invoice))
    if invoice.status == "sent":
        invoice.status = "viewed"
    return invoice


def void_invoice(session, organization_id: str, invoice_id: str) -> Invoice:
    """Void an invoice nothing was paid or credited on."""
    invoice = get_invoice(session, organization_id, invoice_id, lock=True)
    if invoice.status == "void":
        raise InvoiceStateConflict("The invoice is already void.", {"status": invoice.status})
    if invoice.balance != invoice.total or invoice.retainer_available > 0:
        raise InvoiceStateConflict("An invoice with payments or credits applied cannot be void.",
                                   {"status": invoice.status})
    invoice.status = "void"
    invoice.voided_at = utcnow()
    session.flush()
    emit(session, "invoice_voided", organization_id, _invoice_payload(invoice))
    return invoice


# --- credit notes ----------------------------------------------------------------

def create_credit_note(session, organization_id: str, data: dict) -> CreditNote:
    values = load(schemas.CreditNoteCreateSchema(), data)
    currency = values["currency"].upper()
    lines, subtotal, tax_total = build_lines(session, organization_id, currency,
                                              CreditNoteLine, values["lines"])
    number = assign_number(session, CreditNote, organization_id, "credit_note",
                           values["number"])
    total = subtotal + tax_total
    note = CreditNote(organization_id=organization_id, customer_id=values["customer_id"],
                      number=number, date=values["date"], currency=currency,
                      subtotal=subtotal, tax_total=tax_total, total=total, remaining=total,
                      lines=lines)
    session.add(note)
    session.flush()
    emit(session, "credit_note_created", organization_id,
         {"credit_note_id": note.id, "customer_id": note.customer_id, "number": note.number,
          "currency": currency, "total": to_wire(total, currency)})
    return note


def get_credit_note(session, organization_id: str, credit_note_id: str,
                    customer_id: str | None = None, lock: bool = False) -> CreditNote:
    note = session.get(CreditNote, credit_note_id, with_for_update=lock) if credit_note_id \
        else None
    if (note is None or note.organization_id != organization_id
            or (customer_id is not None and note.customer_id != customer_id)):
        raise CreditNoteNotFound("Credit note not found.", {"credit_note_id": credit_note_id})
    return note


def get_payment(session, organization_id: str, payment_id: str,
                customer_id: str | None = None, lock: bool = False) -> Payment:
    payment = session.get(Payment, payment_id, with_for_update=lock) if payment_id else None
    if (payment is None or payment.organization_id != organization_id
            or (customer_id is not None and payment.customer_id != customer_id)):
        raise PaymentNotFound("Payment not found.", {"payment_id": payment_id})
    return payment


# --- applying money to invoices --------------------------------------------------

def _applicable_invoice(session, organization_id, customer_id, invoice_id, currency,
                        amount, allow_retainer):
    invoice = get_invoice(session, organization_id, invoice_id, customer_id, lock=True)
    if invoice.status in ("draft", "void"):
        raise InvoiceStateConflict(f"A {invoice.status} invoice cannot be paid or credited.",
                                   {"invoice_id": invoice.id, "status": invoice.status})
    if invoice.kind == "retainer" and not allow_retainer:
        raise InvoiceStateConflict("Credits cannot be applied to a retainer invoice.",
                                   {"invoice_id": invoice.id})
    if invoice.currency != currency:
        raise AmountRefused("The currencies differ.",
                            {"currency": [f"The invoice is in {invoice.currency}."]})
    if quantize(amount, currency) != amount:
        raise AmountRefused("Too many decimals for the currency.",
                            {"amount": [f"{currency} has fewer decimals."]})
    if amount > invoice.balance:
        raise AmountRefused("The amount exceeds the invoice's balance.",
                            {"amount": [f"At most {to_wire(invoice.balance, currency)}."],
                             "invoice_id": invoice.id})
    return invoice


def _reduce_balance(invoice: Invoice, amount: Decimal) -> dict:
    invoice.balance -= amount
    invoice.status = "paid" if invoice.balance == 0 else "partially_paid"
    return {"invoice_id": invoice.id, "amount": to_wire(amount, invoice.currency),
            "invoice_balance": to_wire(invoice.balance, invoice.currency),
            "invoice_status": invoice.status}


def record_payment(session, organization_id: str, data: dict) -> Payment:
    """An offline payment with its applications; what is not applied stays as credit.

    Paid on a retainer invoice, the amount becomes that retainer's available balance.
    """
    values = load(schemas.PaymentCreateSchema(), data)
    currency = values["currency"].upper()
    amount = values["amount"]
    if quantize(amount, currency) != amount:
        raise AmountRefused("Too many decimals for the currency.",
                            {"amount": [f"{currency} has fewer decimals."]})
    customer_id = values["customer_id"]
    applied = sum((a["amount"] for a in values["applications"]), ZERO)
    if applied > amount:
        raise AmountRefused("The applications add up to more than the payment.",
                            {"applications": ["They add up to more than the amount paid."]})
    payment = Payment(organization_id=organization_id, customer_id=customer_id,
                      number=assign_number(session, Payment, organization_id, "payment"),
                      amount=amount, unapplied=amount - applied, currency=currency,
                      date=values["date"], mode=values["mode"],
                      reference=values["reference"])
    session.add(payment)
    results = []
    for item in values["applications"]:
        invoice = _applicable_invoice(session, organization_id, customer_id,
                                      item["invoice_id"], currency, item["amount"],
                                      allow_retainer=True)
        results.append(_reduce_balance(invoice, item["amount"]))
        if invoice.kind == "retainer":
            invoice.retainer_available += item["amount"]
        payment.applications.append(PaymentApplication(invoice_id=invoice.id,
                                                       amount=item["amount"]))
    session.flush()
    emit(session, "payment_recorded", organization_id,
         {"payment_id": payment.id, "customer_id": customer_id,
          "amount": to_wire(amount, currency), "currency": currency,
          "date": payment.date.isoformat(), "mode": payment.mode,
          "unapplied": to_wire(payment.unapplied, currency), "applications": results})
    return payment


def apply_credit(session, organization_id: str, customer_id: str, data: dict):
    """Apply a credit note's remaining credit, or a payment's unapplied part, to an invoice."""
    values = load(schemas.CreditApplySchema(), data)
    if values["credit_note_id"]:
        source = get_credit_note(session, organization_id, values["credit_note_id"], customer_id,
                                 lock=True)
        available_attr, kind = "remaining", "credit_note"
    else:
        source = get_payment(session, organization_id, values["payment_id"], customer_id,
                             lock=True)
        available_attr, kind = "unapplied", "payment"
    amount = values["amount"]
    if amount > getattr(source, available_attr):
        raise AmountRefused("The amount exceeds the credit available.",
                            {"amount": [f"At most {to_wire(getattr(source, available_attr), source.currency)}."]})
    invoice = _applicable_invoice(session, organization_id, customer_id, values["invoice_id"],
                                  source.currency, amount, allow_retainer=False)
    setattr(source, available_attr, getattr(source, available_attr) - amount)
    result = _reduce_balance(invoice, amount)
    application = CreditApplication(
        organization_id=organization_id, customer_id=customer_id, source=kind,
        credit_note_id=source.id if kind == "credit_note" else None,
        payment_id=source.id if kind == "payment" else None,
        invoice_id=invoice.id, amount=amount, date=today())
    session.add(application)
    session.flush()
    emit(session, "credit_applied", organization_id,
         {"customer_id": customer_id, "source": kind, "source_id": source.id,
          "currency": source.currency,
          "remaining": to_wire(getattr(source, available_attr), source.currency),
          "application": result})
    return application


def apply_retainer(session, organization_id: str, customer_id: str, data: dict):
    """Draw on what was paid on a retainer invoice to settle another invoice."""
    values = load(schemas.RetainerApplySchema(), data)
    retainer = get_invoice(session, organization_id, values["retainer_invoice_id"], customer_id,
                           lock=True)
    if retainer.kind != "retainer":
        raise InvoiceNotFound("Retainer invoice not found.",
                              {"retainer_invoice_id": retainer.id})
    amount = values["amount"]
    if amount > retainer.retainer_available:
        raise AmountRefused("The amount exceeds the retainer balance.",
                            {"amount": [f"At most {to_wire(retainer.retainer_available, retainer.currency)}."]})
    invoice = _applicable_invoice(session, organization_id, customer_id, values["invoice_id"],
                                  retainer.currency, amount, allow_retainer=False)
    retainer.retainer_available -= amount
    result = _reduce_balance(invoice, amount)
    application = CreditApplication(organization_id=organization_id, customer_id=customer_id,
                                    source="retainer", retainer_invoice_id=retainer.id,
                                    invoice_id=invoice.id, amount=amount, date=today())
    session.add(application)
    session.flush()
    emit(session, "retainer_applied", organization_id,
         {"customer_id": customer_id, "source": "retainer", "source_id": retainer.id,
          "currency": retainer.currency,
          "remaining": to_wire(retainer.retainer_available, retainer.currency),
          "application": result})
    return application


# --- read models -------------------------------------------------------------------

def _sum(column):
    return func.coalesce(func.sum(column), 0)


def dashboard_figures(session, organization_id: str, customer_id: str,
                      currency: str | None = None, today_: Date | None = None) -> dict:
    """The portal dashboard's figures, as strings in the customer's currency.

    billing does not own the customer, so the currency is the one given, else that of
    the customer's latest document; documents in other currencies are left out. Each
    figure is a SQL aggregate (one query per table), whatever the customer's history.
    """
    today_ = today_ or today()
    mine = (Invoice.organization_id == organization_id, Invoice.customer_id == customer_id,
            Invoice.status != "draft")
    paid_by = (Payment.organization_id == organization_id, Payment.customer_id == customer_id)
    if currency is None:
        latest = select(Invoice.date, Invoice.currency).where(*mine).union_all(
            select(Payment.date, Payment.currency).where(*paid_by)).subquery()
        currency = session.scalar(select(latest.c.currency)
                                  .order_by(latest.c.date.desc(), latest.c.currency.desc())
                                  .limit(1)) or "USD"
    currency = currency.upper()
    open_ = and_(Invoice.status.in_(OPEN_STATUSES), Invoice.balance > 0)
    is_invoice, is_retainer = Invoice.kind == "invoice", Invoice.kind == "retainer"
    invoices = session.execute(select(
        _sum(case((and_(open_, is_invoice), Invoice.balance))),
        _sum(case((and_(overdue_clause(today_), is_invoice), Invoice.balance))),
        _sum(case((and_(open_, is_retainer), Invoice.balance))),
        _sum(case((is_retainer, Invoice.retainer_available))),
    ).where(*mine, Invoice.currency == currency)).one()
    unapplied = session.scalar(select(_sum(Payment.unapplied))
                               .where(*paid_by, Payment.currency == currency))
    remaining = session.scalar(select(_sum(CreditNote.remaining)).where(
        CreditNote.organization_id == organization_id, CreditNote.customer_id == customer_id,
        CreditNote.currency == currency))
    last = session.execute(select(Payment.amount, Payment.date)
                           .where(*paid_by, Payment.currency == currency)
                           .order_by(Payment.date.desc(), Payment.created_at.desc())
                           .limit(1)).first()

    def wire(value):
        return to_wire(Decimal(str(value)), currency)

    return {
        "currency": currency,
        "outstanding_invoices": wire(invoices[0]),
        "overdue_invoices": wire(invoices[1]),
        "available_credits": wire(Decimal(str(unapplied)) + Decimal(str(remaining))),
        "outstanding_retainer_invoices": wire(invoices[2]),
        "available_retainer_balance": wire(invoices[3]),
        "last_payment": ({"amount": wire(last.amount), "date": last.date.isoformat()}
                         if last else None),
    }
