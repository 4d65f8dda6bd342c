"""The statement of account: what the customer owed at the start of a period, what was
invoiced, paid and credited in it, and what is owed at its end, with every movement.

Periods are counted in the organization's timezone (its "this month" is the one on its
calendar). billing computes the figures (``statement_page``) in the customer's currency,
for the session's customer only, one keyset page at a time: the screen shows a page
and a link to the next, the print view streams every page as billing answers it, and
the PDF asks for the whole statement but refuses one too long to lay out.
"""
import calendar
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import (Response, abort, current_app, g, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _, lazy_gettext as _l

from ..formatting import day, organization_timezone
from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp
from .payments import mode_label
from .session import login_required

RANGES = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "this_year": _l("This year"),
    "custom": _l("Custom range"),
}
MOVEMENT_TYPES = {
    "invoice": _l("Invoice"),
    "retainer_invoice": _l("Retainer invoice"),
    "payment": _l("Payment"),
    "credit_note": _l("Credit note"),
    "refund": _l("Refund"),
    "retainer_applied": _l("Retainer applied"),
}
# billing describes each movement in English ("Payment PAY-000007 (bank transfer)"); these
# are its sentences, word for word, so the page can say the same in its own language.
DESCRIPTIONS = (
    (re.compile(r"^Invoice (?P<number>\S+) \(due (?P<due>\d{4}-\d{2}-\d{2})\)$"),
     lambda m: _("Invoice %(number)s, due %(due)s", number=m["number"], due=day(m["due"]))),
    (re.compile(r"^Invoice (?P<number>\S+) \(due None\)$"),
     lambda m: _("Invoice %(number)s", number=m["number"])),
    (re.compile(r"^Retainer invoice (?P<number>\S+)$"),
     lambda m: _("Retainer invoice %(number)s", number=m["number"])),
    (re.compile(r"^Payment (?P<number>\S+) \((?P<mode>[a-z ]+)\)$"),
     lambda m: _("Payment %(number)s (%(mode)s)", number=m["number"],
                 mode=mode_label(m["mode"].replace(" ", "_")))),
    (re.compile(r"^Credit note (?P<number>\S+)$"),
     lambda m: _("Credit note %(number)s", number=m["number"])),
    (re.compile(r"^Refund (?P<number>\S+) \(from a (?P<source>credit note|payment|retainer)\)$"),
     lambda m: _("Refund %(number)s (from %(source)s)", number=m["number"],
                 source=REFUND_SOURCES[m["source"]])),
    (re.compile(r"^Retainer (?P<retainer>\S+) applied to (?P<invoice>\S+)$"),
     lambda m: _("Retainer %(retainer)s applied to %(invoice)s", retainer=m["retainer"],
                 invoice=m["invoice"])),
)
REFUND_SOURCES = {"credit note": _l("a credit note"), "payment": _l("a payment"),
                  "retainer": _l("a retainer")}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CURSOR = re.compile(r"^[A-Za-z0-9_=.:+/-]{1,1000}$")

SCREEN_ROWS = 50       # movements on one screen page
PRINT_PAGE_ROWS = 500  # movements asked of billing per page while the print view streams
PDF_PAGE_ROWS = 1000   # billing's largest page
# WeasyPrint lays out the whole document in memory before writing a byte, so a PDF
# with tens of thousands of rows would hold the worker (and its memory) for minutes.
# Beyond this many movements the PDF is refused and the customer is told to choose a
# shorter period or use the print view, which streams any length.
PDF_MAX_MOVEMENTS = 2000


class RangeRefused(Exception):
    """The period asked for cannot be used; ``message`` says why, in the page's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def describe(movement: dict) -> str:
    """A movement's description in the page's language (billing's own words if unknown)."""
    text = movement.get("description") or ""
    for pattern, say in DESCRIPTIONS:
        found = pattern.match(text)
        if found:
            return say(found)
    return text


def informational(movement: dict) -> bool:
    """A retainer invoice or a retainer drawn: shown, but it changes nothing owed."""
    try:
        return Decimal(movement["effect"]) == 0
    except (InvalidOperation, KeyError, TypeError):
        return False


def _add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first_day: date) -> date:
    return first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])


