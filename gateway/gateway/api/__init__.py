"""The staff REST API under /api/v1: bearer API keys, JSON in and out."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Each module adds its routes to ``bp``.
from . import (auth, billing, customers, email_templates, notifications, openapi,  # noqa: E402,F401
               organization, portal_access, reviews)
