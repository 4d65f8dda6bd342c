"""Online payments through Stripe: start, confirm, settle — each invoice paid at most once.

The lifecycle of an attempt (one try at paying one or several invoices):

1. Our own checks, with the invoices locked ``FOR UPDATE``: open invoices of this customer
   that offer Stripe, one currency, an amount within the balance, and the Cp checks (a
   refusal is recorded as a failed attempt, announced to staff, and raised as
   ``PaymentRefused``; nothing reaches Stripe).
2. The attempt is inserted ``processing`` with its invoices ``in_flight`` — a partial
   unique index makes a second unsettled attempt of an invoice impossible (another billing
   process gets ``PaymentInProgress``) — and committed *before* Stripe is called, with the
   attempt's id as Stripe's ``Idempotency-Key``.
3. Stripe's answer moves the attempt: a card PaymentIntent waits for the browser
   (``requires_confirmation``), a saved card is charged at once, a bank payment is
   ``pending``. A refusal fails it; no answer (timeout, 5xx, connection lost) leaves it
   ``processing`` — never failed — until reconciliation asks Stripe.
4. ``apply_intent`` settles from a PaymentIntent however it was obtained (the create call,
   ``complete_payment``, a webhook, reconciliation), on the attempt's row locked
   ``FOR UPDATE``: succeeded → one Payment (unique per attempt) applied to the invoices in
   order, never beyond a balance (the rest is the customer's credit); a succeeded attempt
   never changes again.
"""
import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal_common import payment_codes
from portal_common.db import new_id
from portal_common.errors import load_or_refuse as load
from portal_common.money import from_minor_units, quantize, to_minor_units, to_wire
from portal_common.settings import env_int
from portal_common.timeutil import utcnow

from . import operations as ops
from . import saved_methods
from .exceptions import (AmountRefused, InvoiceNotFound, InvoiceStateConflict, PaymentAttemptNotFound,
                         PaymentInProgress, PaymentRefused)
from .gateway_settings import find_settings, get_settings
from .models import (AttemptInvoice, GatewayCustomer, Invoice, Payment, PaymentApplication,
                     PaymentAttempt, SavedMethod)
from .numbering import assign_number
from .stripe_gateway import Refused, Unknown, classify

log = logging.getLogger(__name__)

ZERO = Decimal(0)
FINAL = ("succeeded", "failed")
UNSETTLED = ("processing", "requires_confirmation", "pending")
METHOD_TYPES = {"card": ["card"], "saved_card": ["card"], "ach": ["us_bank_account"]}


