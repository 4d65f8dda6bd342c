"""The customer portal: server-rendered pages under /portal/<org-slug>/."""
import re

from flask import Blueprint, abort, g

from identity.exceptions import OrganizationNotFound

from ..csrf import csrf
from ..rpc_access import get_rpc

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
    """Every portal page belongs to one organization; an unknown one is a plain 404."""
    if not g.slug or not SLUG.match(g.slug):
        abort(404)
    try:
        g.organization = get_rpc().identity.get_organization_by_slug(g.slug)
    except OrganizationNotFound:
        abort(404)
    csrf.protect()  # every form post carries its token (a refusal is a 400 page)


from . import views  # noqa: E402,F401
