"""A customer-activity event → a feed entry and/or the staff email, as the organization chose.

:func:`record` runs inside the transaction that marks the event as handled
(``handles_once``), so a redelivered event never adds a second entry or email.
The names come from identity (``get_activity_context``), asked by the service
before that transaction begins.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from . import payments
from .activities import (DOCUMENT_TYPES, EMPTY, FIELDS, SECTIONS, YES_NO,
                         ActivityKind, label)
from .catalog import STAFF_EMAILS, language_or_default
from .dateformat import format_datetime
from .mail_queue import MailRequest, queue_mail
from .models import FeedEntry, OutgoingMail
from .operations import preference_for

log = logging.getLogger(__name__)

# Payload fields shown elsewhere in a feed entry (customer, contact, document columns).
_COLUMNS = ("customer_id", "contact_id", "document")


@dataclass(frozen=True)
class Activity:
    """One activity event, checked, with identity's names."""

    event_id: str
    organization_id: str
    kind: ActivityKind
    occurred_at: datetime
    payload: dict                # as published (tolerantly checked); the rest ends in details
    context: dict                # identity's {"organization", "customer", "contact"}

    @property
    def organization(self) -> dict:
        return self.context["organization"]

    @property
    def language(self) -> str:
        return language_or_default(self.organization.get("language"))


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _shown(value, language: str) -> str:
    if isinstance(value, bool):
        return YES_NO[language][0 if value else 1]
    return _text(value) or EMPTY[language]


def format_changes(changes: list, language: str) -> str:
    """'City: Madrid → Sevilla', one line per changed field."""
    return "\n".join(f"{label(FIELDS, change['field'], language)}: "
                     f"{_shown(change.get('old'), language)} → "
                     f"{_shown(change.get('new'), language)}" for change in changes)


def _localized(value, language: str) -> str | None:
    """A text given once, or per language ({"es": …, "en": …})."""
    if isinstance(value, dict):
        return _text(value.get(language) or next(iter(value.values()), None))
    return _text(value)


def _with_currency(amount, payload: dict) -> str | None:
    """'1234.50 EUR' (or the amount alone when the event names no currency)."""
    amount = _text(amount)
    if amount and _text(payload.get("currency")):
        return f"{amount} {payload['currency']}"
    return amount


EXCERPT_MAX = 120


def _excerpt(text: str | None) -> str | None:
    """A comment on one line for a feed line: its words, cut at EXCERPT_MAX characters."""
    if not text:
        return None
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_MAX else line[:EXCERPT_MAX - 1].rstrip() + "…"


# A reason in a feed line: after the document, quoted as each language quotes.
_QUOTED = {"es": ": «{}»", "en": ": “{}”"}


