"""Paying online: "Pay now" on an invoice or retainer invoice (the balance, or a part of
it when the invoice allows partial payments), "Pay all" from the home page, the card
step, and the outcome of each payment attempt.

Card data never reaches us: on the card step the browser hands the card to Stripe.js
(the call billing names in the attempt's ``next_action``: confirmCardSetup for a new
card, confirmCardPayment when the bank wants the customer to confirm) and then posts
only the attempt id back here; billing asks Stripe how it went and charges
(complete_payment). A saved card is charged by billing at once, without that step.
Billing does every check that decides money (balance, minimum, currencies, duplicates,
one attempt at a time); the checks here only spare the customer a round trip and keep
what they typed.

Every billing call names the session's organization and customer: another customer's
invoice, attempt or saved card is billing's NotFound, a 404 page.
"""
import re
import uuid
from decimal import Decimal, InvalidOperation

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from nameko.exceptions import MethodNotFound

from billing.exceptions import (AmountRefused, GatewayNotConfigured, InvoiceStateConflict,
                                PaymentInProgress, PaymentRefused)
from portal_common.money import decimals_for, quantize, to_wire

from ..formatting import money
from ..payment_messages import refusal_message
from ..rpc_access import get_rpc
from . import bp
from .session import login_required
from .stripe_page import render_payment_page

DOCUMENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
ATTEMPT_KEY = re.compile(r"^[a-f0-9]{32}$")
SAVED_PREFIX = "saved:"
PAYABLE_STATUSES = ("sent", "viewed", "partially_paid", "overdue")
PAY_ALL_LIMIT = 100


def _who() -> tuple[str, str]:
    return g.portal["organization_id"], g.portal["customer_id"]


def _checked_id(value: str) -> str:
    if not DOCUMENT_ID.match(value or ""):
        abort(404)
    return value


def gateway_settings() -> dict | None:
    """The organization's payment gateway, or None when it has none (or billing is still
    a version without online payments, during a rolling upgrade)."""
    try:
        return get_rpc().billing.get_gateway_settings(g.portal["organization_id"])
    except (GatewayNotConfigured, MethodNotFound):
        return None


def saved_methods() -> list[dict]:
    return get_rpc().billing.list_saved_methods(*_who())


def allows_ach() -> bool:
    """The customer's "allow ACH" flag (a profile without it: not allowed)."""
    profile = get_rpc().identity.get_portal_profile(*_who())
    return bool(profile["customer"].get("allow_ach"))


def payable_online(invoice: dict, settings: dict | None) -> bool:
    """Whether "Pay now" is offered: a balance, Stripe offered on it, the gateway set up."""
    try:
        balance = Decimal(str(invoice.get("balance") or "0"))
    except InvalidOperation:
        return False
    return (settings is not None and balance > 0 and invoice.get("status") in PAYABLE_STATUSES
            and "stripe" in (invoice.get("payment_gateways") or []))


def _invoice(invoice_id: str) -> dict:
    organization_id, customer_id = _who()
    invoice = get_rpc().billing.get_invoice(organization_id, _checked_id(invoice_id),
                                            customer_id=customer_id)
    if invoice.get("status") in ("draft", "void"):
        abort(404)
    return invoice


# --- the form ---------------------------------------------------------------------------

class PayChoice:
    """What the customer chose on a pay page, and what was wrong with it."""

    def __init__(self, form=None, balance: str = "", allow_amount: bool = False):
        form = form or {}
        self.amount = (form.get("amount") or "").strip() if allow_amount else ""
        self.method = form.get("method") or "card"
        self.save_method = form.get("save_method") == "1"
        key = form.get("attempt_key", "")
        self.attempt_key = key if ATTEMPT_KEY.match(key) else uuid.uuid4().hex
        self.default_amount = balance
        self.errors: dict[str, str] = {}

    def payment_data(self, methods: list[dict], ach: bool) -> dict | None:
        """billing's start_payment data for the method chosen, or None (errors set)."""
        if self.method.startswith(SAVED_PREFIX):
            method_id = self.method[len(SAVED_PREFIX):]
            chosen = next((m for m in methods if m["id"] == method_id), None)
            if chosen is None:
                self.errors["method"] = _("Choose one of your saved payment methods.")
                return None
            kind = "ach" if chosen.get("type") == "us_bank_account" else "saved_card"
            if kind == "ach" and not ach:
                self.errors["method"] = _("Bank account payments are not available.")
                return None
            return {"method": kind, "payment_method_id": method_id, "save_method": False}
        if self.method == "ach" and ach:
            return {"method": "ach", "save_method": self.save_method}
        if self.method == "card":
            return {"method": "card", "save_method": self.save_method}
        self.errors["method"] = _("Choose how to pay.")
        return None


