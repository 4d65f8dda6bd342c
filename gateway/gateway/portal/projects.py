"""Projects in the portal, when the organization shows projects and timesheets there: the
customer's active projects, and one project with its tasks (hours logged, billed and
unbilled), its billable time entries and its comment thread.

Off (the organization's portal preference), every page here is a 404. The timesheets service
answers only with the session's customer's active projects; anything else is its
ProjectNotFound, the portal's 404. Hours are shown with two decimals, so that logged =
billed + unbilled adds up on the page as it does in the service.
"""
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from flask import flash, g, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import abort
from wtforms import TextAreaField

from portal_common.errors import ValidationFailed
from portal_common.text import has_markup

from ..rpc_access import get_rpc
from . import bp
from .sections import require_section
from .session import login_required

SECTION = "projects"
PER_PAGE = 20
COMMENT_MAX = 4000

BILLING_METHODS = {"fixed_cost": _l("Fixed cost for the project"),
                   "project_hours": _l("Based on project hours"),
                   "task_hours": _l("Based on task hours"),
                   "staff_hours": _l("Based on staff hours")}
BILLING_STATUSES = {"billed": _l("Billed"), "unbilled": _l("Unbilled")}

# Flashed across the redirect back to the project (category "project").
PROJECT_NOTICES = {"comment_added": _l("Your comment has been added.")}


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), render_kw={"maxlength": COMMENT_MAX, "rows": 4})


def hours(value) -> str:
    """Hours with two decimals in the page's language ("1.5" → "1,50" in Spanish)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(amount, format="#,##0.00", locale=get_locale() or "es")


def who() -> tuple[str, str]:
    return g.portal["organization_id"], g.portal["customer_id"]


def author_name() -> str:
    contact = g.portal["contact"]
    return (contact.get("name") or contact.get("email") or "")[:200]


def comment_problem(body: str) -> str | None:
    """Why a customer's comment cannot be sent, or None."""
    if not body:
        return _("Write your comment before sending it.")
    if len(body) > COMMENT_MAX:
        return _("Use at most %(max)d characters.", max=COMMENT_MAX)
    if has_markup(body):
        return _("Comments are plain text: remove the < > markup.")
    return None


def labels() -> dict:
    return {"billing_methods": BILLING_METHODS, "billing_statuses": BILLING_STATUSES,
            "hours": hours}


def page_query() -> dict:
    try:
        chosen = PageQuery().load(request.args.to_dict())
    except ValidationError:
        abort(400)
    return chosen


# --- the list ----------------------------------------------------------------------------

@bp.get("/projects")
@login_required
def projects():
    require_section(SECTION)
    chosen = page_query()
    page = get_rpc().timesheets.portal_project_page(
        *who(), {"page": chosen["page"], "per_page": chosen["per_page"] or PER_PAGE})
    kept = {"per_page": chosen["per_page"]} if chosen["per_page"] else {}
    return render_template("portal/projects.html", page=page, kept=kept, **labels())


# --- one project -------------------------------------------------------------------------

def _project(project_id: str) -> dict:
    organization_id, customer_id = who()
    return get_rpc().timesheets.get_project(organization_id, project_id,
                                            customer_id=customer_id)


def _customer_tasks(project: dict) -> list[dict]:
    """The tasks the customer is shown: the billable ones (the seed's list), and any other
    that has billable time on it, so that the rows still add up to the project's hours."""
    return [task for task in project.get("tasks") or []
            if task.get("billable") or _nonzero(task.get("hours_logged"))]


def _nonzero(value) -> bool:
    try:
        return Decimal(str(value or "0")) != 0
    except InvalidOperation:
        return True


def _render_project(project: dict, comment_form=None, status: int = 200):
    project = {**project, "tasks": _customer_tasks(project)}
    notices = [str(PROJECT_NOTICES[key]) for key, _extra in
               get_flashed_messages(category_filter=["project"]) if key in PROJECT_NOTICES]
    return render_template("portal/project.html", project=project,
                           organization=g.organization, project_notices=notices,
                           comment_form=comment_form or CommentForm(formdata=None),
                           **labels()), status


@bp.get("/projects/<project_id>")
@login_required
def project(project_id):
    require_section(SECTION)
    return _render_project(_project(project_id))


@bp.post("/projects/<project_id>/comments")
@login_required
def project_comment(project_id):
    require_section(SECTION)
    shown = _project(project_id)  # someone else's project is a 404 before anything else
    form = CommentForm()
    body = (form.body.data or "").strip()
    problem = comment_problem(body)
    if problem is None:
        try:
            get_rpc().timesheets.add_comment(
                g.portal["organization_id"], "project", project_id,
                {"body": body, "author_name": author_name()},
                customer_id=g.portal["customer_id"], contact_id=g.portal["contact_id"])
        except ValidationFailed:
            problem = _("Your comment could not be added. Check it and try again.")
    if problem is not None:
        form.body.errors = [problem]
        return _render_project(shown, form, 400)
    flash(("comment_added", ""), "project")
    return redirect(url_for(".project", project_id=project_id, _anchor="comments"))
