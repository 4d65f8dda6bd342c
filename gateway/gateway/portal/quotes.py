"""Quotes in the portal: the list (status filter, order, pages), one quote (viewed,
accepted with an optional typed signature, declined with an optional reason, negotiated in
comments, printed, downloaded as PDF) and forwarding it to someone else.

Every quotes call names the session's organization and customer, and the quotes service
answers only with that customer's quotes that are not drafts; anything else is its
QuoteNotFound, the portal's 404. A decision that loses (someone decided first, or the
quote expired meanwhile) is the quote's page again with status 409 and a sentence saying
what happened, never an error page.
"""
from flask import abort, flash, g, get_flashed_messages, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from portal_common.errors import ValidationFailed
from portal_common.text import has_markup
from quotes.exceptions import QuoteAlreadyDecided, QuoteExpired, QuoteStateConflict

from ..formatting import day, moment, number
from ..pdf import pdf_response, render_pdf
from ..rpc_access import get_rpc
from . import bp, forwarding
from .comments import CommentForm, post_comment
from .customer import author_name, profile, who
from .lists import PageQuery, choice, chosen_by, kept, service_page
from .session import login_required

SIGNATURE_MAX = 200
REASON_MAX = 2000
AWAITING = ("sent", "viewed")

# A quote's statuses ("quote" context: a presupuesto is masculine, a factura is not).
STATUS_LABELS = {"draft": _l("Draft"), "sent": lazy_pgettext("quote", "Sent"),
                 "viewed": lazy_pgettext("quote", "Viewed"),
                 "accepted": lazy_pgettext("quote", "Accepted"),
                 "declined": lazy_pgettext("quote", "Declined"),
                 "expired": lazy_pgettext("quote", "Expired"),
                 "invoiced": lazy_pgettext("quote", "Invoiced")}
STATUS_FILTERS = {"all": _l("Any status"), "awaiting": _l("Awaiting your decision"),
                  **{status: label for status, label in STATUS_LABELS.items()
                     if status != "draft"}}
SORTS = {"date": _l("Date"), "expiry_date": _l("Expiry date"), "amount": _l("Amount"),
         "number": _l("Number")}
ORDERS = {"desc": _l("Newest or largest first"), "asc": _l("Oldest or smallest first")}
# The page's names for the quotes service's sort keys.
SERVICE_SORT = {"date": "date", "expiry_date": "expiry_date", "amount": "total",
                "number": "number"}
LIST_DEFAULTS = {"status": "all", "sort": "date", "order": "desc", "per_page": None}


# Flashed across the redirect back to the quote (category "quote").
QUOTE_NOTICES = {
    "accepted": _l("You have accepted this quote. Thank you!"),
    "declined": _l("You have declined this quote. You can still discuss it with us in the "
                   "comments."),
    "comment_added": _l("Your comment has been added."),
    "forwarded": _l("The quote has been sent to %(email)s, who is now one of your contact "
                    "persons."),
}


class QuoteListQuery(PageQuery):
    status = choice(STATUS_FILTERS, "all")
    sort = choice(SORTS, "date")
    order = choice(ORDERS, "desc")


class AcceptForm(FlaskForm):
    signature_name = StringField(_l("Type your full name to sign (optional)"),
                                 render_kw={"maxlength": SIGNATURE_MAX, "autocomplete": "name"})


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why are you declining? (optional)"),
                           render_kw={"maxlength": REASON_MAX, "rows": 3})


def _visible(quote: dict) -> dict:
    if quote.get("status") == "draft":  # the service never shows one; doubly sure
        abort(404)
    return quote


def _quote(quote_id: str) -> dict:
    """The customer's quote with lines, revisions and the comments shown in the portal."""
    organization_id, customer_id = who()
    return _visible(get_rpc().quotes.get_quote(organization_id, quote_id,
                                               customer_id=customer_id))


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "number": number}


