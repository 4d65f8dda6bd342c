"""The portal session: an identity session token in an HttpOnly cookie scoped to
the organization's portal path, checked with identity on every request."""
import functools

from flask import current_app, flash, g, redirect, request, url_for

from identity.exceptions import SessionInvalid

from ..rpc_access import get_rpc


def cookie_path() -> str:
    return f"/portal/{g.slug}/"


def current_token() -> str | None:
    token = request.cookies.get(current_app.config["PORTAL_SESSION_COOKIE"], "")
    return token if 0 < len(token) <= 200 else None


def client_address() -> str:
    return request.remote_addr or ""


def user_agent() -> str:
    return (request.user_agent.string or "")[:300]


def remember_session(response, token: str) -> None:
    response.set_cookie(current_app.config["PORTAL_SESSION_COOKIE"], token, path=cookie_path(),
                        secure=current_app.config["PORTAL_COOKIE_SECURE"], httponly=True,
                        samesite="Lax")


def forget_session(response) -> None:
    response.delete_cookie(current_app.config["PORTAL_SESSION_COOKIE"], path=cookie_path(),
                           secure=current_app.config["PORTAL_COOKIE_SECURE"], httponly=True,
                           samesite="Lax")


def login_required(view):
    """Only for a live session of this organization; who it is goes into ``g.portal``."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        token = current_token()
        if token is None:
            return redirect(url_for(".login"))
        try:
            g.portal = get_rpc().identity.resolve_session(g.slug, token)
        except SessionInvalid:
            flash("session_ended")
            response = redirect(url_for(".login"))
            forget_session(response)
            return response
        return view(**kwargs)

    return wrapped
