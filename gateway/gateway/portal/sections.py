"""The portal's optional sections, turned on per organization in its portal preferences.

Sales orders and projects/timesheets are off until staff turn them on
(``PATCH /api/v1/portal-preferences``). Off, a section is not in the menu and every one of
its pages is a plain 404, as if it did not exist.
"""
from flask import abort, g

# section -> the organization's preference (identity's Organization field)
PREFERENCES = {
    "sales_orders": "portal_show_sales_orders",
    "projects": "portal_show_projects",
}


def section_enabled(name: str) -> bool:
    organization = g.get("organization") or {}
    return bool(organization.get(PREFERENCES[name]))


def require_section(name: str) -> None:
    """Call first thing in a view of an optional section: 404 while it is off."""
    if not section_enabled(name):
        abort(404)