def decision_text(quote: dict) -> str | None:
    """Who decided and when, in a sentence ("Accepted by Marta on …, signed as …")."""
    status, who = quote.get("status"), quote.get("decided_by_name") or _("someone else")
    when = moment(quote.get("decided_at")) if quote.get("decided_at") else ""
    if status in ("accepted", "invoiced") and quote.get("decided_at"):
        text = _("Accepted by %(name)s on %(date)s", name=who, date=when)
        if quote.get("signature_name"):
            text += ", " + _("signed as %(signature)s", signature=quote["signature_name"])
        return text + "."
    if status == "declined":
        return _("Declined by %(name)s on %(date)s.", name=who, date=when)
    if status == "expired":
        return _("This quote expired on %(date)s. It can no longer be accepted or declined; "
                 "write a comment if you would like a new one.",
                 date=day(quote.get("expiry_date")))
    return None


def refusal_text(exc: QuoteStateConflict) -> str:
    """What a refused decision means to the person who tried it."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(exc, QuoteExpired):
        return _("This quote expired on %(date)s and can no longer be accepted or declined.",
                 date=day(details.get("expiry_date")))
    if isinstance(exc, QuoteAlreadyDecided):
        who = details.get("decided_by_name") or _("someone else")
        when = moment(details.get("decided_at")) if details.get("decided_at") else ""
        if details.get("status") == "declined":
            return _("This quote has already been declined by %(name)s on %(date)s.",
                     name=who, date=when)
        return _("This quote has already been accepted by %(name)s on %(date)s.",
                 name=who, date=when)
    return _("This quote can no longer be accepted or declined.")


# --- the list --------------------------------------------------------------------------

@bp.get("/quotes")
@login_required
def quotes():
    chosen = chosen_by(QuoteListQuery())
    sort = SERVICE_SORT[chosen["sort"]]
    query = {"sort": sort if chosen["order"] == "asc" else f"-{sort}",
             **service_page(chosen, "status")}
    page = get_rpc().quotes.portal_quote_page(*who(), query)
    return render_template("portal/quotes.html", page=page, chosen=chosen,
                           kept=kept(chosen, LIST_DEFAULTS),
                           statuses=STATUS_FILTERS, sorts=SORTS, orders=ORDERS,
                           filtered=chosen["status"] != "all", **_labels())


# --- one quote -------------------------------------------------------------------------

def _render_quote(quote: dict, status: int = 200, comment_form=None, accept_form=None,
                  decline_form=None, refusal: str | None = None):
    notices = [str(QUOTE_NOTICES[key]) % {"email": extra}
               for key, extra in get_flashed_messages(category_filter=["quote"])
               if key in QUOTE_NOTICES]
    return render_template(
        "portal/quote.html", quote=quote, customer=profile()["customer"],
        organization=g.organization, can_decide=quote.get("status") in AWAITING,
        decision=decision_text(quote), refusal=refusal, quote_notices=notices,
        comment_form=comment_form or CommentForm(formdata=None),
        accept_form=accept_form or AcceptForm(formdata=None),
        decline_form=decline_form or DeclineForm(formdata=None), **_labels()), status


@bp.get("/quotes/<quote_id>")
@login_required
def quote(quote_id):
    """The quote as the customer sees it; the quotes service records the first view."""
    organization_id, customer_id = who()
    viewed = get_rpc().quotes.mark_quote_viewed(organization_id, customer_id,
                                                g.portal["contact_id"], quote_id)
    return _render_quote(_visible(viewed))


def _decide(quote_id: str, form, field, method: str, data: dict, done: str):
    """Accept or decline; a refusal is the quote again with its reason (409)."""
    organization_id, customer_id = who()
    try:
        getattr(get_rpc().quotes, method)(organization_id, customer_id,
                                          g.portal["contact_id"], quote_id,
                                          {"contact_name": author_name(), **data})
    except QuoteStateConflict as exc:
        return _render_quote(_quote(quote_id), 409, refusal=refusal_text(exc))
    except ValidationFailed:
        field.errors = [_("This could not be saved. Check it and try again.")]
        kind = "accept_form" if isinstance(form, AcceptForm) else "decline_form"
        return _render_quote(_quote(quote_id), 400, **{kind: form})
    flash((done, ""), "quote")
    return redirect(url_for(".quote", quote_id=quote_id))


@bp.post("/quotes/<quote_id>/accept")
@login_required
def quote_accept(quote_id):
    shown = _quote(quote_id)  # someone else's quote is a 404 before anything else
    form = AcceptForm()
    signature = " ".join((form.signature_name.data or "").split())
    if len(signature) > SIGNATURE_MAX:
        form.signature_name.errors = [_("Use at most %(max)d characters.", max=SIGNATURE_MAX)]
        return _render_quote(shown, 400, accept_form=form)
    if has_markup(signature):
        form.signature_name.errors = [_("Type your name as plain text, without < > markup.")]
        return _render_quote(shown, 400, accept_form=form)
    return _decide(quote_id, form, form.signature_name, "accept_quote",
                   {"signature_name": signature} if signature else {}, "accepted")


@bp.post("/quotes/<quote_id>/decline")
@login_required
def quote_decline(quote_id):
    shown = _quote(quote_id)
    form = DeclineForm()
    reason = (form.reason.data or "").strip()
    if len(reason) > REASON_MAX:
        form.reason.errors = [_("Use at most %(max)d characters.", max=REASON_MAX)]
        return _render_quote(shown, 400, decline_form=form)
    if has_markup(reason):
        form.reason.errors = [_("Write the reason as plain text: remove the < > markup.")]
        return _render_quote(shown, 400, decline_form=form)
    return _decide(quote_id, form, form.reason, "decline_quote", {"reason": reason}, "declined")


@bp.post("/quotes/<quote_id>/comments")
@login_required
def quote_comment(quote_id):
    shown = _quote(quote_id)
    form = CommentForm()
    if not post_comment(form, lambda body: get_rpc().quotes.add_quote_comment(
            g.portal["organization_id"], quote_id, {"body": body, "author_name": author_name()},
            customer_id=g.portal["customer_id"], contact_id=g.portal["contact_id"])):
        return _render_quote(shown, 400, comment_form=form)
    flash(("comment_added", ""), "quote")
    return redirect(url_for(".quote", quote_id=quote_id, _anchor="comments"))


# --- print, PDF, forward ---------------------------------------------------------------

@bp.get("/quotes/<quote_id>/print")
@login_required
def quote_print(quote_id):
    """The same document without the menu, laid out for paper."""
    shown = _quote(quote_id)
    return render_template("portal/quote_print.html", quote=shown,
                           customer=profile()["customer"], organization=g.organization,
                           decision=decision_text(shown), printing=True, **_labels())


def quote_pdf_bytes(shown: dict, profile: dict) -> bytes:
    return render_pdf("pdf/quote.html", quote=shown, customer=profile["customer"],
                      organization=profile["organization"], decision=decision_text(shown),
                      **_labels())


@bp.get("/quotes/<quote_id>/pdf")
@login_required
def quote_pdf(quote_id):
    shown = _quote(quote_id)
    return pdf_response(quote_pdf_bytes(shown, profile()), f"{shown['number']}.pdf")


@bp.route("/quotes/<quote_id>/forward", methods=["GET", "POST"])
@login_required
def quote_forward(quote_id):
    """Send the quote's PDF to someone; they become one of the customer's contacts."""
    shown = _quote(quote_id)
    return forwarding.page(
        "portal/quote_forward.html", "quote", shown["number"],
        lambda profile: quote_pdf_bytes(shown, profile), url_for(".quote", quote_id=quote_id),
        missing_email=_("Enter the email address to send the quote to."),
        not_sent=_("The quote could not be sent. Check the details and try again."),
        quote=shown)
