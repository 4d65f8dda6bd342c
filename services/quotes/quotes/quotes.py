"""Quotes: create, revise, send, list, read; the customer's view, acceptance and refusal;
conversion into billing's invoice. Each function works on a session the caller commits.

Every function takes the organization it acts for and, for the portal, the customer:
another organization's or customer's quote is "not found", and so is a draft for a
customer. "expired" is read-time: a sent or viewed quote past its expiry date (UTC today).
"""
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from portal_common.errors import load_or_refuse as load
from portal_common.money import to_wire
from portal_common.timeutil import utcnow

from . import schemas
from .documents import emit, given, load_row, page_of, sorted_by, today
from .exceptions import (InvalidQuote, QuoteAlreadyDecided, QuoteExpired, QuoteNotFound,
                         QuoteStateConflict)
from .lines import build_lines
from .models import Quote, QuoteComment, QuoteLine, QuoteRevision
from .numbering import assign_number

# Sent to the customer and not answered yet.
AWAITING_STATUSES = ("sent", "viewed")
DECIDED_STATUSES = ("accepted", "declined", "invoiced")
SORT_COLUMNS = {"date": Quote.date, "number": Quote.number, "total": Quote.total,
                "expiry_date": Quote.expiry_date}

quote_schema = schemas.QuoteSchema()
comment_schema = schemas.CommentSchema()


# --- status --------------------------------------------------------------------------

def effective_status(quote: Quote, today_: Date | None = None) -> str:
    """The stored status, or ``expired`` for a sent or viewed quote past its expiry date."""
    today_ = today_ or today()
    if (quote.status in AWAITING_STATUSES and quote.expiry_date is not None
            and quote.expiry_date < today_):
        return "expired"
    return quote.status


def _expired_clause(today_: Date):
    return or_(Quote.status == "expired",
               and_(Quote.status.in_(AWAITING_STATUSES), Quote.expiry_date.is_not(None),
                    Quote.expiry_date < today_))


def _awaiting_clause(today_: Date):
    return and_(Quote.status.in_(AWAITING_STATUSES),
                or_(Quote.expiry_date.is_(None), Quote.expiry_date >= today_))


def _status_clause(status: str, today_: Date):
    """SQL for "effectively ``status``" (or ``awaiting``: sent or viewed, not expired)."""
    if status == "awaiting":
        return _awaiting_clause(today_)
    if status == "expired":
        return _expired_clause(today_)
    if status in AWAITING_STATUSES:
        return and_(Quote.status == status, _awaiting_clause(today_))
    return Quote.status == status


def count_awaiting_approval(session, organization_id: str, customer_id: str,
                            today: Date | None = None) -> int:
    """How many of the customer's quotes wait for their answer: sent or viewed, and not
    past their expiry date (none, or ``today`` or later; ``today`` is the UTC date)."""
    today_ = today or utcnow().date()
    return session.scalar(select(func.count()).select_from(Quote).where(
        Quote.organization_id == organization_id, Quote.customer_id == customer_id,
        _awaiting_clause(today_)))


# --- reading -----------------------------------------------------------------------

def get_quote(session, organization_id: str, quote_id: str, customer_id: str | None = None,
              lock: bool = False) -> Quote:
    """The organization's quote (the customer's, and not a draft, when ``customer_id``)."""
    quote = load_row(session, Quote, quote_id, lock=lock)
    if (quote is None or quote.organization_id != organization_id
            or (customer_id is not None
                and (quote.customer_id != customer_id or quote.status == "draft"))):
        raise QuoteNotFound("Quote not found.", {"quote_id": quote_id})
    return quote


def comments_of(session, quote: Quote, portal: bool) -> list[QuoteComment]:
    query = select(QuoteComment).where(QuoteComment.quote_id == quote.id)
    if portal:
        query = query.where(QuoteComment.show_in_portal.is_(True))
    return list(session.scalars(query.order_by(QuoteComment.created_at, QuoteComment.id)))