class StartPaymentSchema(Schema):
    invoice_ids = fields.List(fields.String(), required=True,
                              validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(as_string=True, allow_nan=False, load_default=None,
                            allow_none=True,
                            validate=validate.Range(min=0, min_inclusive=False,
                                                    error="Must be greater than 0."))
    method = fields.String(load_default="card",
                           validate=validate.OneOf(["card", "saved_card", "ach"]))
    payment_method_id = fields.String(load_default=None, allow_none=True)
    save_method = fields.Boolean(load_default=False)
    contact_id = fields.String(load_default=None, allow_none=True)
    auto_charge = fields.Boolean(load_default=False)

    @validates_schema
    def _consistent(self, data, **kwargs):
        if data.get("method") == "saved_card" and not data.get("payment_method_id"):
            raise ValidationError("Choose a saved card.", "payment_method_id")
        if data.get("amount") is not None and len(set(data.get("invoice_ids", []))) > 1:
            raise ValidationError("An amount is only given when paying one invoice.",
                                  "amount")


class CpRefusal(Exception):
    def __init__(self, cp_code: str, message: str):
        super().__init__(message)
        self.cp_code = cp_code
        self.message = message


# --- views ---------------------------------------------------------------------------

def _invoices_view(attempt: PaymentAttempt) -> list[dict]:
    return [{"invoice_id": ai.invoice_id, "number": ai.invoice.number,
             "amount": to_wire(ai.amount, attempt.currency)} for ai in attempt.invoices]


def attempt_view(attempt: PaymentAttempt, settings) -> dict:
    """Attempt: what the portal needs to go on (the client secret only while the browser
    has to confirm) and to show the outcome."""
    return {"id": attempt.id, "status": attempt.status, "method": attempt.method,
            "amount": to_wire(attempt.amount, attempt.currency),
            "currency": attempt.currency, "customer_id": attempt.customer_id,
            "client_secret": (attempt.client_secret
                              if attempt.status == "requires_confirmation" else None),
            "publishable_key": settings.publishable_key if settings else None,
            "api_base": settings.api_base if settings else None,
            "next_action": _next_action(attempt),
            "invoices": _invoices_view(attempt), "payment_id": attempt.payment_id,
            "cp_code": attempt.cp_code, "decline_code": attempt.decline_code,
            "message": attempt.message,
            "created_at": attempt.created_at.isoformat() if attempt.created_at else None}


def _next_action(attempt: PaymentAttempt) -> str | None:
    """Which Stripe.js call the browser makes with ``client_secret``."""
    if attempt.status != "requires_confirmation" or not attempt.client_secret:
        return None
    if attempt.client_secret.startswith("seti_"):
        return "confirm_card_setup"
    if attempt.method == "ach":
        return "confirm_us_bank_account_payment"
    return "confirm_card_payment"


def _event_base(attempt: PaymentAttempt) -> dict:
    return {"attempt_id": attempt.id, "customer_id": attempt.customer_id,
            "contact_id": attempt.contact_id,
            "amount": to_wire(attempt.amount, attempt.currency),
            "currency": attempt.currency, "method": attempt.method,
            "invoices": _invoices_view(attempt)}


# --- our own checks, under the invoices' locks ----------------------------------------

def _locked_invoices(session, organization_id, customer_id, invoice_ids) -> list[Invoice]:
    """The customer's invoices, locked in id order (two payments never deadlock)."""
    ids = sorted(set(invoice_ids))
    invoices = list(session.scalars(
        select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)
        .with_for_update().execution_options(populate_existing=True)))
    found = {i.id: i for i in invoices if i.organization_id == organization_id
             and i.customer_id == customer_id and i.status not in ops.HIDDEN_FROM_PORTAL}
    for invoice_id in ids:
        if invoice_id not in found:
            raise InvoiceNotFound("Invoice not found.", {"invoice_id": invoice_id})
    return [found[i] for i in ids]


def _allocation(invoices: list[Invoice], amount: Decimal | None) -> tuple[str, Decimal, list]:
    """(currency, amount, [(invoice, amount)]) oldest due date first."""
    currencies = {i.currency for i in invoices}
    if len(currencies) > 1:
        raise AmountRefused("Invoices in different currencies cannot be paid together.",
                            {"reason": "mixed_currencies",
                             "currencies": sorted(currencies)})
    currency = currencies.pop()
    for invoice in invoices:
        if invoice.status not in ops.OPEN_STATUSES or invoice.balance <= 0:
            raise InvoiceStateConflict("This invoice has nothing left to pay.",
                                       {"invoice_id": invoice.id, "status": invoice.status})
        if "stripe" not in (invoice.payment_gateways or []):
            raise InvoiceStateConflict("This invoice cannot be paid online.",
                                       {"invoice_id": invoice.id,
                                        "reason": "no_online_gateway"})
    ordered = sorted(invoices, key=lambda i: (i.due_date, i.date, i.number, i.id))
    if amount is None:
        return currency, sum((i.balance for i in ordered), ZERO), \
            [(i, i.balance) for i in ordered]
    invoice = ordered[0]
    if quantize(amount, currency) != amount:
        raise AmountRefused("Too many decimals for the currency.",
                            {"amount": [f"{currency} has fewer decimals."]})
    if amount > invoice.balance:
        raise AmountRefused("The amount exceeds the invoice's balance.",
                            {"amount": [f"At most {to_wire(invoice.balance, currency)}."]})
    if amount != invoice.balance and not invoice.allow_partial_payments:
        raise AmountRefused("This invoice must be paid in full.",
                            {"amount": [f"Pay {to_wire(invoice.balance, currency)}."],
                             "reason": "partial_not_allowed"})
    return currency, amount, [(invoice, amount)]


def _address_required(settings) -> bool:
    return settings.require_billing_address or settings.require_postal_code


def address_problem(settings, address: dict | None) -> str | None:
    """What the organization's card verification settings miss in a billing address."""
    address = address or {}
    if settings.require_postal_code and not (address.get("postal_code") or "").strip():
        return "The billing postal code is required."
    if settings.require_billing_address and not all(
            (address.get(key) or "").strip() for key in ("line1", "city", "country")):
        return "The billing address is required."
    return None


