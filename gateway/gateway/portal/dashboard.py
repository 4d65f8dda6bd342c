"""The home page's account summary: what the customer owes and is owed, their last
payment, and what waits for their approval.

billing answers for the money; quotes and timesheets only for counts (timesheets only
when the organization shows projects and timesheets in its portal). Those two are
extras on the page: if one of them does not answer, its figure shows "—" and the rest
of the page is still served (billing and identity are needed, so their absence stays
the usual 503 page).
"""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext as _
from kombu.exceptions import OperationalError
from nameko.exceptions import MethodNotFound, RpcTimeout, UnknownService

from ..rpc import PoolExhausted
from ..rpc_access import get_rpc
from ..formatting import day, money
from .sections import section_enabled

NOT_ANSWERED = "—"
UNAVAILABLE = (RpcTimeout, UnknownService, PoolExhausted, OperationalError, ConnectionError)


@dataclass
class Figure:
    key: str
    label: str
    value: str
    href: str | None = None
    note: str | None = None
    action: tuple[str, str] | None = None  # (label, href) of a button beside the figure


def _link(endpoint: str, **values) -> str | None:
    """A link to a portal page only once that page exists (menus grow issue by issue)."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def _count(service: str, organization_id: str, customer_id: str) -> int | None:
    """A count from quotes or timesheets, or None when the service does not answer."""
    try:
        return getattr(get_rpc(), service).count_awaiting_approval(organization_id, customer_id)
    except UNAVAILABLE:
        return None
    except MethodNotFound:
        # A service still running a version without the method has no count to give.
        return None


def figures(organization_id: str, customer_id: str, currency: str,
            pay_all_href: str | None = None) -> list[Figure]:
    """The summary in the page's language, money in the customer's currency; with
    ``pay_all_href`` (the organization takes online payments), "Pay all" beside what is
    outstanding."""
    billing = get_rpc().billing.dashboard_figures(organization_id, customer_id,
                                                  currency=currency)
    currency = billing["currency"]
    last = billing.get("last_payment")
    quotes = _count("quotes", organization_id, customer_id)
    timesheets = (_count("timesheets", organization_id, customer_id)
                  if section_enabled("projects") else None)
    return [
        Figure("outstanding_invoices", _("Outstanding invoices"),
               money(billing["outstanding_invoices"], currency),
               _link("portal.invoices", status="unpaid"),
               _("of which overdue: %(amount)s",
                 amount=money(billing["overdue_invoices"], currency))
               if Decimal(billing["overdue_invoices"] or 0) > 0 else None,
               (_("Pay all"), pay_all_href)
               if pay_all_href and Decimal(billing["outstanding_invoices"] or 0) > 0
               else None),
        Figure("available_credits", _("Available credits"),
               money(billing["available_credits"], currency)),
        Figure("outstanding_retainer_invoices", _("Outstanding retainer invoices"),
               money(billing["outstanding_retainer_invoices"], currency),
               _link("portal.invoices", kind="retainer")),
        Figure("available_retainer_balance", _("Available retainer payments"),
               money(billing["available_retainer_balance"], currency)),
        Figure("last_payment", _("Last payment"),
               money(last["amount"], currency) if last else _("None yet"),
               _link("portal.payments") if last else None,
               day(last["date"]) if last else None),
        Figure("quotes", _("Quotes awaiting approval"),
               NOT_ANSWERED if quotes is None else str(quotes),
               _link("portal.quotes", status="awaiting")),
        *([Figure("timesheets", _("Timesheets awaiting approval"),
                  NOT_ANSWERED if timesheets is None else str(timesheets),
                  _link("portal.timesheets", status="pending"))]
          if section_enabled("projects") else []),
    ]
