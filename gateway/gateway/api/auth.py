"""``Authorization: Bearer <api key>``: identity says which organization it opens."""
from flask import g, request

from ..errors import ApiKeyMissing
from ..rpc_access import get_rpc
from . import bp

PUBLIC_ENDPOINTS = frozenset({"api.openapi_document"})


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise ApiKeyMissing("Send your API key as 'Authorization: Bearer <api key>'.")
    g.organization = get_rpc().identity.authenticate_api_key(key)


def organization_id() -> str:
    return g.organization["id"]