def _cp_checks(session, organization_id, settings, values, currency, amount, invoices,
               saved: SavedMethod | None) -> None:
    """The Cp codes we find ourselves, before any charge (seed: "Solución de problemas")."""
    if currency not in {c.upper() for c in settings.supported_currencies}:
        raise CpRefusal("Cp4003", f"{currency} is not a supported currency.")
    for invoice in invoices:
        profile = invoice.recurring_profile
        if profile is not None and profile.status == "deleted":
            raise CpRefusal("Cp1004", "The invoice's recurring profile was deleted.")
    if ops.default_tax(session, organization_id) is None:
        raise CpRefusal("Cp2001", "The organization has no default tax.")
    if values["auto_charge"] and not settings.supports_recurring:
        raise CpRefusal("Cp4002", "The gateway does not support recurring payments.")
    if values["method"] == "saved_card" and not settings.reference_transactions:
        raise CpRefusal("Cp3001", "Reference transactions are not enabled.")
    minimum = payment_codes.minimum_amount(currency)
    if minimum is not None and amount < minimum:
        raise CpRefusal("Cp4001", f"The minimum is {to_wire(minimum, currency)} {currency}.")
    if saved is not None and saved.type == "card":
        problem = address_problem(settings, saved.billing_address)
        if problem:
            raise CpRefusal("Cp3004", problem)
    if saved is not None and settings.duplicate_window_minutes > 0:
        since = utcnow() - timedelta(minutes=settings.duplicate_window_minutes)
        duplicate = session.scalar(select(PaymentAttempt.id).where(
            PaymentAttempt.organization_id == organization_id,
            PaymentAttempt.status == "succeeded",
            PaymentAttempt.gateway_method_id == saved.gateway_method_id,
            PaymentAttempt.amount == amount, PaymentAttempt.currency == currency,
            PaymentAttempt.settled_at >= since).limit(1))
        if duplicate:
            raise CpRefusal("Cp3005", "The same amount was just paid with this card.")


# --- starting ---------------------------------------------------------------------------

def _find_by_request_key(session, organization_id, customer_id, key):
    attempt = session.scalar(select(PaymentAttempt).where(
        PaymentAttempt.organization_id == organization_id,
        PaymentAttempt.request_key == key))
    if attempt is not None and attempt.customer_id != customer_id:
        raise PaymentAttemptNotFound("Payment not found.", {"idempotency_key": key})
    return attempt


def _new_attempt(organization_id, customer_id, values, currency, amount, allocations,
                 saved, request_key, status="processing") -> PaymentAttempt:
    attempt = PaymentAttempt(
        organization_id=organization_id, customer_id=customer_id,
        contact_id=values["contact_id"], request_key=request_key, method=values["method"],
        status=status, amount=amount, currency=currency,
        saved_method_id=saved.id if saved else None,
        gateway_method_id=saved.gateway_method_id if saved else None,
        save_method=values["save_method"] and values["method"] != "saved_card",
        auto_charge=values["auto_charge"])
    attempt.id = new_id()
    attempt.idempotency_key = attempt.id
    for position, (invoice, part) in enumerate(allocations):
        attempt.invoices.append(AttemptInvoice(invoice_id=invoice.id, invoice=invoice,
                                               position=position, amount=part,
                                               in_flight=status in UNSETTLED))
    return attempt


def _refuse(session, attempt: PaymentAttempt, cp_code, decline_code, message,
            announce: bool = True) -> None:
    """Fail the attempt (nothing was charged), free its invoices, tell staff (not about a
    checkout the customer simply left)."""
    attempt.status = "failed"
    attempt.cp_code, attempt.decline_code, attempt.message = cp_code, decline_code, message
    attempt.client_secret = None
    attempt.settled_at = utcnow()
    for ai in attempt.invoices:
        ai.in_flight = False
    session.flush()
    if not announce:
        return
    ops.emit(session, "payment_failed", attempt.organization_id,
             dict(_event_base(attempt), cp_code=cp_code, decline_code=decline_code,
                  message=message, remedy=payment_codes.remedy(cp_code)))


def refused_error(attempt: PaymentAttempt) -> PaymentRefused:
    return PaymentRefused.of(attempt.message or "The payment was refused.",
                             cp_code=attempt.cp_code, decline_code=attempt.decline_code,
                             gateway_message=attempt.message if attempt.cp_code is None
                             else None, attempt_id=attempt.id)


