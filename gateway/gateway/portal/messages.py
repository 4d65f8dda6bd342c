"""What identity's refusals mean to the person in front of the page, in their language.

identity words its errors in English for staff and logs; the portal shows the
translated sentence for each one it knows.
"""
import re
from datetime import timedelta

from flask_babel import format_timedelta, gettext as _, lazy_gettext as _l

from identity import operations as identity_rules, schemas as identity_schemas
from identity.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# identity.security.check_password_policy's messages, word for word.
PASSWORD_PROBLEMS = {
    f"Use at least {PASSWORD_MIN_LENGTH} characters.":
        _l("Use at least %(count)d characters.", count=PASSWORD_MIN_LENGTH),
    f"Use at most {PASSWORD_MAX_LENGTH} characters.":
        _l("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH),
    "Include at least one letter.": _l("Include at least one letter."),
    "Include at least one digit.": _l("Include at least one digit."),
    "This password is too common.": _l("This password is too common."),
    "Do not use your email address as the password.":
        _l("Do not use your email address as the password."),
    identity_rules.SAME_PASSWORD: _l("Choose a password different from your current one."),
}

# identity.schemas' refusals of a field, word for word ("Use at most {max} characters."
# is matched with its number below).
FIELD_PROBLEMS = {
    identity_schemas.FILL_IN: _l("Fill in this field."),
    identity_schemas.CONTROL_CHARACTERS:
        _l("Remove the control characters (such as line breaks) from this field."),
    identity_schemas.NOT_AN_EMAIL: _l("Enter a valid email address, such as name@example.com."),
    identity_schemas.PHONE_CHARACTERS: _l("Use digits, spaces and + ( ) - . only."),
    identity_schemas.COUNTRY_CODE: _l("Choose a country from the list."),
    identity_schemas.POSTAL_CODE_CHARACTERS: _l("Use letters, digits, spaces and hyphens only."),
    identity_schemas.WEB_ADDRESS: _l("Enter a web address such as https://www.example.com."),
    identity_schemas.RATING: _l("Choose a rating from 1 to 5."),
    identity_rules.WRONG_PASSWORD: _l("The current password is not correct."),
}
_TOO_LONG = re.compile(re.escape(identity_schemas.TOO_LONG).replace(r"\{max\}", r"(\d+)"))

INVITATION_PROBLEMS = {
    "used": _l("This invitation has already been used. Log in with your email address and "
               "password."),
    "expired": _l("This invitation link has expired. Ask %(organization)s to send you a new "
                  "one."),
    "unknown": _l("This invitation link is not valid. Ask %(organization)s to send you a new "
                  "one."),
}

# Flashed across a redirect by key, shown in the language of the page that shows them.
NOTICES = {
    "session_ended": _l("Your session has ended. Please log in again."),
    "logged_out": _l("You have logged out."),
    "details_saved": _l("Your changes have been saved."),
    "details_unchanged": _l("Nothing was changed."),
    "password_changed": _l("Your password has been changed. Your other sessions have been "
                           "logged out, and an email confirms the change."),
    "message_sent": _l("Your message has been sent. The answer will come to your email "
                       "address."),
    "review_sent": _l("Thank you for your review."),
    "card_added": _l("Your card has been saved."),
    "card_updated": _l("Your card details have been saved."),
    "card_removed": _l("The card has been removed."),
}


def field_problem(problem) -> str:
    """One of identity's refusals of a field, in the page's language."""
    if not isinstance(problem, str):
        return _("This value is not valid.")
    too_long = _TOO_LONG.fullmatch(problem)
    if too_long:
        return _("Use at most %(max)d characters.", max=int(too_long.group(1)))
    known = FIELD_PROBLEMS.get(problem)
    return str(known) if known is not None else _("This value is not valid.")


def field_problems(details: dict, fields) -> tuple[dict, bool]:
    """identity's ``{field: [messages]}`` for the form's ``fields``: the translated
    messages per field, and whether anything was refused that no field shows."""
    shown, unplaced = {}, False
    for name, problems in (details or {}).items():
        if name in fields:
            problems = problems if isinstance(problems, list) else [problems]
            shown[name] = [field_problem(p) for p in problems]
        else:
            unplaced = True
    return shown, unplaced


def password_problems(problems: list) -> list:
    return [str(PASSWORD_PROBLEMS.get(problem, problem)) for problem in problems]


def invitation_problem(reason: str | None, organization_name: str) -> str:
    text = INVITATION_PROBLEMS.get(reason or "unknown", INVITATION_PROBLEMS["unknown"])
    return str(text) % {"organization": organization_name}


def too_many_attempts(retry_after) -> str:
    try:
        seconds = max(1, int(retry_after))
    except (TypeError, ValueError):
        return _("Too many failed attempts. Please try again later.")
    wait = format_timedelta(timedelta(seconds=seconds), threshold=1.1)
    return _("Too many failed attempts. Try again in %(wait)s.", wait=wait)


def wrong_password() -> str:
    return str(FIELD_PROBLEMS[identity_rules.WRONG_PASSWORD])


def invalid_credentials() -> str:
    return _("The email address or the password is not correct.")


def sending_limit(details: dict, kind: str) -> str:
    """Why a message or review is refused for now, and when the contact may send again."""
    try:
        wait = format_timedelta(timedelta(seconds=max(1, int(details.get("retry_after")))),
                                threshold=1.1)
        limit = int(details.get("limit"))
    except (TypeError, ValueError):
        return _("You have reached the sending limit for now. Please try again later.")
    day = details.get("window") == "day"
    if kind == "review":
        return _("You have already written %(limit)d reviews in the last 24 hours. You can "
                 "write another in %(wait)s.", limit=limit, wait=wait)
    if day:
        return _("You have already sent %(limit)d messages in the last 24 hours. You can "
                 "write again in %(wait)s.", limit=limit, wait=wait)
    return _("You have already sent %(limit)d messages in the last hour. You can write "
             "again in %(wait)s.", limit=limit, wait=wait)