def parse_amount(typed: str) -> Decimal | None:
    """An amount as people type it: "40", "40.5", "40,50", "1.234,50" or "1,234.50"."""
    text = typed.replace(" ", "").replace("\xa0", "")
    if not text or len(text) > 24:
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value.adjusted()) > 15:
        return None
    return value


def _amount(choice: PayChoice, invoice: dict) -> str | None:
    """The partial amount typed (None: the balance), errors set when it cannot be paid."""
    if not choice.amount:
        return None
    currency = invoice["currency"]
    value = parse_amount(choice.amount)
    if value is None or value <= 0 or value != quantize(value, currency):
        choice.errors["amount"] = _("Enter an amount such as %(example)s.",
                                    example=money("25.50" if decimals_for(currency) else "25",
                                                  currency))
        return None
    if value > Decimal(invoice["balance"]):
        choice.errors["amount"] = _("You can pay at most the balance due, %(balance)s.",
                                    balance=money(invoice["balance"], currency))
        return None
    return to_wire(value, currency)


def _pay_page(settings: dict, choice: PayChoice, status: int = 200, **context):
    """The choice of amount and method (no script: the card is entered on the next step)."""
    context.setdefault("pay_all", False)
    return render_template("portal/pay.html", choice=choice, methods=saved_methods(),
                           allow_ach=allows_ach(), settings=settings, **context), status


# --- pay now ----------------------------------------------------------------------------

def _payable(invoice_id: str) -> tuple[dict, dict]:
    invoice = _invoice(invoice_id)
    settings = gateway_settings()
    if not payable_online(invoice, settings):
        abort(404)
    return invoice, settings


@bp.get("/invoices/<invoice_id>/pay")
@login_required
def pay_invoice(invoice_id):
    invoice, settings = _payable(invoice_id)
    choice = PayChoice(balance=invoice["balance"],
                       allow_amount=invoice.get("allow_partial_payments", False))
    return _pay_page(settings, choice, invoices=[invoice], invoice=invoice)


@bp.post("/invoices/<invoice_id>/pay")
@login_required
def pay_invoice_post(invoice_id):
    invoice = _invoice(invoice_id)
    settings = gateway_settings()
    if not payable_online(invoice, settings):
        # Paid in full (or otherwise closed) since the form was shown: its page says so.
        return redirect(url_for(".invoice", invoice_id=invoice["id"]))
    partial = invoice.get("allow_partial_payments", False)
    choice = PayChoice(request.form, balance=invoice["balance"], allow_amount=partial)
    amount = _amount(choice, invoice)
    data = choice.payment_data(saved_methods(), allows_ach()) if not choice.errors else None
    if data is None:
        return _pay_page(settings, choice, 400, invoices=[invoice], invoice=invoice)
    data["invoice_ids"] = [invoice["id"]]
    if amount is not None:
        data["amount"] = amount
    return _start(settings, choice, data, invoices=[invoice], invoice=invoice,
                  partial=partial)


# --- pay all ----------------------------------------------------------------------------

def outstanding_invoices(settings: dict | None) -> list[dict]:
    """The customer's invoices that can be paid online now, oldest due date first."""
    page = get_rpc().billing.portal_invoice_page(*_who(), {
        "kind": "invoice", "status": "unpaid", "sort": "due_date", "order": "asc",
        "per_page": PAY_ALL_LIMIT})
    return [summary for summary in page["items"] if payable_online(summary, settings)]


def _pay_all_context(settings: dict) -> dict:
    invoices = outstanding_invoices(settings)
    currencies = sorted({invoice["currency"] for invoice in invoices})
    total = None
    if len(currencies) == 1:
        total = to_wire(sum((Decimal(i["balance"]) for i in invoices), Decimal(0)),
                        currencies[0])
    return {"invoices": invoices, "currencies": currencies, "total": total}


@bp.get("/pay-all")
@login_required
def pay_all():
    settings = gateway_settings()
    if settings is None:
        abort(404)
    context = _pay_all_context(settings)
    return _pay_page(settings, PayChoice(), pay_all=True, **context)


@bp.post("/pay-all")
@login_required
def pay_all_post():
    settings = gateway_settings()
    if settings is None:
        abort(404)
    context = _pay_all_context(settings)
    choice = PayChoice(request.form)
    if len(context["currencies"]) != 1:
        return _pay_page(settings, choice, 400, pay_all=True, **context)
    data = choice.payment_data(saved_methods(), allows_ach())
    if data is None:
        return _pay_page(settings, choice, 400, pay_all=True, **context)
    data["invoice_ids"] = [invoice["id"] for invoice in context["invoices"]]
    return _start(settings, choice, data, pay_all=True, **context)


