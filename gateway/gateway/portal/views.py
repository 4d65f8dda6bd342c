"""Log in, accept an invitation, the home page, log out."""
from flask import flash, g, redirect, render_template, session, url_for

from identity.exceptions import (InvalidCredentials, InvitationInvalid, PasswordPolicyViolation,
                                 SessionInvalid, TooManyAttempts)
from identity.security import POLICY_TEXT

from ..i18n import current_language
from ..rpc_access import get_rpc
from . import bp, dashboard, messages, pay
from .forms import InvitationForm, LoginForm
from .session import (client_address, current_token, forget_session, login_required,
                      remember_session, user_agent)


def _start_session(token: str):
    """A fresh Flask session (new CSRF secret) and the new portal cookie, then home."""
    session.clear()
    response = redirect(url_for(".home"))
    remember_session(response, token)
    return response


@bp.get("/")
@login_required
def home():
    profile = get_rpc().identity.get_portal_profile(g.portal["organization_id"],
                                                    g.portal["customer_id"])
    # The account summary is in the customer's currency: documents in another one
    # are not added to it.
    settings = pay.gateway_settings()
    summary = dashboard.figures(g.portal["organization_id"], g.portal["customer_id"],
                                profile["customer"]["currency"],
                                pay_all_href=url_for(".pay_all") if settings else None)
    saved = (get_rpc().billing.list_saved_methods(g.portal["organization_id"],
                                                  g.portal["customer_id"])
             if settings else None)
    return render_template("portal/home.html", organization=profile["organization"],
                           customer=profile["customer"], contact=g.portal["contact"],
                           summary=summary, saved_methods=saved)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        try:
            opened = get_rpc().identity.login(
                g.slug, form.email.data.strip(), form.password.data, ip=client_address(),
                user_agent=user_agent(), previous_token=current_token())
        except InvalidCredentials:
            error, status = messages.invalid_credentials(), 401
        except TooManyAttempts as exc:
            retry_after = exc.details.get("retry_after")
            error, status = messages.too_many_attempts(retry_after), 429
            if retry_after:
                headers["Retry-After"] = str(retry_after)
        else:
            return _start_session(opened["session_token"])
    elif form.is_submitted():
        status = 400
    return render_template("portal/login.html", form=form, error=error), status, headers


def _invitation_refused(exc: InvitationInvalid):
    reason = exc.details.get("reason", "unknown")
    text = messages.invitation_problem(reason, g.organization["name"])
    return render_template("portal/invitation_refused.html", problem=text, reason=reason), \
        410 if reason in ("used", "expired") else 404


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    rpc = get_rpc().identity
    try:
        invited = rpc.describe_invitation(g.slug, token)
    except InvitationInvalid as exc:
        return _invitation_refused(exc)
    form = InvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            opened = rpc.accept_invitation(g.slug, token, form.password.data,
                                           ip=client_address(), user_agent=user_agent())
        except PasswordPolicyViolation as exc:
            form.password.errors = list(form.password.errors) + \
                messages.password_problems(exc.details.get("password", []))
            status = 400
        except InvitationInvalid as exc:
            return _invitation_refused(exc)
        else:
            previous = current_token()
            if previous:
                try:
                    rpc.logout(g.slug, previous)
                except SessionInvalid:
                    pass
            return _start_session(opened["session_token"])
    elif form.is_submitted():
        status = 400
    return render_template("portal/invitation.html", form=form, invited=invited,
                           policy=POLICY_TEXT.get(current_language(), POLICY_TEXT["en"])), status


@bp.post("/logout")
def logout():
    token = current_token()
    if token:
        try:
            get_rpc().identity.logout(g.slug, token)
        except SessionInvalid:
            pass
    session.clear()
    flash("logged_out")
    response = redirect(url_for(".login"))
    forget_session(response)
    return response
