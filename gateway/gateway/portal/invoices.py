"""Invoices in the portal: the list (filters, order, pages), one invoice (viewed,
commented, printed, downloaded as PDF) and forwarding it to someone else.

Every billing call names the session's organization and customer, and billing only
answers with that customer's invoices that are neither draft nor void; anything else is
its InvoiceNotFound, the portal's 404. The gateway checks the status once more so a
draft or void invoice never reaches a page even from an older billing.
"""
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from flask import abort, flash, g, get_flashed_messages, redirect, render_template, request, \
    url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from wtforms import TextAreaField

from portal_common.errors import ValidationFailed

from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp, forwarding
from .forwarding import ForwardForm
from .pay import gateway_settings, payable_online
from .session import login_required

HIDDEN_STATUSES = ("draft", "void")
PER_PAGE = 20

KINDS = {"all": _l("All types"), "invoice": _l("Invoices"), "retainer": _l("Retainer invoices")}
STATUS_FILTERS = {"all": _l("Any status"), "unpaid": _l("Unpaid"),
                  "partially_paid": _l("Partially paid"), "overdue": _l("Overdue"),
                  "paid": _l("Paid")}
SORTS = {"date": _l("Date"), "due_date": _l("Due date"), "amount": _l("Amount"),
         "number": _l("Number")}
ORDERS = {"desc": _l("Newest or largest first"), "asc": _l("Oldest or smallest first")}
# The page's names for billing's sort keys.
BILLING_SORT = {"date": "date", "due_date": "due_date", "amount": "total", "number": "number"}

STATUS_LABELS = {"sent": _l("Sent"), "viewed": _l("Viewed"), "partially_paid": _l("Partially paid"),
                 "paid": _l("Paid"), "overdue": _l("Overdue"), "draft": _l("Draft"),
                 "void": _l("Void")}
KIND_LABELS = {"invoice": _l("Invoice"), "retainer": _l("Retainer invoice")}
PAYMENT_MODES = {"cash": _l("Cash"), "cheque": _l("Cheque"),
                 "bank_transfer": _l("Bank transfer"), "other": _l("Other")}
CREDIT_SOURCES = {"credit_note": _l("Credit note"), "payment": _l("Credit from a payment"),
                  "retainer": _l("Retainer")}

# Flashed across the redirect back to the invoice (category "invoice"); the base
# layout's notices ignore them, this page shows them.
INVOICE_NOTICES = {
    "comment_added": _l("Your comment has been added."),
    "forwarded": _l("The invoice has been sent to %(email)s, who is now one of your contact "
                    "persons."),
}


class InvoiceListQuery(Schema):
    """The list page's query string; anything else in it (such as ``lang``) is ignored."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(load_default="all", validate=validate.OneOf(list(KINDS)))
    status = fields.String(load_default="all", validate=validate.OneOf(list(STATUS_FILTERS)))
    sort = fields.String(load_default="date", validate=validate.OneOf(list(SORTS)))
    order = fields.String(load_default="desc", validate=validate.OneOf(list(ORDERS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


LIST_DEFAULTS = {"kind": "all", "status": "all", "sort": "date", "order": "desc",
                 "per_page": None}


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), render_kw={"maxlength": 4000, "rows": 4})


def _who() -> tuple[str, str]:
    return g.portal["organization_id"], g.portal["customer_id"]


def _visible(invoice: dict) -> dict:
    if invoice.get("status") in HIDDEN_STATUSES:
        abort(404)
    return invoice


def _invoice(invoice_id: str) -> dict:
    """The customer's invoice with lines, taxes, payments, credits and visible comments."""
    organization_id, customer_id = _who()
    return _visible(get_rpc().billing.get_invoice(organization_id, invoice_id,
                                                  customer_id=customer_id))


def _profile() -> dict:
    return get_rpc().identity.get_portal_profile(*_who())