def _reason_note(reason: str | None, language: str) -> str | None:
    excerpt = _excerpt(reason)
    return _QUOTED[language].format(excerpt) if excerpt else None


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _facts(activity: Activity) -> dict:
    """Every value a feed line or a staff email of any kind may show, in the org's language."""
    language, payload = activity.language, activity.payload
    customer = activity.context["customer"]["display_name"]
    contact = activity.context.get("contact") or {}
    contact_name = _text(contact.get("name")) or _text(payload.get("contact_name"))
    contact_email = _text(contact.get("email")) or _text(payload.get("contact_email"))
    document = payload.get("document") or {}
    number = _text(document.get("number"))
    document_text = None
    if document:
        noun = label(DOCUMENT_TYPES, document["type"], language)
        document_text = f"{noun} {number}" if number else noun
    comment = _text(payload.get("comment"))
    error_code = _text(payload.get("error_code"))
    decline_message = _text(payload.get("decline_message"))
    return {
        "organization_name": activity.organization["name"],
        "customer_name": customer,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "who": f"{contact_name} ({customer})" if contact_name else customer,
        "occurred_at": format_datetime(activity.occurred_at, language,
                                       activity.organization.get("timezone")),
        "document": document_text,
        "document_number": number,
        "reason": _text(payload.get("reason")),
        "reason_note": _reason_note(_text(payload.get("reason")), language),
        "comment": comment,
        "comment_excerpt": _excerpt(comment),
        "amount": _with_currency(payload.get("amount"), payload),
        "total": _with_currency(payload.get("total"), payload),
        "balance": _with_currency(payload.get("balance"), payload),
        "payment_number": _text(payload.get("payment_number")),
        "method": payments.method_label(payload.get("method"), language),
        "invoices": payments.invoice_lines(payload.get("invoices"), payload.get("currency")),
        "invoice_list": payments.invoice_list(payload.get("invoices"), language),
        "error_code": error_code,
        "error_meaning": payments.meaning(error_code, language),
        "remedy": (_localized(payload.get("remedy"), language)
                   or payments.remedy(error_code, language)),
        "decline_message": decline_message,
        "decline_code": _text(payload.get("decline_code")),
        "failure": error_code or decline_message,
        "section": (label(SECTIONS, payload["section"], language)
                    if payload.get("section") else None),
        "changes": format_changes(payload["changes"], language) if payload.get("changes") else None,
        "rating": _text(payload.get("rating")),
        "message": _text(payload.get("message")),
        "subject": _text(payload.get("subject")),
    }


def summary_line(activity: Activity, facts: dict) -> str:
    pattern = activity.kind.summary[activity.language]
    line = pattern.format_map(_Blank({k: v for k, v in facts.items() if v is not None}))
    return line.strip().rstrip(":").strip()


# The feed's document number column; a project's "number" is its name (up to 200
# characters): whole in the summary and the staff email, cut in that column.
NUMBER_MAX = 60


def _column(value: str | None, size: int) -> str | None:
    if not value:
        return None
    return value if len(value) <= size else value[:size - 1] + "…"


def feed_entry(activity: Activity, facts: dict) -> FeedEntry:
    document = activity.payload.get("document") or {}
    contact = activity.context.get("contact") or {}
    return FeedEntry(
        organization_id=activity.organization_id, event_id=activity.event_id,
        kind=activity.kind.key, customer_id=activity.payload["customer_id"],
        customer_name=facts["customer_name"][:200],
        contact_id=contact.get("id") or activity.payload.get("contact_id"),
        contact_name=(facts["contact_name"] or "")[:200],
        document_type=document.get("type"), document_id=document.get("id"),
        document_number=_column(document.get("number"), NUMBER_MAX),
        summary=summary_line(activity, facts),
        details={k: v for k, v in activity.payload.items() if k not in _COLUMNS},
        occurred_at=activity.occurred_at)


def staff_mail_request(activity: Activity, facts: dict) -> MailRequest | None:
    """The staff email to the organization's address; None if it has none."""
    organization = activity.organization
    if not organization.get("email"):
        log.warning("organization_has_no_email", extra={
            "event_id": activity.event_id, "organization_id": activity.organization_id})
        return None
    kind = STAFF_EMAILS[activity.kind.key]
    reply_to = organization["email"]
    if activity.kind.key == "customer_message" and facts["contact_email"]:
        reply_to = facts["contact_email"]        # staff answer the contact directly
    return MailRequest(
        kind=kind.key, organization_id=activity.organization_id, event_id=activity.event_id,
        to_address=organization["email"], to_name=organization["name"],
        language=activity.language, organization_name=organization["name"],
        reply_to=reply_to, context={name: facts[name] for name in kind.names})


def record(session, activity: Activity) -> list[OutgoingMail]:
    """Add what the organization's preference asks for (not committed); the mails queued."""
    preference = preference_for(session, activity.organization_id, activity.kind.key)
    if not (preference.feed or preference.email):
        return []
    facts = _facts(activity)
    if preference.feed:
        session.add(feed_entry(activity, facts))
    request = staff_mail_request(activity, facts) if preference.email else None
    mail = queue_mail(session, request) if request is not None else None
    return [mail] if mail is not None else []