def _revision_dump(revision: QuoteRevision) -> dict:
    snapshot = revision.snapshot
    return {"revision": revision.revision, "status": snapshot.get("status"),
            "date": snapshot.get("date"), "expiry_date": snapshot.get("expiry_date"),
            "total": snapshot.get("total"), "decline_reason": snapshot.get("decline_reason"),
            "decided_at": snapshot.get("decided_at"),
            "decided_by_name": snapshot.get("decided_by_name"),
            "superseded_at": revision.superseded_at.isoformat()}


def quote_detail(session, quote: Quote, portal: bool) -> dict:
    """QuoteDetail: the quote, its superseded revisions and its comments (in the portal,
    only those shown there)."""
    return {**quote_schema.dump(quote),
            "revisions": [_revision_dump(r) for r in quote.revisions],
            "comments": comment_schema.dump(comments_of(session, quote, portal), many=True)}


def get_quote_detail(session, organization_id: str, quote_id: str,
                     customer_id: str | None = None) -> dict:
    quote = get_quote(session, organization_id, quote_id, customer_id)
    return quote_detail(session, quote, portal=customer_id is not None)


def _page(session, select_, values, today_) -> dict:
    status = values.get("status")
    if status and status != "all":
        select_ = select_.where(_status_clause(status, today_))
    select_ = sorted_by(select_, values["sort"], SORT_COLUMNS, Quote.number, Quote.id)
    return page_of(session, select_.options(selectinload(Quote.lines)), values["page"],
                   values["per_page"])


def list_quote_page(session, organization_id: str, query: dict | None = None,
                    today_: Date | None = None) -> dict:
    """A page of the organization's quotes (customer_id, effective status or "awaiting",
    sort, page, per_page); filtered, counted and paged in SQL."""
    values = load(schemas.QuoteQuerySchema(), given(query))
    select_ = select(Quote).where(Quote.organization_id == organization_id)
    if values.get("customer_id"):
        select_ = select_.where(Quote.customer_id == values["customer_id"])
    return _page(session, select_, values, today_ or today())


def portal_quote_page(session, organization_id: str, customer_id: str,
                      query: dict | None = None, today_: Date | None = None) -> dict:
    """The customer's quotes as the portal lists them: never drafts."""
    values = load(schemas.PortalQuoteQuerySchema(), given(query))
    values.pop("customer_id", None)
    select_ = select(Quote).where(Quote.organization_id == organization_id,
                                  Quote.customer_id == customer_id, Quote.status != "draft")
    return _page(session, select_, values, today_ or today())


# --- staff: create, change, send ---------------------------------------------------

def _payload(quote: Quote, contact_id: str | None, **extra) -> dict:
    return {"customer_id": quote.customer_id, "contact_id": contact_id,
            "document": {"type": "quote", "id": quote.id, "number": quote.number},
            "revision": quote.revision, "currency": quote.currency,
            "total": to_wire(quote.total, quote.currency), **extra}


def _fill(quote: Quote, values: dict, lines, subtotal, tax_total) -> None:
    quote.date = values["date"]
    quote.expiry_date = values["expiry_date"]
    quote.currency = values["currency"].upper()
    quote.reference = values["reference"]
    quote.notes = values["notes"]
    quote.terms = values["terms"]
    quote.lines.extend(lines)
    quote.subtotal, quote.tax_total = subtotal, tax_total
    quote.total = subtotal + tax_total


def create_quote(session, organization_id: str, data: dict, list_taxes=None) -> Quote:
    """A draft quote; its number (QT-00001…) is generated when not given. ``list_taxes``
    returns billing's taxes of the organization (asked only when a line names a tax)."""
    values = load(schemas.QuoteCreateSchema(), data, error_class=InvalidQuote)
    lines, subtotal, tax_total = build_lines(values["currency"].upper(), QuoteLine,
                                             values["lines"], list_taxes, InvalidQuote)
    number = assign_number(session, Quote, organization_id, "quote", values["number"])
    quote = Quote(organization_id=organization_id, customer_id=values["customer_id"],
                  number=number, status="draft", revision=1)
    _fill(quote, values, lines, subtotal, tax_total)
    session.add(quote)
    session.flush()
    return quote