# --- starting, confirming, the outcome ----------------------------------------------------

def _start(settings: dict, choice: PayChoice, data: dict, **context):
    """billing.start_payment; the card step, the outcome, or the form again with why."""
    organization_id, customer_id = _who()
    invoices = context["invoices"]
    data["contact_id"] = g.portal["contact"]["id"]
    data.setdefault("auto_charge", False)
    try:
        attempt = get_rpc().billing.start_payment(organization_id, customer_id, data,
                                                  idempotency_key=choice.attempt_key)
    except PaymentRefused as exc:
        if exc.details.get("cp_code") == "Cp4001" and context.get("partial"):
            choice.errors["amount"] = refusal_message(exc.details, exc.message)
            return _pay_page(settings, choice, 402, **context)
        refused = exc.details.get("attempt_id")
        if isinstance(refused, str) and DOCUMENT_ID.match(refused):
            # billing recorded the refusal: show it at its own address, so that reloading
            # the page does not send the payment (and staff a notification) again.
            return redirect(url_for(".payment_attempt", attempt_id=refused), 303)
        return _outcome_page({"status": "failed", "cp_code": exc.details.get("cp_code"),
                              "decline_code": exc.details.get("decline_code"),
                              "message": exc.details.get("gateway_message") or exc.message,
                              "invoices": [{"invoice_id": i["id"], "number": i["number"]}
                                           for i in invoices]},
                             402, retry=_retry_link(context))
    except PaymentInProgress as exc:
        choice.errors["form"] = _("A payment of this invoice is already being processed. "
                                  "Wait for it to finish before paying again.")
        busy = exc.details.get("attempt_id")
        if isinstance(busy, str) and DOCUMENT_ID.match(busy):
            # It is this customer's own (the invoices are): finish it, or see how it went.
            context["in_flight"] = url_for(".payment_attempt", attempt_id=busy)
        return _pay_page(settings, choice, 409, **context)
    except InvoiceStateConflict:
        # Paid (or voided) since the page was shown.
        choice.errors["form"] = _("This can no longer be paid as shown: something changed "
                                  "since the page was opened. Reload it and check.")
        return _pay_page(settings, choice, 409, **context)
    except AmountRefused as exc:
        if "mixed_currencies" in str(exc.details):
            choice.errors["form"] = _("Your outstanding invoices are in more than one "
                                      "currency; pay them one at a time from each invoice.")
        else:
            choice.errors["amount" if context.get("partial") else "form"] = _(
                "This amount cannot be paid: it is more than the balance due.")
        return _pay_page(settings, choice, 400, **context)
    return _after_start(attempt)


def _retry_link(context: dict) -> str:
    if context.get("pay_all"):
        return url_for(".pay_all")
    return url_for(".pay_invoice", invoice_id=context["invoice"]["id"])


def _after_start(attempt: dict):
    if attempt["status"] == "requires_confirmation" and attempt.get("client_secret"):
        return _confirm_page(attempt)
    return redirect(url_for(".payment_attempt", attempt_id=attempt["id"]))


def _confirm_page(attempt: dict, status: int = 200):
    settings = {**(gateway_settings() or {}), "api_base": attempt.get("api_base"),
                "publishable_key": attempt.get("publishable_key")}
    return render_payment_page("portal/pay_confirm.html", settings, status, attempt=attempt,
                               contact=g.portal["contact"])


def _outcome_page(attempt: dict, status: int = 200, retry: str | None = None):
    problem = refusal_message(attempt) if attempt["status"] == "failed" else None
    return render_template("portal/pay_result.html", attempt=attempt, problem=problem,
                           retry=retry), status


@bp.get("/payments/attempts/<attempt_id>")
@login_required
def payment_attempt(attempt_id):
    """How a payment went: paid (with its receipt), pending, or why it failed."""
    attempt = get_rpc().billing.get_payment_attempt(*_who(), _checked_id(attempt_id))
    if attempt["status"] == "requires_confirmation" and attempt.get("client_secret"):
        return _confirm_page(attempt)
    retry = None
    if attempt["status"] == "failed":
        paid = attempt.get("invoices") or []
        retry = (url_for(".pay_invoice", invoice_id=paid[0]["invoice_id"]) if len(paid) == 1
                 else url_for(".pay_all"))
    return _outcome_page(attempt, 402 if attempt["status"] == "failed" else 200, retry)


@bp.post("/payments/attempts/<attempt_id>/complete")
@login_required
def payment_attempt_complete(attempt_id):
    """After Stripe.js: billing asks Stripe for the outcome and settles the attempt."""
    get_rpc().billing.complete_payment(*_who(), _checked_id(attempt_id))
    return redirect(url_for(".payment_attempt", attempt_id=attempt_id))
