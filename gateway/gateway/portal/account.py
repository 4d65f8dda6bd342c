"""What a logged-in contact does besides looking: My details, change password, email
the business, write a review.

Every call to identity names the organization, customer and contact of the session
resolved for this request (``g.portal``), and identity checks them again.
"""
import unicodedata

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _

from identity.countries import COUNTRY_CODES
from identity.exceptions import (MessageLimitReached, PasswordPolicyViolation,
                                 ReviewLimitReached, SessionInvalid, TooManyAttempts,
                                 WrongPassword)
from identity.security import POLICY_TEXT
from portal_common.errors import ValidationFailed

from ..i18n import current_language
from ..rpc_access import get_rpc
from . import bp, messages
from .forms import SECTION_FORMS, ChangePasswordForm, MessageForm, ReviewForm
from .session import client_address, current_token, forget_session, login_required

SECTIONS = ("company", "billing_address", "shipping_address", "contact")


def _who() -> tuple[str, str, str]:
    return g.portal["organization_id"], g.portal["customer_id"], g.portal["contact_id"]


def _typed(form) -> dict:
    """What was sent for the form's fields (fields not sent are left unchanged)."""
    return {field.name: request.form[field.name] for field in form
            if field.name != "csrf_token" and field.name in request.form}


def _show_problems(form, details: dict) -> bool:
    """identity's refusals next to their fields; True if one has no field to go to."""
    names = [field.name for field in form if field.name != "csrf_token"]
    shown, unplaced = messages.field_problems(details, names)
    for name, problems in shown.items():
        form[name].errors = problems
    return unplaced


def country_choices(current: str = "") -> list[tuple[str, str]]:
    """Every country identity accepts, named and sorted in the page's language."""
    territories = get_locale().territories if get_locale() else {}
    named = [(code, territories.get(code, code)) for code in COUNTRY_CODES]
    if current and current not in COUNTRY_CODES:  # an old value is shown, not swapped
        named.append((current, current))

    def key(item):
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().casefold()

    return [("", _("Choose a country"))] + sorted(named, key=key)


# --- My details ------------------------------------------------------------------------------

def _section_values(section: str, customer: dict, contact: dict) -> dict:
    if section == "company":
        return {name: customer.get(name) or "" for name in
                ("company_name", "email", "phone", "website")}
    if section == "contact":
        return {name: contact.get(name) or "" for name in ("first_name", "last_name", "phone")}
    return dict(customer.get(section) or {})


def _section_form(section: str, values: dict | None):
    form = SECTION_FORMS[section](data=values) if values is not None else SECTION_FORMS[section]()
    if "country" in form:
        form.country.choices = country_choices(
            form.country.data if values is None else values.get("country", ""))
    return form


@bp.route("/details", methods=["GET", "POST"])
@login_required
def details():
    """My details; ``?edit=<section>`` shows that one section as a form, POST saves it."""
    editing = request.args.get("edit")
    if editing is not None and editing not in SECTIONS:
        abort(404)
    if request.method == "POST" and editing is None:
        abort(400)
    identity = get_rpc().identity
    form, problem, status = None, None, 200
    if request.method == "POST":
        form = _section_form(editing, None)
        try:
            saved = identity.update_portal_details(*_who(), editing, _typed(form))
        except ValidationFailed as exc:
            status = 400
            if _show_problems(form, exc.details):
                problem = _("Some of the details could not be saved. Check them and try again.")
        else:
            flash("details_saved" if saved["changes"] else "details_unchanged")
            return redirect(url_for(".details", _anchor=editing))
    profile = identity.get_portal_profile(g.portal["organization_id"], g.portal["customer_id"])
    customer, contact = profile["customer"], g.portal["contact"]
    if editing and form is None:
        form = _section_form(editing, _section_values(editing, customer, contact))
    return render_template("portal/details.html", organization=profile["organization"],
                           customer=customer, contact=contact, editing=editing, form=form,
                           problem=problem, sections=SECTIONS), status


# --- change password -----------------------------------------------------------------------

@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        try:
            get_rpc().identity.change_password(
                *_who(), current_token(),
                {"old_password": form.old_password.data, "new_password": form.new_password.data},
                ip=client_address())
        except WrongPassword:
            form.old_password.errors = [messages.wrong_password()]
            status = 400
        except PasswordPolicyViolation as exc:
            form.new_password.errors = messages.password_problems(exc.details.get("password", []))
            status = 400
        except TooManyAttempts as exc:
            retry_after = exc.details.get("retry_after")
            error, status = messages.too_many_attempts(retry_after), 429
            if retry_after:
                headers["Retry-After"] = str(retry_after)
        except SessionInvalid:
            flash("session_ended")
            response = redirect(url_for(".login"))
            forget_session(response)
            return response
        else:
            flash("password_changed")
            return redirect(url_for(".home"))
    elif form.is_submitted():
        status = 400
    return render_template("portal/password.html", form=form, error=error,
                           policy=POLICY_TEXT.get(current_language(), POLICY_TEXT["en"])), \
        status, headers


# --- email the business, write a review ------------------------------------------------------

def _send(form, call, limit_class, kind: str, notice: str, template: str):
    error, status, headers = None, 200, {}
    if request.method == "POST":
        try:
            call(_typed_for_sending(form))
        except ValidationFailed as exc:
            status = 400
            if _show_problems(form, exc.details):
                error = _("What you wrote could not be sent. Check it and try again.")
        except limit_class as exc:
            error, status = messages.sending_limit(exc.details, kind), 429
            if exc.details.get("retry_after"):
                headers["Retry-After"] = str(exc.details["retry_after"])
        else:
            flash(notice)
            return redirect(url_for(".home"))
    return render_template(template, form=form, error=error, organization=g.organization,
                           contact=g.portal["contact"]), status, headers


def _typed_for_sending(form) -> dict:
    data = {name: request.form.get(name, "") for name in
            (field.name for field in form if field.name != "csrf_token")}
    if "rating" in data:
        rating = data["rating"].strip()
        # A digit string is a number for identity to judge (1-5); anything else it refuses.
        data["rating"] = int(rating) if rating.isascii() and rating.isdigit() \
            and len(rating) <= 3 else (rating or None)
    return data


@bp.route("/message", methods=["GET", "POST"])
@login_required
def message():
    """Send email: a subject and a message to the organization's registered address."""
    return _send(MessageForm(),
                 lambda data: get_rpc().identity.send_customer_message(*_who(), data),
                 MessageLimitReached, "message", "message_sent", "portal/message.html")


@bp.route("/review", methods=["GET", "POST"])
@login_required
def review():
    """Write a review: a rating from 1 to 5 and a message."""
    return _send(ReviewForm(),
                 lambda data: get_rpc().identity.submit_review(*_who(), data),
                 ReviewLimitReached, "review", "review_sent", "portal/review.html")