def start_payment(session, commit, make_client, organization_id: str, customer_id: str,
                  data: dict, request_key: str | None = None) -> dict:
    values = load(StartPaymentSchema(), data)
    if request_key is not None:
        existing = _find_by_request_key(session, organization_id, customer_id, request_key)
        if existing is not None:
            return attempt_view(existing, get_settings(session, organization_id))
    settings = get_settings(session, organization_id)
    saved = None
    if values["method"] == "saved_card" or (values["method"] == "ach"
                                            and values["payment_method_id"]):
        saved = saved_methods.owned(session, organization_id, customer_id,
                                    values["payment_method_id"])
    invoices = _locked_invoices(session, organization_id, customer_id, values["invoice_ids"])
    currency, amount, allocations = _allocation(invoices, values["amount"])
    try:
        _cp_checks(session, organization_id, settings, values, currency, amount,
                   [i for i, _ in allocations], saved)
    except CpRefusal as check:
        attempt = _new_attempt(organization_id, customer_id, values, currency, amount,
                               allocations, saved, None, status="failed")
        session.add(attempt)
        _refuse(session, attempt, check.cp_code, None, check.message)
        commit()
        raise refused_error(attempt) from None
    busy = session.scalar(select(AttemptInvoice.attempt_id).where(
        AttemptInvoice.invoice_id.in_([i.id for i, _ in allocations]),
        AttemptInvoice.in_flight.is_(True)).limit(1))
    if busy:
        session.rollback()
        raise PaymentInProgress("A payment of this invoice is already in progress.",
                                {"attempt_id": busy, "reason": "payment_in_progress"})
    attempt = _new_attempt(organization_id, customer_id, values, currency, amount,
                           allocations, saved, request_key)
    session.add(attempt)
    try:
        session.flush()
    except IntegrityError:  # another process got there first (in flight, or the same key)
        session.rollback()
        if request_key is not None:
            existing = _find_by_request_key(session, organization_id, customer_id,
                                            request_key)
            if existing is not None:
                return attempt_view(existing, settings)
        raise PaymentInProgress("A payment of this invoice is already in progress.",
                                {"reason": "payment_in_progress"}) from None
    commit()
    log.info("payment_attempt_started", extra={"attempt_id": attempt.id,
                                               "method": attempt.method})
    # Locked while Stripe is asked: reconciliation (SKIP LOCKED) leaves it alone meanwhile.
    attempt = locked_attempt(session, organization_id, attempt.id)
    advance(session, make_client, settings, attempt)
    commit()
    after_success(session, commit, make_client, settings, attempt)
    if attempt.status == "failed":
        raise refused_error(attempt)
    return attempt_view(attempt, settings)


# --- talking to Stripe ---------------------------------------------------------------------

def gateway_customer(session, client, organization_id: str, customer_id: str) -> str:
    """The Stripe customer of this portal customer (created once, then reused)."""
    row = session.get(GatewayCustomer, (organization_id, customer_id))
    if row is not None:
        return row.gateway_customer_id
    created = client.v1.customers.create(
        params={"metadata": {"portal_customer_id": customer_id}},
        options={"idempotency_key": f"customer-{organization_id}-{customer_id}"})
    try:
        with session.begin_nested():  # a savepoint: the caller's locks stay held
            session.add(GatewayCustomer(organization_id=organization_id,
                                        customer_id=customer_id,
                                        gateway_customer_id=created.id))
    except IntegrityError:  # created meanwhile by another call: use that one
        row = session.get(GatewayCustomer, (organization_id, customer_id))
        return row.gateway_customer_id
    return created.id


def _gateway_customer(session, client, attempt: PaymentAttempt) -> str:
    return gateway_customer(session, client, attempt.organization_id, attempt.customer_id)


def _intent_params(session, client, attempt: PaymentAttempt) -> dict:
    params = {"amount": to_minor_units(attempt.amount, attempt.currency),
              "currency": attempt.currency.lower(),
              "payment_method_types": METHOD_TYPES[attempt.method],
              "metadata": {"attempt_id": attempt.id,
                           "organization_id": attempt.organization_id}}
    if attempt.gateway_method_id or attempt.save_method or attempt.method == "saved_card":
        params["customer"] = _gateway_customer(session, client, attempt)
    if attempt.gateway_method_id:
        params.update(confirm=True, payment_method=attempt.gateway_method_id)
        if attempt.method != "card":  # a saved method, charged without the customer
            params["off_session"] = True
    return params


