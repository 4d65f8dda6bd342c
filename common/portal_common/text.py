"""Plain text from people: comments and reasons are shown as typed, never as markup.

Jinja escapes everything it prints, so markup could not run in the portal anyway; refusing
it at the door keeps the stored text honest for every other reader too (staff emails, the
API, PDFs) and tells the writer at once instead of showing them their tags back.
"""
import re

from marshmallow import ValidationError

MARKUP_MESSAGE = "Comments are plain text: remove the < > markup."

# An opening or closing tag, a comment or doctype, or a script URL.
_MARKUP = re.compile(r"</?[a-zA-Z!]|javascript\s*:", re.IGNORECASE)


def has_markup(value: str) -> bool:
    return bool(_MARKUP.search(value or ""))


def reject_markup(value: str) -> None:
    """marshmallow validator: refuses text holding a tag or a ``javascript:`` URL."""
    if has_markup(value):
        raise ValidationError(MARKUP_MESSAGE)
