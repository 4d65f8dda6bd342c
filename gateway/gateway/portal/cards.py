"""Card details: the customer's saved payment methods on the home page, their billing
details and expiry edited, removed, and a new card added.

Adding a card is a Stripe SetupIntent: the browser hands the card to Stripe.js
(confirmCardSetup) and posts only the SetupIntent's id back; billing asks Stripe for the
card's brand, last four digits and expiry and keeps those with the gateway's id. The
rest (edit, remove) are plain forms. billing answers only for the session's customer:
another customer's saved method is SavedMethodNotFound, a 404 page.
"""
import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from billing.exceptions import PaymentRefused
from portal_common.errors import ValidationFailed

from ..payment_messages import refusal_message
from ..rpc_access import get_rpc
from . import bp
from .account import country_choices
from .pay import gateway_settings
from .session import login_required
from .stripe_page import render_payment_page

METHOD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SETUP_INTENT_ID = re.compile(r"^seti_[A-Za-z0-9]{1,200}$")
ADDRESS_FIELDS = ("line1", "city", "postal_code", "country")
LIMITS = {"billing_name": 200, "line1": 200, "city": 100, "postal_code": 20, "country": 2}


def _who() -> tuple[str, str]:
    return g.portal["organization_id"], g.portal["customer_id"]


def _saved(method_id: str) -> dict:
    if not METHOD_ID.match(method_id or ""):
        abort(404)
    found = next((m for m in get_rpc().billing.list_saved_methods(*_who())
                  if m["id"] == method_id), None)
    if found is None:
        abort(404)
    return found


# --- add ----------------------------------------------------------------------------------

def _card_new_page(problem: str | None = None, status: int = 200):
    settings = gateway_settings()
    if settings is None:
        abort(404)
    setup = get_rpc().billing.start_method_setup(*_who(), g.portal["contact"]["id"])
    return render_payment_page("portal/card_new.html", {**settings, **setup}, status,
                               setup=setup, contact=g.portal["contact"], problem=problem)


@bp.get("/cards/new")
@login_required
def card_new():
    return _card_new_page()


@bp.post("/cards/new")
@login_required
def card_new_complete():
    setup_intent_id = request.form.get("setup_intent_id", "")
    if not SETUP_INTENT_ID.match(setup_intent_id):
        abort(400)
    try:
        get_rpc().billing.complete_method_setup(*_who(), setup_intent_id)
    except PaymentRefused as exc:
        # Not set up after all (declined, or the bank's check not completed): try again.
        return _card_new_page(refusal_message(exc.details, exc.message), 402)
    flash("card_added")
    return redirect(url_for(".home", _anchor="cards"))


# --- edit ---------------------------------------------------------------------------------

def _form_values(method: dict) -> dict:
    address = method.get("billing_address") or {}
    return {"billing_name": method.get("billing_name") or "",
            **{name: address.get(name) or "" for name in ADDRESS_FIELDS},
            "exp_month": str(method.get("exp_month") or ""),
            "exp_year": str(method.get("exp_year") or "")}


def _changes(values: dict, errors: dict) -> dict | None:
    """billing's update data from the form, or None with ``errors`` filled."""
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = _("Use at most %(max)d characters.", max=limit)
    month, year = values["exp_month"], values["exp_year"]
    if not (month.isdigit() and 1 <= int(month) <= 12):
        errors["exp_month"] = _("Enter the month as a number from 1 to 12.")
    if not (year.isdigit() and len(year) == 4):
        errors["exp_year"] = _("Enter the year with four digits, such as 2030.")
    if errors:
        return None
    return {"billing_name": values["billing_name"],
            "billing_address": {name: values[name] or None for name in ADDRESS_FIELDS},
            "exp_month": int(month), "exp_year": int(year)}


@bp.route("/cards/<method_id>/edit", methods=["GET", "POST"])
@login_required
def card_edit(method_id):
    method = _saved(method_id)
    values, errors, status = _form_values(method), {}, 200
    if request.method == "POST":
        values = {name: (request.form.get(name) or "").strip() for name in values}
        values["country"] = values["country"].upper()
        changes = _changes(values, errors)
        status = 400
        if changes is not None:
            try:
                get_rpc().billing.update_saved_method(*_who(), method_id, changes)
            except ValidationFailed as exc:
                for name, problems in (exc.details or {}).items():
                    errors[name if name in values else "form"] = _(
                        "This value was not accepted. Check it and try again.")
            else:
                flash("card_updated")
                return redirect(url_for(".home", _anchor="cards"))
    return render_template("portal/card_edit.html", method=method, values=values,
                           errors=errors, countries=country_choices(values["country"])), status


# --- remove -------------------------------------------------------------------------------

@bp.post("/cards/<method_id>/remove")
@login_required
def card_remove(method_id):
    _saved(method_id)
    get_rpc().billing.remove_saved_method(*_who(), method_id)
    flash("card_removed")
    return redirect(url_for(".home", _anchor="cards"))
