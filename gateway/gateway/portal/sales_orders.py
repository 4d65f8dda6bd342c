"""Sales orders in the portal, when the organization shows them (portal preference
"show sales orders"; off, every page here is a plain 404 and the menu has no entry): the
list (status filter, order, pages), one order by its number (viewed; for a fulfilled
order, the invoice raised from it), printed, downloaded as PDF, forwarded.

The quotes service answers only with the session's customer's orders; another
customer's or organization's number is its SalesOrderNotFound, the portal's 404.
"""
import re

from flask import abort, g, get_flashed_messages, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l, lazy_pgettext

from billing.exceptions import InvoiceNotFound

from ..formatting import number
from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp, forwarding
from .customer import profile, who
from .invoices import STATUS_LABELS as INVOICE_STATUS_LABELS
from .lists import PageQuery, choice, chosen_by, kept, service_page
from .sections import require_section
from .session import login_required

SECTION = "sales_orders"
NUMBER = re.compile(r"[^\x00-\x1f\x7f]{1,40}")  # ≤ 40, no control characters

STATUS_LABELS = {"open": lazy_pgettext("sales order", "Open"),
                 "confirmed": lazy_pgettext("sales order", "Confirmed"),
                 "fulfilled": lazy_pgettext("sales order", "Fulfilled"),
                 "closed": lazy_pgettext("sales order", "Closed")}
STATUS_FILTERS = {"all": _l("Any status"), **STATUS_LABELS}
SORTS = {"date": _l("Date"), "amount": _l("Amount"), "number": _l("Number")}
ORDERS = {"desc": _l("Newest or largest first"), "asc": _l("Oldest or smallest first")}
SERVICE_SORT = {"date": "date", "amount": "total", "number": "number"}
LIST_DEFAULTS = {"status": "all", "sort": "date", "order": "desc", "per_page": None}
HIDDEN_INVOICE_STATUSES = ("draft", "void")

SALES_ORDER_NOTICES = {
    "forwarded": _l("The sales order has been sent to %(email)s, who is now one of your "
                    "contact persons."),
}


class SalesOrderListQuery(PageQuery):
    status = choice(STATUS_FILTERS, "all")
    sort = choice(SORTS, "date")
    order = choice(ORDERS, "desc")


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "invoice_status_labels": INVOICE_STATUS_LABELS,
            "number": number}


def _sales_order(order_number: str) -> dict:
    """The customer's sales order by its number (the section must be on)."""
    require_section(SECTION)
    if not NUMBER.fullmatch(order_number or ""):  # no lookup for what cannot be a number
        abort(404)
    return get_rpc().quotes.get_sales_order_by_number(*who(), order_number)


def _raised_invoice(order: dict) -> dict | None:
    """The invoice raised from a fulfilled order, as this customer may see it."""
    if not order.get("invoice_id"):
        return None
    organization_id, customer_id = who()
    try:
        invoice = get_rpc().billing.get_invoice(organization_id, order["invoice_id"],
                                                customer_id=customer_id)
    except InvoiceNotFound:
        return None
    if invoice.get("status") in HIDDEN_INVOICE_STATUSES:
        return None
    return invoice


# --- the list --------------------------------------------------------------------------

@bp.get("/sales-orders")
@login_required
def sales_orders():
    require_section(SECTION)
    chosen = chosen_by(SalesOrderListQuery())
    sort = SERVICE_SORT[chosen["sort"]]
    query = {"sort": sort if chosen["order"] == "asc" else f"-{sort}",
             **service_page(chosen, "status")}
    page = get_rpc().quotes.portal_sales_order_page(*who(), query)
    return render_template("portal/sales_orders.html", page=page, chosen=chosen,
                           kept=kept(chosen, LIST_DEFAULTS),
                           statuses=STATUS_FILTERS, sorts=SORTS, orders=ORDERS,
                           filtered=chosen["status"] != "all", **_labels())


# --- one order -------------------------------------------------------------------------

@bp.get("/sales-orders/<order_number>")
@login_required
def sales_order(order_number):
    """The order as the customer sees it; the quotes service records the first view."""
    shown = _sales_order(order_number)
    organization_id, customer_id = who()
    viewed = get_rpc().quotes.mark_sales_order_viewed(organization_id, customer_id,
                                                      g.portal["contact_id"], shown["id"])
    notices = [str(SALES_ORDER_NOTICES[key]) % {"email": extra}
               for key, extra in get_flashed_messages(category_filter=["sales_order"])
               if key in SALES_ORDER_NOTICES]
    return render_template("portal/sales_order.html", order=viewed,
                           invoice=_raised_invoice(viewed), customer=profile()["customer"],
                           organization=g.organization, order_notices=notices, **_labels())


@bp.get("/sales-orders/<order_number>/print")
@login_required
def sales_order_print(order_number):
    shown = _sales_order(order_number)
    return render_template("portal/sales_order_print.html", order=shown,
                           invoice=_raised_invoice(shown), customer=profile()["customer"],
                           organization=g.organization, **_labels())


def sales_order_pdf_bytes(shown: dict, profile: dict) -> bytes:
    return render_pdf("pdf/sales_order.html", order=shown, invoice=_raised_invoice(shown),
                      customer=profile["customer"], organization=profile["organization"],
                      **_labels())


@bp.get("/sales-orders/<order_number>/pdf")
@login_required
def sales_order_pdf(order_number):
    shown = _sales_order(order_number)
    return pdf_response(sales_order_pdf_bytes(shown, profile()), f"{shown['number']}.pdf")


@bp.route("/sales-orders/<order_number>/forward", methods=["GET", "POST"])
@login_required
def sales_order_forward(order_number):
    """Send the order's PDF to someone; they become one of the customer's contacts."""
    shown = _sales_order(order_number)
    return forwarding.page(
        "portal/sales_order_forward.html", "sales_order", shown["number"],
        lambda profile: sales_order_pdf_bytes(shown, profile),
        url_for(".sales_order", order_number=shown["number"]),
        missing_email=_("Enter the email address to send the sales order to."),
        not_sent=_("The sales order could not be sent. Check the details and try again."),
        order=shown)
