"""The portal session: an identity session token in an HttpOnly cookie scoped to
the organization's portal path, checked with identity on every request."""
import functools

from flask import current_app, flash, g, redirect, request, url_for


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
        if g.get("portal") is not None:  # resolved by the blueprint's before_request
            return view(**kwargs)
        if not g.get("session_ended"):
            return redirect(url_for(".login"))
        flash("session_ended")
        response = redirect(url_for(".login"))
        forget_session(response)
        return response

    return wrapped