def _snapshot(quote: Quote, status: str) -> dict:
    dumped = quote_schema.dump(quote)
    keep = ("date", "expiry_date", "reference", "currency", "notes", "terms", "subtotal",
            "tax_total", "total", "lines", "sent_at", "first_viewed_at", "decided_at",
            "decided_by_contact_id", "decided_by_name", "signature_name", "decline_reason")
    return {"status": status, **{key: dumped[key] for key in keep}}


def _start_revision(quote: Quote, status: str) -> None:
    """Keep the current revision as it stands and start the next one as a draft."""
    quote.revisions.append(QuoteRevision(revision=quote.revision,
                                         snapshot=_snapshot(quote, status),
                                         superseded_at=utcnow()))
    quote.revision += 1
    quote.status = "draft"
    quote.first_viewed_at = quote.first_viewed_by_contact_id = None
    quote.decided_at = quote.decided_by_contact_id = quote.decided_by_name = None
    quote.signature_name = quote.decline_reason = None


def update_quote(session, organization_id: str, quote_id: str, data: dict,
                 list_taxes=None) -> Quote:
    """Replace the document (sent whole again). A draft, sent or viewed quote changes in
    place; a declined or expired one gets a new revision (a draft again); an accepted or
    invoiced one cannot change."""
    quote = get_quote(session, organization_id, quote_id, lock=True)
    status = effective_status(quote)
    if status in ("accepted", "invoiced"):
        raise QuoteStateConflict(f"An {status} quote cannot be changed.", {"status": status})
    values = load(schemas.QuoteUpdateSchema(), data, error_class=InvalidQuote)
    if values.get("customer_id") not in (None, quote.customer_id):
        raise InvalidQuote("The customer of a quote cannot change.",
                           {"customer_id": ["The customer of a quote cannot change."]})
    lines, subtotal, tax_total = build_lines(values["currency"].upper(), QuoteLine,
                                             values["lines"], list_taxes, InvalidQuote)
    if values.get("number") and values["number"] != quote.number:
        quote.number = assign_number(session, Quote, organization_id, "quote",
                                     values["number"], exclude_id=quote.id)
    if status in ("declined", "expired"):
        _start_revision(quote, status)
    quote.lines.clear()
    session.flush()
    _fill(quote, values, lines, subtotal, tax_total)
    quote.updated_at = utcnow()
    session.flush()
    return quote


def send_quote(session, organization_id: str, quote_id: str) -> Quote:
    """draft → sent; a sent or viewed quote is sent again (sent_at moves). Announced."""
    quote = get_quote(session, organization_id, quote_id, lock=True)
    status = effective_status(quote)
    if status not in ("draft", "sent", "viewed"):
        raise QuoteStateConflict(f"A quote that is {status} cannot be sent.",
                                 {"status": status})
    if quote.status == "draft":
        quote.status = "sent"
    quote.sent_at = quote.updated_at = utcnow()
    session.flush()
    emit(session, "quote_sent", organization_id, _payload(quote, None))
    return quote


# --- the customer in the portal ------------------------------------------------------

def mark_quote_viewed(session, organization_id: str, customer_id: str, contact_id: str | None,
                      quote_id: str) -> Quote:
    """The customer opened it: the first view of this revision is recorded and announced."""
    quote = get_quote(session, organization_id, quote_id, customer_id, lock=True)
    if quote.first_viewed_at is None:
        quote.first_viewed_at = utcnow()
        quote.first_viewed_by_contact_id = contact_id
        emit(session, "quote_viewed", organization_id, _payload(quote, contact_id))
    if quote.status == "sent":
        quote.status = "viewed"
    session.flush()
    return quote


def _decidable(session, organization_id, customer_id, quote_id) -> Quote:
    """The quote, row-locked until commit, if it still waits for an answer: two contacts
    answering at once queue here and the second sees the first one's decision."""
    quote = get_quote(session, organization_id, quote_id, customer_id, lock=True)
    if quote.status in DECIDED_STATUSES:
        details = {"status": quote.status, "decided_by_name": quote.decided_by_name,
                   "decided_at": quote.decided_at.isoformat() if quote.decided_at else None}
        raise QuoteAlreadyDecided(
            "This quote was already {} by {}.".format(
                "declined" if quote.status == "declined" else "accepted",
                quote.decided_by_name or "someone"),
            {key: value for key, value in details.items() if value is not None})
    if effective_status(quote) == "expired":
        expiry = quote.expiry_date.isoformat() if quote.expiry_date else None
        raise QuoteExpired(f"This quote expired on {expiry}.",
                           {"expiry_date": expiry} if expiry else {})
    if quote.status not in AWAITING_STATUSES:
        raise QuoteStateConflict("This quote cannot be answered.", {"status": quote.status})
    return quote