def call_gateway(session, make_client, settings, attempt: PaymentAttempt):
    """The next thing to ask Stripe about the attempt: its PaymentIntent (retrieved, or
    created — again with the same idempotency key when an earlier create got no answer),
    or for a new card its SetupIntent. The Stripe object, or Refused/Unknown."""
    client = make_client(settings)
    try:
        if attempt.intent_id:
            return client.v1.payment_intents.retrieve(attempt.intent_id)
        if attempt.method == "card" and not attempt.gateway_method_id:
            if attempt.setup_intent_id:
                return client.v1.setup_intents.retrieve(attempt.setup_intent_id)
            return client.v1.setup_intents.create(
                params={"customer": _gateway_customer(session, client, attempt),
                        "payment_method_types": ["card"],
                        "usage": "off_session" if attempt.save_method else "on_session",
                        "metadata": {"attempt_id": attempt.id,
                                     "organization_id": attempt.organization_id}},
                options={"idempotency_key": f"{attempt.idempotency_key}-setup"})
        if attempt.method == "card" and _address_required(settings):
            method = client.v1.payment_methods.retrieve(attempt.gateway_method_id).to_dict()
            problem = address_problem(settings, (method.get("billing_details") or {})
                                      .get("address"))
            if problem:
                return Refused("Cp3004", None, problem)
        return client.v1.payment_intents.create(
            params=_intent_params(session, client, attempt),
            options={"idempotency_key": attempt.idempotency_key})
    except stripe.StripeError as error:
        outcome = classify(error)
        log.warning("payment_gateway_error", extra={
            "attempt_id": attempt.id, "error": type(error).__name__,
            "code": getattr(error, "code", None), "outcome": type(outcome).__name__})
        return outcome


def advance(session, make_client, settings, attempt: PaymentAttempt) -> None:
    """Ask Stripe about the (locked) attempt and move it as far as it goes now: a card
    just set up in the browser is charged at once."""
    for _ in range(3):
        if attempt.status == "succeeded":
            return
        before = (attempt.status, attempt.gateway_method_id, attempt.intent_id)
        settle_outcome(session, attempt, call_gateway(session, make_client, settings,
                                                      attempt))
        if attempt.status != "processing" or before == (
                attempt.status, attempt.gateway_method_id, attempt.intent_id):
            return


def locked_attempt(session, organization_id, attempt_id, customer_id=None,
                   skip_locked=False) -> PaymentAttempt:
    query = select(PaymentAttempt).where(PaymentAttempt.id == attempt_id)
    attempt = session.scalar(query.with_for_update(skip_locked=skip_locked)
                             .execution_options(populate_existing=True))
    if attempt is None or attempt.organization_id != organization_id or (
            customer_id is not None and attempt.customer_id != customer_id):
        raise PaymentAttemptNotFound("Payment not found.", {"attempt_id": attempt_id})
    return attempt


def settle_outcome(session, attempt: PaymentAttempt, outcome) -> None:
    if isinstance(outcome, Refused):
        if attempt.status not in FINAL:
            _refuse(session, attempt, outcome.cp_code, outcome.decline_code, outcome.message)
    elif isinstance(outcome, Unknown):
        # the charge may or may not exist: stay processing, reconciliation will ask
        attempt.message = None
        attempt.updated_at = utcnow()
    elif _get(outcome, "object") == "setup_intent":
        apply_setup_intent(session, attempt, outcome)
    else:
        apply_intent(session, attempt, outcome)


def apply_setup_intent(session, attempt: PaymentAttempt, setup) -> None:
    """A new card's SetupIntent: set up → the card is charged next; declined → failed;
    else the browser still has to confirm it."""
    if attempt.status in FINAL:
        return
    attempt.setup_intent_id = _get(setup, "id")
    status = _get(setup, "status")
    if status == "succeeded" and _get(setup, "payment_method"):
        method = _get(setup, "payment_method")
        attempt.gateway_method_id = method if isinstance(method, str) else _get(method, "id")
        attempt.status = "processing"
        attempt.client_secret = None
    elif status == "canceled":
        error = _get(setup, "last_setup_error")
        decline = _get(error, "decline_code") or _get(error, "code") or "card_declined"
        _refuse(session, attempt, _cp_of_decline(decline), decline,
                _get(error, "message") or "Your card was declined.")
    else:
        attempt.status = "requires_confirmation"
        attempt.client_secret = _get(setup, "client_secret")
    session.flush()


