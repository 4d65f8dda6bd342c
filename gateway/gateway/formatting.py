"""Money and dates as a reader expects them: the page's language, the organization's
timezone. Used by templates (registered in template_helpers) and by views."""
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import g
from flask_babel import get_locale


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


def _decimal(value, pattern: str) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(amount, format=pattern, locale=_locale())


def number(value) -> str:
    """A quantity or percentage ("2.000" → "2", "1.5" → "1,5" in Spanish)."""
    return _decimal(value, "#,##0.###")


def hours(value) -> str:
    """Hours with two decimals in the page's language ("1.5" → "1,50" in Spanish)."""
    return _decimal(value, "#,##0.00")


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
