"""What templates use besides their context: notices, country names, addresses,
money and dates in the page's language and the organization's timezone."""
from flask import current_app, get_flashed_messages
from flask_babel import get_locale

from .formatting import day, moment, money
from .portal.messages import NOTICES
from .portal.sections import section_enabled

ADDRESS_LINES = (("attention",), ("street",), ("street2",), ("postal_code", "city"),
                 ("state",))


def notices() -> list[str]:
    return [str(NOTICES[key]) for key in get_flashed_messages() if key in NOTICES]


def country_name(code: str | None) -> str:
    if not code:
        return ""
    locale = get_locale()
    return (locale.territories.get(code.upper()) if locale else None) or code


def address_lines(address: dict | None) -> list[str]:
    """An address dict as the lines of an envelope; empty parts are left out."""
    address = address or {}
    lines = []
    for parts in ADDRESS_LINES:
        line = " ".join(str(address.get(part) or "").strip() for part in parts).strip()
        if line:
            lines.append(line)
    if address.get("country"):
        lines.append(country_name(address["country"]))
    return lines


def page_exists(endpoint: str) -> bool:
    """Whether the app serves this page (the menu grows with the sections that exist)."""
    return endpoint in current_app.view_functions


def register(app) -> None:
    app.jinja_env.globals.update(notices=notices, country_name=country_name,
                                 address_lines=address_lines, money=money, day=day,
                                 moment=moment, portal_section_enabled=section_enabled,
                                 page_exists=page_exists)
    app.jinja_env.filters.update(money=money, day=day, moment=moment)