def _get(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


def apply_intent(session, attempt: PaymentAttempt, intent) -> None:
    """Move the (locked) attempt to what the PaymentIntent says; idempotent."""
    if attempt.status == "succeeded":
        return
    status = _get(intent, "status")
    attempt.intent_id = _get(intent, "id") or attempt.intent_id
    method = _get(intent, "payment_method")
    if method:
        attempt.gateway_method_id = method if isinstance(method, str) else _get(method, "id")
    if status == "succeeded":
        _settle_success(session, attempt, intent)
    elif status == "processing":
        if attempt.status != "pending":
            attempt.status = "pending"
            attempt.client_secret = None
            session.flush()
            ops.emit(session, "payment_pending", attempt.organization_id,
                     _event_base(attempt))
    elif status in ("requires_payment_method", "canceled"):
        error = _get(intent, "last_payment_error")
        if status == "canceled" or error:
            if attempt.status != "failed":
                decline = _get(error, "decline_code") or _get(error, "code")
                cp_code = _cp_of_decline(decline)
                _refuse(session, attempt, cp_code, decline,
                        _get(error, "message") or "The payment was not completed.")
        elif attempt.status == "processing":
            attempt.status = "requires_confirmation"
            attempt.client_secret = _get(intent, "client_secret")
    elif status in ("requires_confirmation", "requires_action"):
        if attempt.status == "processing":
            attempt.status = "requires_confirmation"
            attempt.client_secret = _get(intent, "client_secret")
    session.flush()


def _cp_of_decline(decline: str | None) -> str | None:
    error = stripe.CardError("declined", None, decline,
                             json_body={"error": {"decline_code": decline}})
    return classify(error).cp_code


def _settle_success(session, attempt: PaymentAttempt, intent) -> None:
    """One Payment for the attempt, applied in order, never beyond an invoice's balance."""
    received = attempt.amount
    units = _get(intent, "amount_received") or _get(intent, "amount")
    if units:
        received = from_minor_units(int(units), attempt.currency)
    ids = sorted(ai.invoice_id for ai in attempt.invoices)
    locked = {i.id: i for i in session.scalars(
        select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id).with_for_update()
        .execution_options(populate_existing=True))}
    payment = Payment(organization_id=attempt.organization_id,
                      customer_id=attempt.customer_id,
                      number=assign_number(session, Payment, attempt.organization_id,
                                           "payment"),
                      amount=received, unapplied=received, currency=attempt.currency,
                      date=ops.today(), mode="ach" if attempt.method == "ach" else "card",
                      reference=(attempt.intent_id or "")[:100], attempt_id=attempt.id)
    session.add(payment)
    left = received
    for ai in attempt.invoices:
        invoice = locked[ai.invoice_id]
        part = min(ai.amount, invoice.balance, left)
        if invoice.status in ops.OPEN_STATUSES and part > 0:
            ops._reduce_balance(invoice, part)
            if invoice.kind == "retainer":
                invoice.retainer_available += part
            payment.applications.append(PaymentApplication(invoice_id=invoice.id,
                                                           amount=part))
            left -= part
        ai.in_flight = False
    payment.unapplied = left
    attempt.status = "succeeded"
    attempt.client_secret = None
    attempt.cp_code = attempt.decline_code = attempt.message = None
    attempt.settled_at = utcnow()
    session.flush()
    attempt.payment_id = payment.id
    session.flush()
    ops.emit(session, "payment_succeeded", attempt.organization_id,
             {"payment_id": payment.id, "number": payment.number, "attempt_id": attempt.id,
              "customer_id": attempt.customer_id, "contact_id": attempt.contact_id,
              "amount": to_wire(received, attempt.currency), "currency": attempt.currency,
              "method": attempt.method, "date": payment.date.isoformat(),
              "invoices": [{"invoice_id": a.invoice_id,
                            "number": locked[a.invoice_id].number,
                            "amount": to_wire(a.amount, attempt.currency)}
                           for a in payment.applications]})


# --- after the browser, and when asked ------------------------------------------------------

