"""CSRF protection for the portal's forms (Flask-WTF).

Checked by the portal itself once it knows the organization (so a refused form
is explained in the organization's language), not on every request: the staff
API uses bearer keys and no cookies, so there is nothing to forge there.
"""
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
