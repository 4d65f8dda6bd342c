"""Payments made: the customer's payments (online ones and the offline ones the business
recorded), and each payment's receipt on screen, for printing and as a PDF.

billing answers only for the session's customer (``customer_id``): another customer's
or another organization's payment is a PaymentNotFound there, a 404 page here.
"""
import re

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp
from .session import login_required

PER_PAGE = 20
MAX_PAGE = 100_000
KINDS = ("invoice", "retainer")
SORTS = ("date", "amount")
ORDERS = ("desc", "asc")
PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,5}$")
# billing's ids are short strings; anything longer cannot be one, and is not sent.
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")

MODES = {
    "cash": _l("Cash"),
    "cheque": _l("Cheque"),
    "bank_transfer": _l("Bank transfer"),
    "other": _l("Other"),
    "stripe": _l("Card (online)"),
}
APPLIES_TO = {"invoice": _l("Invoice payment"), "retainer": _l("Retainer payment")}


def mode_label(mode: str) -> str:
    """The way a payment was made, in the page's language (an unknown one as it came)."""
    return str(MODES[mode]) if mode in MODES else (mode or "").replace("_", " ")


def _who() -> tuple[str, str]:
    return g.portal["organization_id"], g.portal["customer_id"]


def list_query(args) -> dict:
    """The list's filter, sort and page from the query string; anything else is a 400.

    The values are the links' and the form's own, so an unknown one is a mistyped or
    tampered address rather than something to guess at.
    """
    kind = args.get("kind", "")
    sort = args.get("sort", "date")
    order = args.get("order", "desc")
    page = args.get("page", "1")
    if (kind not in ("", "all") + KINDS or sort not in SORTS or order not in ORDERS
            or not PAGE_NUMBER.match(page) or int(page) > MAX_PAGE):
        abort(400)
    query = {"sort": sort, "order": order, "page": int(page), "per_page": PER_PAGE}
    if kind in KINDS:
        query["kind"] = kind
    return query


def _link_args(query: dict, **changes) -> dict:
    """The query string of a link that keeps the list's filter and sort."""
    args = {"kind": query.get("kind", "all"), "sort": query["sort"], "order": query["order"],
            "page": query["page"]}
    args.update(changes)
    return args


@bp.get("/payments")
@login_required
def payments():
    """Payments made: filtered by what they paid, sorted by date or amount, a page at a time."""
    query = list_query(request.args)
    found = get_rpc().billing.portal_payment_page(*_who(), query)
    if query["page"] > 1 and query["page"] > found["pages"]:
        abort(404)
    pages = {}
    if query["page"] > 1:
        pages["previous"] = url_for(".payments", **_link_args(query, page=query["page"] - 1))
    if query["page"] < found["pages"]:
        pages["next"] = url_for(".payments", **_link_args(query, page=query["page"] + 1))
    return render_template("portal/payments.html", found=found, query=query, pages=pages,
                           kind=query.get("kind", "all"), applies_to=APPLIES_TO,
                           mode_label=mode_label, kinds=KINDS, sorts=SORTS, orders=ORDERS)


def _receipt(payment_id: str) -> dict:
    if not DOCUMENT_ID.match(payment_id):
        abort(404)
    organization_id, customer_id = _who()
    return get_rpc().billing.get_payment(organization_id, payment_id, customer_id)


def _invoice_links(receipt: dict) -> dict:
    """Each paid invoice's page, when the portal has invoice pages to link to."""
    if "portal.invoice" not in current_app.view_functions:
        return {}
    return {application["invoice_id"]: url_for(".invoice", invoice_id=application["invoice_id"])
            for application in receipt["applications"]}


def _receipt_context(payment_id: str) -> dict:
    receipt = _receipt(payment_id)
    return {"receipt": receipt, "mode_label": mode_label, "applies_to": APPLIES_TO,
            "invoice_links": _invoice_links(receipt), "organization": g.organization,
            "customer": g.portal["customer"]}


@bp.get("/payments/<payment_id>")
@login_required
def payment(payment_id):
    """The receipt of one payment: what was paid, how, and which invoices it settled."""
    return render_template("portal/payment.html", **_receipt_context(payment_id))


@bp.get("/payments/<payment_id>/print")
@login_required
def payment_print(payment_id):
    """The receipt alone on the page, laid out for the browser's print command."""
    return render_template("portal/payment_print.html", **_receipt_context(payment_id))


@bp.get("/payments/<payment_id>/pdf")
@login_required
def payment_pdf(payment_id):
    """The receipt as a PDF download named after the payment's number."""
    context = _receipt_context(payment_id)
    pdf = render_pdf("pdf/receipt.html", **context)
    return pdf_response(pdf, f"{context['receipt']['number']}.pdf")