def number(value) -> str:
    """A quantity or percentage ("2.000" → "2", "1.5" → "1,5" in Spanish)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(amount, format="#,##0.###", locale=get_locale() or "es")


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS,
            "payment_modes": PAYMENT_MODES, "credit_sources": CREDIT_SOURCES,
            "number": number}


def _author_name() -> str:
    contact = g.portal["contact"]
    return (contact.get("name") or contact.get("email") or "")[:200]


# --- the list --------------------------------------------------------------------------

@bp.get("/invoices")
@login_required
def invoices():
    try:
        chosen = InvoiceListQuery().load(request.args.to_dict())
    except ValidationError:
        abort(400)
    query = {"sort": BILLING_SORT[chosen["sort"]], "order": chosen["order"],
             "page": chosen["page"], "per_page": chosen["per_page"] or PER_PAGE}
    if chosen["kind"] != "all":
        query["kind"] = chosen["kind"]
    if chosen["status"] != "all":
        query["status"] = chosen["status"]
    page = get_rpc().billing.portal_invoice_page(*_who(), query)
    # What the pagination links keep: the choices that are not the defaults.
    kept = {name: value for name, value in chosen.items()
            if name != "page" and value != LIST_DEFAULTS.get(name)}
    return render_template("portal/invoices.html", page=page, chosen=chosen, kept=kept,
                           kinds=KINDS, statuses=STATUS_FILTERS, sorts=SORTS, orders=ORDERS,
                           filtered=chosen["kind"] != "all" or chosen["status"] != "all",
                           **_labels())


# --- one invoice -----------------------------------------------------------------------

def _render_invoice(invoice: dict, comment_form=None, status: int = 200):
    notices = [str(INVOICE_NOTICES[key]) % {"email": extra}
               for key, extra in get_flashed_messages(category_filter=["invoice"])
               if key in INVOICE_NOTICES]
    # "Pay now" when there is a balance, the invoice offers Stripe and the organization
    # has set it up (the settings are asked for only when the first two hold).
    can_pay = payable_online(invoice, {}) and payable_online(invoice, gateway_settings())
    return render_template("portal/invoice.html", invoice=invoice, can_pay=can_pay,
                           customer=_profile()["customer"], organization=g.organization,
                           comment_form=comment_form or CommentForm(formdata=None),
                           invoice_notices=notices, **_labels()), status


@bp.get("/invoices/<invoice_id>")
@login_required
def invoice(invoice_id):
    """The invoice as the customer sees it; billing records the first view."""
    viewed = _visible(get_rpc().billing.mark_invoice_viewed(*_who(), invoice_id))
    return _render_invoice(viewed)


@bp.get("/invoices/<invoice_id>/print")
@login_required
def invoice_print(invoice_id):
    """The same document without the menu, laid out for paper."""
    shown = _invoice(invoice_id)
    return render_template("portal/invoice_print.html", invoice=shown,
                           customer=_profile()["customer"], organization=g.organization,
                           **_labels())


def invoice_pdf_bytes(shown: dict, profile: dict) -> bytes:
    return render_pdf("pdf/invoice.html", invoice=shown, customer=profile["customer"],
                      organization=profile["organization"], **_labels())


@bp.get("/invoices/<invoice_id>/pdf")
@login_required
def invoice_pdf(invoice_id):
    shown = _invoice(invoice_id)
    return pdf_response(invoice_pdf_bytes(shown, _profile()), f"{shown['number']}.pdf")


@bp.post("/invoices/<invoice_id>/comments")
@login_required
def invoice_comment(invoice_id):
    shown = _invoice(invoice_id)  # someone else's invoice is a 404 before anything else
    form = CommentForm()
    body = (form.body.data or "").strip()
    if not body:
        form.body.errors = [_("Write your comment before sending it.")]
        return _render_invoice(shown, form, 400)
    if len(body) > 4000:
        form.body.errors = [_("Use at most %(max)d characters.", max=4000)]
        return _render_invoice(shown, form, 400)
    try:
        get_rpc().billing.add_invoice_comment(
            g.portal["organization_id"], invoice_id,
            {"body": body, "author_name": _author_name()}, customer_id=g.portal["customer_id"])
    except ValidationFailed:
        form.body.errors = [_("Your comment could not be added. Check it and try again.")]
        return _render_invoice(shown, form, 400)
    flash(("comment_added", ""), "invoice")
    return redirect(url_for(".invoice", invoice_id=invoice_id, _anchor="comments"))


# --- forwarding (the shared flow: forwarding.py) --------------------------------------

@bp.route("/invoices/<invoice_id>/forward", methods=["GET", "POST"])
@login_required
def invoice_forward(invoice_id):
    """Send the invoice's PDF to someone; they become one of the customer's contacts."""
    shown = _invoice(invoice_id)
    form = ForwardForm()
    problem, status = None, 200
    if request.method == "POST":
        status = 400
        email, problem = forwarding.submit(
            form, "invoice", shown["number"], lambda profile: invoice_pdf_bytes(shown, profile),
            missing_email=_("Enter the email address to send the invoice to."),
            not_sent=_("The invoice could not be sent. Check the details and try again."))
        if email:
            flash(("forwarded", email), "invoice")
            return redirect(url_for(".invoice", invoice_id=invoice_id))
    return render_template("portal/invoice_forward.html", invoice=shown, form=form,
                           problem=problem), status