def period(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period that contains (or, last month, precedes) today."""
    month_start = today.replace(day=1)
    if name == "this_month":
        return month_start, _month_end(month_start)
    if name == "last_month":
        start = _add_months(month_start, -1)
        return start, _month_end(start)
    if name == "this_quarter":
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return start, _month_end(_add_months(start, 2))
    if name == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ValueError(name)


def organization_today() -> date:
    return datetime.now(organization_timezone()).date()


def _typed_date(value: str) -> date | None:
    if not ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def chosen_range(args) -> dict:
    """The form's values and the dates they mean: {range, start, end, start_text, end_text}.

    A named period is computed on the organization's calendar; a custom one takes the
    typed dates. An unknown period name is a tampered address (abort 400); dates that
    are missing, not dates, or reversed raise RangeRefused with the reason.
    """
    name = args.get("range", "this_month")
    if name not in RANGES:
        abort(400)
    if name != "custom":
        start, end = period(name, organization_today())
        return {"range": name, "start": start, "end": end, "start_text": start.isoformat(),
                "end_text": end.isoformat()}
    start_text, end_text = args.get("start", "").strip(), args.get("end", "").strip()
    chosen = {"range": name, "start": None, "end": None, "start_text": start_text[:10],
              "end_text": end_text[:10]}
    start, end = _typed_date(start_text), _typed_date(end_text)
    if start is None or end is None:
        raise RangeRefused(_("Enter both a start date and an end date for a custom range, "
                             "as dates such as 2026-01-31."))
    if end < start:
        raise RangeRefused(_("The end date is before the start date. Choose an end date on "
                             "or after the start date."))
    chosen.update(start=start, end=end)
    return chosen


def _profile() -> dict:
    """The organization and the customer (with its currency) the statement is about."""
    return get_rpc().identity.get_portal_profile(g.portal["organization_id"],
                                                 g.portal["customer_id"])


def _query(chosen: dict, customer: dict, limit: int, cursor: str | None = None) -> dict:
    query = {"start": chosen["start"].isoformat(), "end": chosen["end"].isoformat(),
             "currency": customer.get("currency") or g.organization.get("currency"),
             "limit": limit}
    if cursor:
        query["cursor"] = cursor
    return query


def _page(query: dict) -> dict:
    return get_rpc().billing.statement_page(g.portal["organization_id"],
                                            g.portal["customer_id"], query)


def _range_args(chosen: dict) -> dict:
    """The query string that asks for the same period again (links to print, PDF, next)."""
    if chosen["range"] == "custom":
        return {"range": "custom", "start": chosen["start_text"], "end": chosen["end_text"]}
    return {"range": chosen["range"]}


def _refused(chosen_args, message: str):
    """The statement form again with what was typed and why it cannot be used: a 400."""
    chosen = {"range": chosen_args.get("range", "custom"),
              "start_text": chosen_args.get("start", "")[:10],
              "end_text": chosen_args.get("end", "")[:10]}
    return render_template("portal/statement.html", chosen=chosen, problem=message,
                           statement=None, ranges=RANGES), 400


def _context(statement: dict, chosen: dict, profile: dict) -> dict:
    return {"statement": statement, "chosen": chosen, "ranges": RANGES,
            "movement_types": MOVEMENT_TYPES, "describe": describe,
            "informational": informational, "organization": profile["organization"],
            "customer": profile["customer"], "range_args": _range_args(chosen),
            "links": _document_links()}


def _document_links() -> dict:
    """Which movement types have a portal page to link their number to."""
    endpoints = {"payment": ("portal.payment", "payment_id"),
                 "invoice": ("portal.invoice", "invoice_id"),
                 "retainer_invoice": ("portal.invoice", "invoice_id"),
                 "retainer_applied": ("portal.invoice", "invoice_id")}  # the invoice drawn on
    return {kind: (endpoint, argument) for kind, (endpoint, argument) in endpoints.items()
            if endpoint in current_app.view_functions}


def _statement_query_or_refusal():
    """(chosen range, None) or (None, the 400 page)."""
    try:
        return chosen_range(request.args), None
    except RangeRefused as refused:
        return None, _refused(request.args, refused.message)


@bp.get("/statement")
@login_required
def statement():
    """The statement for a period: the totals of the whole period, one page of movements."""
    chosen, refusal = _statement_query_or_refusal()
    if refusal:
        return refusal
    cursor = request.args.get("cursor") or None
    if cursor is not None and not CURSOR.match(cursor):
        abort(400)
    profile = _profile()
    found = _page(_query(chosen, profile["customer"], SCREEN_ROWS, cursor))
    next_page = None
    if found.get("next_cursor"):
        next_page = url_for(".statement", **_range_args(chosen), cursor=found["next_cursor"])
    return render_template("portal/statement.html", **_context(found, chosen, profile),
                           problem=None, next_page=next_page, later_page=cursor is not None)


def _all_movements(first: dict, query: dict):
    """Every movement of the period, asking billing for the next page only when the
    previous one has been written out: one page is in memory at a time."""
    page = first
    while True:
        yield from page["movements"]
        if not page.get("next_cursor"):
            return
        page = _page({**query, "cursor": page["next_cursor"]})


def _stream(template_name: str, context: dict):
    """A template rendered as it is sent (with the request kept alive for its RPC calls)."""
    current_app.update_template_context(context)
    stream = current_app.jinja_env.get_template(template_name).stream(context)
    stream.enable_buffering(64)  # a few rows per write, not one write per table cell
    return stream_with_context(stream)


@bp.get("/statement/print")
@login_required
def statement_print():
    """The whole statement for printing, streamed: rows are written as billing returns
    them, page after page, so a long statement never sits whole in memory."""
    chosen, refusal = _statement_query_or_refusal()
    if refusal:
        return refusal
    profile = _profile()
    query = _query(chosen, profile["customer"], PRINT_PAGE_ROWS)
    first = _page(query)  # before the first byte: a refusal can still be a proper page
    context = _context(first, chosen, profile)
    context["movements"] = _all_movements(first, query)
    response = Response(_stream("portal/statement_print.html", context), mimetype="text/html")
    # Nothing after this view may turn the stream into a list (werkzeug would, to count
    # the bytes for the request log): such a property answers "unknown" instead.
    response.implicit_sequence_conversion = False
    return response


@bp.get("/statement/pdf")
@login_required
def statement_pdf():
    """The whole statement as a PDF, unless it has more movements than a PDF is made for."""
    chosen, refusal = _statement_query_or_refusal()
    if refusal:
        return refusal
    profile = _profile()
    most = current_app.config.get("PORTAL_STATEMENT_PDF_MAX_MOVEMENTS", PDF_MAX_MOVEMENTS)
    query = _query(chosen, profile["customer"], min(PDF_PAGE_ROWS, most + 1))
    first = page = _page(query)
    movements = list(page["movements"])
    while page.get("next_cursor") and len(movements) <= most:
        page = _page({**query, "cursor": page["next_cursor"]})
        movements.extend(page["movements"])
    context = _context(first, chosen, profile)
    if len(movements) > most:
        return render_template("portal/statement_too_long.html", **context, most=most), 422
    context["movements"] = movements
    pdf = render_pdf("pdf/statement.html", **context)
    filename = _("statement-%(start)s-%(end)s", start=chosen["start"].isoformat(),
                 end=chosen["end"].isoformat())
    return pdf_response(pdf, f"{filename}.pdf")
