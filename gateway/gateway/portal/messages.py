"""What identity's refusals mean to the person in front of the page, in their language.

identity words its errors in English for staff and logs; the portal shows the
translated sentence for each one it knows.
"""
from datetime import timedelta

from flask_babel import format_timedelta, gettext as _, lazy_gettext as _l

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
}

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
}


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


def invalid_credentials() -> str:
    return _("The email address or the password is not correct.")
