"""Projects in the portal, when the organization shows projects and timesheets there: the
customer's active projects, and one project with its tasks (hours logged, billed and
unbilled), its billable time entries and its comment thread.

Off (the organization's portal preference), every page here is a 404. The timesheets service
answers only with the session's customer's active projects; anything else is its
ProjectNotFound, the portal's 404. Hours are shown with two decimals, so that logged =
billed + unbilled adds up on the page as it does in the service.
"""
from decimal import Decimal, InvalidOperation

from flask import flash, g, get_flashed_messages, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..formatting import hours
from ..rpc_access import get_rpc
from . import bp
from .comments import CommentForm, post_comment
from .customer import author_name, who
from .lists import PageQuery, chosen_by, kept, service_page
from .sections import require_section
from .session import login_required

SECTION = "projects"

BILLING_METHODS = {"fixed_cost": _l("Fixed cost for the project"),
                   "project_hours": _l("Based on project hours"),
                   "task_hours": _l("Based on task hours"),
                   "staff_hours": _l("Based on staff hours")}
BILLING_STATUSES = {"billed": _l("Billed"), "unbilled": _l("Unbilled")}

# Flashed across the redirect back to the project (category "project").
PROJECT_NOTICES = {"comment_added": _l("Your comment has been added.")}


def labels() -> dict:
    return {"billing_methods": BILLING_METHODS, "billing_statuses": BILLING_STATUSES,
            "hours": hours}


# --- the list ----------------------------------------------------------------------------

@bp.get("/projects")
@login_required
def projects():
    require_section(SECTION)
    chosen = chosen_by(PageQuery())
    page = get_rpc().timesheets.portal_project_page(*who(), service_page(chosen))
    return render_template("portal/projects.html", page=page,
                           kept=kept(chosen, {"per_page": None}), **labels())


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
    if not post_comment(form, lambda body: get_rpc().timesheets.add_comment(
            g.portal["organization_id"], "project", project_id,
            {"body": body, "author_name": author_name()},
            customer_id=g.portal["customer_id"], contact_id=g.portal["contact_id"])):
        return _render_project(shown, form, 400)
    flash(("comment_added", ""), "project")
    return redirect(url_for(".project", project_id=project_id, _anchor="comments"))
