"""What templates use besides their context: notices, country names, addresses,
money and dates in the page's language and the organization's timezone."""
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from flask import g, get_flashed_messages
from flask_babel import get_locale

from .portal.messages import NOTICES

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


def _locale():
    return get_locale() or "es"


def money(amount, currency: str) -> str:
    """A wire amount ("1234.50") in the page's language: "1.234,50 €" / "€1,234.50"."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_currency(value, currency, locale=_locale())


def organization_timezone():
    name = (g.get("organization") or {}).get("timezone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def day(value, fmt: str = "medium") -> str:
    """A date (ISO string or date) in the page's language: "27 nov 2026" / "Nov 27, 2026"."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, format=fmt, locale=_locale())


def moment(value, fmt: str = "medium") -> str:
    """A UTC timestamp (ISO string or aware datetime) in the organization's timezone."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value.astimezone(organization_timezone()), format=fmt,
                           locale=_locale())


def register(app) -> None:
    app.jinja_env.globals.update(notices=notices, country_name=country_name,
                                 address_lines=address_lines, money=money, day=day,
                                 moment=moment)
    app.jinja_env.filters.update(money=money, day=day, moment=moment)
