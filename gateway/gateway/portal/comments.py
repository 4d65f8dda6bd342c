"""A customer's comment on a document in the portal (an invoice, a quote, a project, a
timesheet): the form, the checks before it is sent and the sending itself; the page says
where it goes."""
from typing import Callable

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from portal_common.errors import ValidationFailed
from portal_common.text import has_markup

COMMENT_MAX = 4000


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), render_kw={"maxlength": COMMENT_MAX, "rows": 4})


def comment_problem(body: str) -> str | None:
    """Why a customer's comment cannot be sent, or None."""
    if not body:
        return _("Write your comment before sending it.")
    if len(body) > COMMENT_MAX:
        return _("Use at most %(max)d characters.", max=COMMENT_MAX)
    if has_markup(body):
        return _("Comments are plain text: remove the < > markup.")
    return None


def post_comment(form: CommentForm, send: Callable[[str], None]) -> bool:
    """Check the posted comment and ``send(body)`` it; whether it was sent (if not, the
    reason is the form's body error)."""
    body = (form.body.data or "").strip()
    problem = comment_problem(body)
    if problem is None:
        try:
            send(body)
        except ValidationFailed:
            problem = _("Your comment could not be added. Check it and try again.")
    if problem is not None:
        form.body.errors = [problem]
        return False
    return True
