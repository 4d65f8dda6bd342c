"""notify's staff use cases, each on a session the caller commits.

Every function takes the organization it acts for; a template or a mail of
another organization does not exist for it.
"""
from marshmallow import ValidationError
from sqlalchemy import func, select

from portal_common.errors import validation_error

from . import schemas
from .catalog import KINDS, LANGUAGES
from .exceptions import (EmailTemplateInvalid, EmailTemplateNotFound, InvalidMailQuery,
                         OutgoingMailNotFound)
from .mail_queue import organization_template
from .models import EmailTemplate, OutgoingMail
from .rendering import TemplateProblem, TemplateText, check_template, default_template


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
    try:
        values = schemas.EmailTemplateInputSchema().load(data or {})
    except ValidationError as exc:
        error = validation_error(exc)
        raise EmailTemplateInvalid(error.message, error.details) from None
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
    try:
        params = schemas.MailListQuerySchema().load(query or {})
    except ValidationError as exc:
        error = validation_error(exc)
        raise InvalidMailQuery(error.message, error.details) from None
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
