"""Forwarding a document from the portal (an invoice, a quote, a sales order): the
person becomes one of the customer's contacts (identity, no portal access) and notify
mails them the document's PDF. The pages say in their own words which document it is;
the form, its checks and the two calls are the same for all of them.
"""
import base64
from typing import Callable

from flask import flash, g, redirect, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField

from portal_common.errors import ValidationFailed

from ..i18n import current_language
from ..rpc_access import get_rpc
from . import messages
from .customer import author_name, who

MESSAGE_MAX = 2000


class ForwardForm(FlaskForm):
    email = EmailField(_l("Email address"), render_kw={"maxlength": 254,
                                                        "autocomplete": "email"})
    name = StringField(_l("Name (optional)"), render_kw={"maxlength": 200,
                                                          "autocomplete": "name"})
    message = TextAreaField(_l("Message (optional)"), render_kw={"maxlength": MESSAGE_MAX,
                                                                 "rows": 5})


def _show_problems(form, details: dict) -> bool:
    """identity's refusals under their fields; whether some refusal has no field."""
    shown, unplaced = messages.field_problems(details, ("email", "name"))
    for name, problems in shown.items():
        form[name].errors = problems
    return unplaced


def submit(form: ForwardForm, document_type: str, document_number: str,
           make_pdf: Callable[[dict], bytes], missing_email: str,
           not_sent: str) -> tuple[str | None, str | None]:
    """A posted forward form: ``(email, None)`` once sent, else ``(None, problem)``
    with the fields' errors set (``problem`` is for what no field shows, may be None).

    ``make_pdf(profile)`` renders the document for identity's portal profile;
    ``missing_email`` and ``not_sent`` are the page's own sentences.
    """
    email = (form.email.data or "").strip()
    name = (form.name.data or "").strip()
    note = (form.message.data or "").strip()
    if not email:
        form.email.errors = [missing_email]
        return None, None
    if len(note) > MESSAGE_MAX:
        form.message.errors = [_("Use at most %(max)d characters.", max=MESSAGE_MAX)]
        return None, None
    try:
        send(document_type, document_number, make_pdf, email, name, note)
    except ValidationFailed as exc:
        return None, (not_sent if _show_problems(form, exc.details) else None)
    return email, None


def page(template: str, document_type: str, document_number: str,
         make_pdf: Callable[[dict], bytes], back_url: str, missing_email: str, not_sent: str,
         **context):
    """A document's forward page: the form (GET), or sending it (POST) and back to the
    document at ``back_url`` with ("forwarded", email) flashed in the ``document_type``
    category; a refusal is the form again, 400. ``context`` names the document for the
    template."""
    form = ForwardForm()
    problem, status = None, 200
    if request.method == "POST":
        status = 400
        email, problem = submit(form, document_type, document_number, make_pdf,
                                missing_email=missing_email, not_sent=not_sent)
        if email:
            flash(("forwarded", email), document_type)
            return redirect(back_url)
    return render_template(template, form=form, problem=problem, **context), status


def send(document_type: str, document_number: str, make_pdf: Callable[[dict], bytes],
         email: str, name: str, note: str) -> None:
    """identity keeps the person as a contact (no portal access), notify mails the PDF."""
    rpc = get_rpc()
    organization_id, customer_id = who()
    rpc.identity.add_forwarded_contact(organization_id, customer_id,
                                       {"email": email, "name": name})
    profile = rpc.identity.get_portal_profile(organization_id, customer_id)
    pdf = make_pdf(profile)
    rpc.notify.send_document_email(organization_id, {
        "to_email": email, "to_name": name, "language": current_language(),
        "document_type": document_type, "document_number": document_number,
        "sender_name": author_name(), "customer_name": profile["customer"]["display_name"],
        "organization_name": profile["organization"]["name"], "message": note,
        # An answer goes to the contact who forwarded it, not to a no-reply address.
        "reply_to": g.portal["contact"].get("email") or None,
        "attachment": {"filename": f"{document_number}.pdf",
                       "content_base64": base64.b64encode(pdf).decode("ascii")}})
