"""Dates as people read them in an email, in Spanish or English and a given time zone."""
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal_common.timeutil import as_utc

MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_datetime(value: datetime, language: str, timezone_name: str | None) -> str:
    """'4 de diciembre de 2026, 13:00 (Europe/Madrid)' / 'December 4, 2026, 13:00 (…)'."""
    zone = _zone(timezone_name)
    local = as_utc(value).astimezone(zone)
    month = MONTHS[language][local.month - 1]
    clock = f"{local:%H:%M}"
    if language == "es":
        return f"{local.day} de {month} de {local.year}, {clock} ({zone.key})"
    return f"{month} {local.day}, {local.year}, {clock} ({zone.key})"


def format_day(day: date, language: str) -> str:
    """'4 de diciembre de 2026' / 'December 4, 2026'."""
    month = MONTHS[language][day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


def format_date(value: datetime, language: str, timezone_name: str | None) -> str:
    """The day alone of a moment, as it was where the organization is."""
    return format_day(as_utc(value).astimezone(_zone(timezone_name)).date(), language)
