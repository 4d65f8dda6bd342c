"""The customer portal: server-rendered pages under /portal/<org-slug>/."""
import re

from flask import Blueprint, abort, g

from identity.exceptions import OrganizationNotFound, SessionInvalid

from ..csrf import csrf
from ..rpc_access import get_rpc
from .session import current_token

bp = Blueprint("portal", __name__, url_prefix="/portal/<slug>")

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@bp.url_value_preprocessor
def pull_slug(endpoint, values):
    g.slug = (values or {}).pop("slug", None)


@bp.url_defaults
def add_slug(endpoint, values):
    if "slug" not in values and g.get("slug"):
        values["slug"] = g.slug


@bp.before_request
def load_organization():
    """Every portal page belongs to one organization; an unknown one is a plain 404.

    With a session cookie, one call says both who is logged in and the
    organization; only without a live session is the organization asked for alone.
    """
    if not g.slug or not SLUG.match(g.slug):
        abort(404)
    identity = get_rpc().identity
    try:
        token = current_token()
        if token is not None:
            try:
                g.portal = identity.resolve_session(g.slug, token)
                g.organization = g.portal["organization"]
            except SessionInvalid:
                g.session_ended = True
        if "organization" not in g:
            g.organization = identity.get_organization_by_slug(g.slug)
    except OrganizationNotFound:
        abort(404)
    csrf.protect()  # every form post carries its token (a refusal is a 400 page)


from . import (account, cards, dashboard, invoices, pay, payments, quotes,  # noqa: E402,F401
               sales_orders, statements, views)
from . import projects, timesheets  # noqa: E402,F401
