"""notify's staff use cases, each on a session the caller commits.

Every function takes the organization it acts for; a template or a mail of
another organization does not exist for it.
"""
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from portal_common.errors import load_or_refuse
from portal_common.timeutil import utcnow

from . import schemas
from .activities import ACTIVITY_KINDS
from .catalog import KINDS, LANGUAGES
from .exceptions import (EmailTemplateInvalid, EmailTemplateNotFound, FeedEntryNotFound,
                         InvalidFeedQuery, InvalidMailQuery, NotificationKindNotFound,
                         NotificationPreferenceInvalid, OutgoingMailNotFound)
from .mail_queue import organization_template
from .models import EmailTemplate, FeedEntry, NotificationPreference, OutgoingMail
from .rendering import TemplateProblem, TemplateText, check_template, default_template


def _checked(schema, data: dict | None, error_class):
    """``data`` loaded by ``schema``, or ``error_class`` with every problem."""
    return load_or_refuse(schema, data, error_class=error_class)


def _kind(key: str, language: str):
    kind = KINDS.get(key)
    if kind is None or language not in LANGUAGES:
        raise EmailTemplateNotFound("There is no such email template.",
                                    {"key": key, "language": language,
                                     "keys": sorted(KINDS), "languages": list(LANGUAGES)})
    return kind


def _describe(kind, language: str, row: EmailTemplate | None) -> dict:
    text = TemplateText(row.subject, row.body) if row else default_template(kind.key, language)
    return {"key": kind.key, "language": language, "description": kind.description[language],
            "subject": text.subject, "body": text.body, "customized": row is not None,
            "updated_at": row.updated_at if row else None,
            "placeholders": kind.describe_placeholders(language)}


def list_templates(session, organization_id: str) -> list[dict]:
    rows = {(row.key, row.language): row for row in session.scalars(
        select(EmailTemplate).where(EmailTemplate.organization_id == organization_id))}
    return [_describe(kind, language, rows.get((kind.key, language)))
            for kind in KINDS.values() for language in LANGUAGES]


def get_template(session, organization_id: str, key: str, language: str) -> dict:
    kind = _kind(key, language)
    return _describe(kind, language, organization_template(session, organization_id, key,
                                                           language))


def put_template(session, organization_id: str, key: str, language: str, data: dict) -> dict:
    """Save the organization's wording after a trial render; refuses it with details."""
    kind = _kind(key, language)
    values = _checked(schemas.EmailTemplateInputSchema(), data, EmailTemplateInvalid)
    text = TemplateText(values["subject"], values["body"])
    try:
        check_template(kind, language, text)
    except TemplateProblem as problem:
        raise EmailTemplateInvalid("The template cannot be used.", problem.details) from None
    row = organization_template(session, organization_id, key, language)
    if row is None:
        row = EmailTemplate(organization_id=organization_id, key=key, language=language,
                            subject=text.subject, body=text.body)
        session.add(row)
    else:
        row.subject, row.body = text.subject, text.body
    session.flush()
    return _describe(kind, language, row)


def reset_template(session, organization_id: str, key: str, language: str) -> dict:
    """Back to notify's default wording."""
    kind = _kind(key, language)
    row = organization_template(session, organization_id, key, language)
    if row is not None:
        session.delete(row)
        session.flush()
    return _describe(kind, language, None)


def list_mail(session, organization_id: str, query: dict) -> dict:
    params = _checked(schemas.MailListQuerySchema(), query, InvalidMailQuery)
    conditions = [OutgoingMail.organization_id == organization_id]
    if params["status"]:
        conditions.append(OutgoingMail.status == params["status"])
    if params["kind"]:
        conditions.append(OutgoingMail.kind == params["kind"])
    if params["to"]:
        conditions.append(func.lower(OutgoingMail.to_address) == params["to"].strip().lower())
    total = session.scalar(select(func.count()).select_from(OutgoingMail).where(*conditions))
    rows = session.scalars(select(OutgoingMail).where(*conditions)
                           .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id)
                           .offset((params["page"] - 1) * params["per_page"])
                           .limit(params["per_page"])).all()
    return {"mails": rows, "total": total, "page": params["page"],
            "per_page": params["per_page"]}


def get_mail(session, organization_id: str, mail_id: str) -> OutgoingMail:
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.id == mail_id,
                                                     OutgoingMail.organization_id == organization_id))
    if mail is None:
        raise OutgoingMailNotFound("Email not found.", {"mail_id": mail_id})
    return mail


# --- notification preferences ----------------------------------------------------------