def _decide(quote: Quote, status: str, contact_id: str | None, contact_name: str) -> None:
    quote.status = status
    quote.decided_at = quote.updated_at = utcnow()
    quote.decided_by_contact_id = contact_id
    quote.decided_by_name = contact_name


def accept_quote(session, organization_id: str, customer_id: str, contact_id: str | None,
                 quote_id: str, data: dict) -> Quote:
    """Records who accepted, when, and the optional typed signature name."""
    values = load(schemas.AcceptSchema(), data, error_class=InvalidQuote)
    quote = _decidable(session, organization_id, customer_id, quote_id)
    _decide(quote, "accepted", contact_id, values["contact_name"])
    quote.signature_name = (values.get("signature_name") or "").strip() or None
    session.flush()
    emit(session, "quote_accepted", organization_id,
         _payload(quote, contact_id, signature_name=quote.signature_name,
                  decided_by_name=quote.decided_by_name))
    return quote


def decline_quote(session, organization_id: str, customer_id: str, contact_id: str | None,
                  quote_id: str, data: dict) -> Quote:
    """Records who declined, when, and the optional reason (plain text)."""
    values = load(schemas.DeclineSchema(), data, error_class=InvalidQuote)
    quote = _decidable(session, organization_id, customer_id, quote_id)
    _decide(quote, "declined", contact_id, values["contact_name"])
    quote.decline_reason = (values.get("reason") or "").strip()
    session.flush()
    emit(session, "quote_declined", organization_id,
         _payload(quote, contact_id, reason=quote.decline_reason,
                  decided_by_name=quote.decided_by_name))
    return quote


# --- into an invoice ---------------------------------------------------------------

def _plain(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def invoice_request(quote: Quote) -> dict:
    """What billing.create_invoice gets for an accepted quote (sent at once, due today)."""
    return {"customer_id": quote.customer_id, "currency": quote.currency,
            "date": today().isoformat(), "due_date": None,
            "lines": [{"name": line.name, "description": line.description,
                       "quantity": _plain(line.quantity), "rate": _plain(line.rate),
                       "discount": _plain(line.discount), "tax_id": line.tax_id}
                      for line in quote.lines],
            "quote_number": quote.number, "notes": quote.notes}


def invoice_key(quote: Quote) -> str:
    return f"quote-invoice:{quote.id}:{quote.revision}"


def convert_quote_to_invoice(session, organization_id: str, quote_id: str,
                             create_invoice) -> tuple[Quote, dict]:
    """An accepted quote becomes billing's invoice, created and sent in one call
    (``create_invoice(organization_id, data, idempotency_key=..., send=True)``) while the
    quote's row is locked; the quote is then invoiced. The idempotency key is the quote's
    revision: asking twice never makes two invoices."""
    quote = get_quote(session, organization_id, quote_id, lock=True)
    if quote.status == "invoiced":
        raise QuoteStateConflict("This quote was already converted into an invoice.",
                                 {"invoice_id": quote.invoice_id,
                                  "invoice_number": quote.invoice_number})
    if quote.status != "accepted":
        status = effective_status(quote)
        raise QuoteStateConflict("Only an accepted quote can be converted into an invoice.",
                                 {"status": status})
    invoice = create_invoice(organization_id, invoice_request(quote),
                             idempotency_key=invoice_key(quote), send=True)
    quote.status = "invoiced"
    quote.invoice_id, quote.invoice_number = invoice["id"], invoice["number"]
    quote.updated_at = utcnow()
    session.flush()
    emit(session, "quote_invoiced", organization_id,
         _payload(quote, None, invoice_id=invoice["id"], invoice_number=invoice["number"]))
    summary = {key: invoice.get(key) for key in ("id", "number", "status", "total", "currency")}
    return quote, summary
