"""Invoices in the portal: the list (filters, order, pages), one invoice (viewed,
commented, printed, downloaded as PDF) and forwarding it to someone else.

Every billing call names the session's organization and customer, and billing only
answers with that customer's invoices that are neither draft nor void; anything else is
its InvoiceNotFound, the portal's 404. The gateway checks the status once more so a
draft or void invoice never reaches a page even from an older billing.
"""
from flask import abort, flash, g, get_flashed_messages, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from ..formatting import number
from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp, forwarding
from .comments import CommentForm, post_comment
from .customer import author_name, profile, who
from .lists import PageQuery, choice, chosen_by, kept, service_page
from .pay import gateway_settings, payable_online
from .session import login_required

HIDDEN_STATUSES = ("draft", "void")

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


class InvoiceListQuery(PageQuery):
    kind = choice(KINDS, "all")
    status = choice(STATUS_FILTERS, "all")
    sort = choice(SORTS, "date")
    order = choice(ORDERS, "desc")


LIST_DEFAULTS = {"kind": "all", "status": "all", "sort": "date", "order": "desc",
                 "per_page": None}


def _visible(invoice: dict) -> dict:
    if invoice.get("status") in HIDDEN_STATUSES:
        abort(404)
    return invoice


def _invoice(invoice_id: str) -> dict:
    """The customer's invoice with lines, taxes, payments, credits and visible comments."""
    organization_id, customer_id = who()
    return _visible(get_rpc().billing.get_invoice(organization_id, invoice_id,
                                                  customer_id=customer_id))


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS,
            "payment_modes": PAYMENT_MODES, "credit_sources": CREDIT_SOURCES,
            "number": number}


# --- the list --------------------------------------------------------------------------

@bp.get("/invoices")
@login_required
def invoices():
    chosen = chosen_by(InvoiceListQuery())
    query = {"sort": BILLING_SORT[chosen["sort"]], "order": chosen["order"],
             **service_page(chosen, "kind", "status")}
    page = get_rpc().billing.portal_invoice_page(*who(), query)
    return render_template("portal/invoices.html", page=page, chosen=chosen,
                           kept=kept(chosen, LIST_DEFAULTS),
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
                           customer=profile()["customer"], organization=g.organization,
                           comment_form=comment_form or CommentForm(formdata=None),
                           invoice_notices=notices, **_labels()), status


@bp.get("/invoices/<invoice_id>")
@login_required
def invoice(invoice_id):
    """The invoice as the customer sees it; billing records the first view."""
    viewed = _visible(get_rpc().billing.mark_invoice_viewed(*who(), invoice_id))
    return _render_invoice(viewed)


@bp.get("/invoices/<invoice_id>/print")
@login_required
def invoice_print(invoice_id):
    """The same document without the menu, laid out for paper."""
    shown = _invoice(invoice_id)
    return render_template("portal/invoice_print.html", invoice=shown,
                           customer=profile()["customer"], organization=g.organization,
                           **_labels())


def invoice_pdf_bytes(shown: dict, profile: dict) -> bytes:
    return render_pdf("pdf/invoice.html", invoice=shown, customer=profile["customer"],
                      organization=profile["organization"], **_labels())


@bp.get("/invoices/<invoice_id>/pdf")
@login_required
def invoice_pdf(invoice_id):
    shown = _invoice(invoice_id)
    return pdf_response(invoice_pdf_bytes(shown, profile()), f"{shown['number']}.pdf")


@bp.post("/invoices/<invoice_id>/comments")
@login_required
def invoice_comment(invoice_id):
    shown = _invoice(invoice_id)  # someone else's invoice is a 404 before anything else
    form = CommentForm()
    if not post_comment(form, lambda body: get_rpc().billing.add_invoice_comment(
            g.portal["organization_id"], invoice_id,
            {"body": body, "author_name": author_name()}, customer_id=g.portal["customer_id"])):
        return _render_invoice(shown, form, 400)
    flash(("comment_added", ""), "invoice")
    return redirect(url_for(".invoice", invoice_id=invoice_id, _anchor="comments"))


# --- forwarding (the shared flow: forwarding.py) --------------------------------------

@bp.route("/invoices/<invoice_id>/forward", methods=["GET", "POST"])
@login_required
def invoice_forward(invoice_id):
    """Send the invoice's PDF to someone; they become one of the customer's contacts."""
    shown = _invoice(invoice_id)
    return forwarding.page(
        "portal/invoice_forward.html", "invoice", shown["number"],
        lambda profile: invoice_pdf_bytes(shown, profile),
        url_for(".invoice", invoice_id=invoice_id),
        missing_email=_("Enter the email address to send the invoice to."),
        not_sent=_("The invoice could not be sent. Check the details and try again."),
        invoice=shown)