@dataclass(frozen=True)
class Preference:
    kind: str
    email: bool
    feed: bool
    customized: bool

    @property
    def description(self) -> str:
        return ACTIVITY_KINDS[self.kind].description["en"]


def _preference(kind: str, row: NotificationPreference | None) -> Preference:
    if row is None:
        default = ACTIVITY_KINDS[kind]
        return Preference(kind, default.email, default.feed, customized=False)
    return Preference(kind, row.email, row.feed, customized=True)


def _preference_rows(session, organization_id: str, kind: str | None = None) -> dict:
    query = select(NotificationPreference).where(
        NotificationPreference.organization_id == organization_id)
    if kind is not None:
        query = query.where(NotificationPreference.kind == kind)
    return {row.kind: row for row in session.scalars(query)}


def _activity_kind(kind: str) -> str:
    if kind not in ACTIVITY_KINDS:
        raise NotificationKindNotFound("There is no such kind of notification.",
                                       {"kind": kind, "kinds": list(ACTIVITY_KINDS)})
    return kind


def preference_for(session, organization_id: str, kind: str) -> Preference:
    """What the organization wants for one kind of activity (its choice or the default)."""
    return _preference(kind, _preference_rows(session, organization_id, kind).get(kind))


def list_preferences(session, organization_id: str) -> list[Preference]:
    rows = _preference_rows(session, organization_id)
    return [_preference(kind, rows.get(kind)) for kind in ACTIVITY_KINDS]


def update_preference(session, organization_id: str, kind: str, data: dict) -> Preference:
    """Change email and/or feed for one kind; what is not sent stays as it is."""
    _activity_kind(kind)
    values = _checked(schemas.NotificationPreferenceInputSchema(), data,
                      NotificationPreferenceInvalid)
    row = _preference_rows(session, organization_id, kind).get(kind)
    if row is None:
        current = _preference(kind, None)
        row = NotificationPreference(organization_id=organization_id, kind=kind,
                                     email=current.email, feed=current.feed)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return _preference(kind, row)


def reset_preferences(session, organization_id: str, kind: str | None = None) -> list[Preference]:
    """Back to the defaults: one kind, or every kind when ``kind`` is None."""
    query = delete(NotificationPreference).where(
        NotificationPreference.organization_id == organization_id)
    if kind is not None:
        query = query.where(NotificationPreference.kind == _activity_kind(kind))
    session.execute(query)
    return [_preference(k, None) for k in ([kind] if kind is not None else ACTIVITY_KINDS)]


# --- the staff feed -------------------------------------------------------------------------

def list_feed(session, organization_id: str, query: dict) -> dict:
    params = _checked(schemas.FeedQuerySchema(), query, InvalidFeedQuery)
    conditions = [FeedEntry.organization_id == organization_id]
    if params["kind"]:
        conditions.append(FeedEntry.kind == params["kind"])
    if params["customer_id"]:
        conditions.append(FeedEntry.customer_id == params["customer_id"])
    unread = session.scalar(select(func.count()).select_from(FeedEntry)
                            .where(*conditions, FeedEntry.read_at.is_(None)))
    if params["unread"] is not None:
        conditions.append(FeedEntry.read_at.is_(None) if params["unread"]
                          else FeedEntry.read_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(FeedEntry).where(*conditions))
    rows = session.scalars(select(FeedEntry).where(*conditions)
                           .order_by(FeedEntry.occurred_at.desc(), FeedEntry.created_at.desc(),
                                     FeedEntry.id)
                           .offset((params["page"] - 1) * params["per_page"])
                           .limit(params["per_page"])).all()
    return {"entries": rows, "total": total, "page": params["page"],
            "per_page": params["per_page"], "unread": unread}


def get_feed_entry(session, organization_id: str, entry_id: str) -> FeedEntry:
    entry = session.scalar(select(FeedEntry).where(FeedEntry.id == entry_id,
                                                   FeedEntry.organization_id == organization_id))
    if entry is None:
        raise FeedEntryNotFound("Feed entry not found.", {"entry_id": entry_id})
    return entry


def mark_feed_entry_read(session, organization_id: str, entry_id: str) -> FeedEntry:
    entry = get_feed_entry(session, organization_id, entry_id)
    if entry.read_at is None:
        entry.read_at = utcnow()
        session.flush()
    return entry


def mark_all_feed_read(session, organization_id: str) -> int:
    """Every unread entry of the organization read now; how many there were."""
    return session.execute(
        update(FeedEntry).where(FeedEntry.organization_id == organization_id,
                                FeedEntry.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