def complete_payment(session, commit, make_client, organization_id: str, customer_id: str,
                     attempt_id: str) -> dict:
    """After the browser confirmed the card: what Stripe says now, settled."""
    settings = get_settings(session, organization_id)
    attempt = locked_attempt(session, organization_id, attempt_id, customer_id)
    if attempt.status not in FINAL:
        advance(session, make_client, settings, attempt)
    commit()
    after_success(session, commit, make_client, settings, attempt)
    return attempt_view(attempt, settings)


def after_success(session, commit, make_client, settings, attempt: PaymentAttempt) -> None:
    """Keep (or let go of) the card that just paid; a failure here never undoes a payment."""
    if attempt.status != "succeeded":
        return
    try:
        saved_methods.after_payment(session, make_client(settings), attempt)
        commit()
    except (stripe.StripeError, IntegrityError) as error:
        session.rollback()
        log.warning("saved_method_not_stored", extra={"attempt_id": attempt.id,
                                                      "error": type(error).__name__})


def get_attempt(session, organization_id, customer_id, attempt_id) -> dict:
    attempt = session.get(PaymentAttempt, attempt_id) if attempt_id else None
    if attempt is None or attempt.organization_id != organization_id or (
            customer_id is not None and attempt.customer_id != customer_id):
        raise PaymentAttemptNotFound("Payment not found.", {"attempt_id": attempt_id})
    return attempt_view(attempt, find_settings(session, organization_id))


def _expire(session, make_client, settings, attempt: PaymentAttempt) -> None:
    """An attempt the browser never confirmed: cancelled at Stripe, then failed, so its
    invoices can be paid again. Kept when Stripe cannot be asked (tried next time)."""
    client = make_client(settings)
    try:
        if attempt.intent_id:
            client.v1.payment_intents.cancel(attempt.intent_id)
        elif attempt.setup_intent_id:
            client.v1.setup_intents.cancel(attempt.setup_intent_id)
    except stripe.StripeError as error:
        if isinstance(classify(error), Unknown):
            return
        advance(session, make_client, settings, attempt)  # it moved meanwhile?
        if attempt.status != "requires_confirmation":
            return
    _refuse(session, attempt, None, "abandoned", "The payment was not completed in time.",
            announce=False)


def reconcile(session, commit, make_client, organization_id: str | None = None,
              limit: int = 50) -> dict:
    """Ask Stripe about attempts without an outcome (processing, pending, or waiting for the
    browser) for longer than BILLING_RECONCILE_AFTER_SECONDS and settle them; one the
    browser left unconfirmed for BILLING_ATTEMPT_EXPIRY_SECONDS is cancelled. One row at a
    time, locked ``FOR UPDATE SKIP LOCKED``: several billing processes share the work and
    none waits for another."""
    now = utcnow()
    cutoff = now - timedelta(seconds=env_int("BILLING_RECONCILE_AFTER_SECONDS", 60))
    expiry = now - timedelta(seconds=env_int("BILLING_ATTEMPT_EXPIRY_SECONDS", 900))
    postgres = session.get_bind().dialect.name == "postgresql"
    checked, settled, seen = 0, 0, set()
    while checked < limit:
        query = select(PaymentAttempt).where(PaymentAttempt.status.in_(UNSETTLED),
                                             PaymentAttempt.updated_at <= cutoff)
        if organization_id is not None:
            query = query.where(PaymentAttempt.organization_id == organization_id)
        if seen:
            query = query.where(PaymentAttempt.id.notin_(seen))
        query = query.order_by(PaymentAttempt.updated_at).limit(1)
        if postgres:
            query = query.with_for_update(skip_locked=True)
        attempt = session.scalar(query.execution_options(populate_existing=True))
        if attempt is None:
            break
        seen.add(attempt.id)
        checked += 1
        before = attempt.status
        settings = find_settings(session, attempt.organization_id)
        if settings is not None:
            advance(session, make_client, settings, attempt)
            if attempt.status == "requires_confirmation" and attempt.created_at <= expiry:
                _expire(session, make_client, settings, attempt)
        if attempt.status == before:
            attempt.updated_at = utcnow()  # looked at: older ones come first next time
        else:
            settled += 1
        commit()
        after_success(session, commit, make_client, settings, attempt)
    if checked:
        log.info("payments_reconciled", extra={"checked": checked, "settled": settled})
    return {"checked": checked, "settled": settled}
