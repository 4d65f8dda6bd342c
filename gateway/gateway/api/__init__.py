"""The staff REST API under /api/v1: bearer API keys, JSON in and out."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Each module adds its routes to ``bp``.
from . import (auth, billing, credit_notes, customers, email_templates,  # noqa: E402,F401
               invoices, notifications, openapi, organization, payment_gateway, payments,
               portal_access, recurring_profiles, reviews, statements)
from . import projects, time_entries, timesheet_approvals  # noqa: E402,F401
from . import quotes, sales_orders  # noqa: E402,F401
