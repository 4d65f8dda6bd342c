"""The pages that load the gateway's own script (Stripe.js): which script, and the one
Content-Security-Policy that lets it in.

Every other page allows no script at all (security_headers.PAGE_CSP). A payment page
allows our own pay.js and the Stripe.js origin of the organization's settings, in
script-src, frame-src (Stripe's card fields are frames) and connect-src (the script
talks to the API) only. The settings' ``api_base`` decides: Stripe's own API means
https://js.stripe.com/v3/; anything else is a localstripe, which serves a stand-in at
``<api_base>/js.stripe.com/v3/`` and is called at its own origin.
"""
from urllib.parse import urlsplit

from flask import g, make_response, render_template

from ..rpc_access import get_rpc
from .account import country_choices

STRIPE_API_HOST = "api.stripe.com"
STRIPE_JS_URL = "https://js.stripe.com/v3/"
# Stripe's published CSP for Stripe.js (its frames are served from subdomains too;
# hooks.stripe.com is 3-D Secure).
STRIPE_SCRIPT_ORIGINS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAME_ORIGINS = ("https://js.stripe.com", "https://*.js.stripe.com",
                        "https://hooks.stripe.com")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_js(api_base: str) -> dict:
    """{"url", "script", "frame", "connect"}: the script's address and the origins it needs."""
    api_base = (api_base or f"https://{STRIPE_API_HOST}").rstrip("/")
    api_origin = _origin(api_base)
    if urlsplit(api_base).hostname == STRIPE_API_HOST:
        return {"url": STRIPE_JS_URL, "script": STRIPE_SCRIPT_ORIGINS,
                "frame": STRIPE_FRAME_ORIGINS, "connect": (api_origin,)}
    return {"url": f"{api_base}/js.stripe.com/v3/", "script": (api_origin,),
            "frame": (api_origin,), "connect": (api_origin,)}


def payment_csp(api_base: str) -> str:
    js = stripe_js(api_base)
    return ("default-src 'none'; "
            f"script-src 'self' {' '.join(js['script'])}; "
            f"frame-src {' '.join(js['frame'])}; "
            f"connect-src {' '.join(js['connect'])}; "
            "style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")


def card_billing_context(require_address: bool) -> dict:
    """The card step's billing address fields, filled in with the customer's."""
    profile = get_rpc().identity.get_portal_profile(g.portal["organization_id"],
                                                    g.portal["customer_id"])
    address = profile["customer"].get("billing_address") or {}
    return {"billing_address": address, "countries": country_choices(address.get("country")
                                                                     or ""),
            "require_address": require_address}


def render_payment_page(template: str, settings: dict, status: int = 200, **context):
    """``template`` with Stripe.js of ``settings`` allowed by its own CSP header."""
    api_base = settings.get("api_base") or ""
    require = bool(settings.get("require_billing_address"))
    response = make_response(render_template(template, stripe_js_url=stripe_js(api_base)["url"],
                                             publishable_key=settings.get("publishable_key"),
                                             **card_billing_context(require), **context),
                             status)
    response.headers["Content-Security-Policy"] = payment_csp(api_base)
    return response
