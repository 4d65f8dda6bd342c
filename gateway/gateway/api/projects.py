"""Projects and their tasks: create, list, read, change; and the staff's side of a project's
comment thread (the customer sees a project in the portal while it is active, when the
organization shows projects and timesheets there).

As for invoices (.billing), the body's customer is checked with identity first, so another
organization's customer is a 404 before the timesheets service is asked anything; the
service itself answers ProjectNotFound / TaskNotFound for anything not the organization's.
"""
from flask import url_for

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import customer
from .bodies import validated_body, validated_query
from .docs import operation
from .timesheet_schemas import (ProjectBodySchema, ProjectListQuerySchema,
                                ProjectUpdateBodySchema, TaskBodySchema,
                                TimesheetCommentBodySchema)

TAGS = ("timesheets",)


def staff_comment(data: dict) -> dict:
    """A staff comment body with its defaults (author 'Staff', internal, nobody emailed)."""
    data = dict(data)
    data.setdefault("author_name", "Staff")
    data.setdefault("show_in_portal", False)
    data.setdefault("email_customer", False)
    return data


@bp.post("/projects")
@operation("Create a project for one of your customers", tags=TAGS, body="ProjectBody",
           responses={201: "Project"}, errors=(404,),
           description="billing_method is project_hours and status active unless given.")
def create_project():
    data = validated_body(ProjectBodySchema())
    customer(data["customer_id"])
    project = get_rpc().timesheets.create_project(organization_id(), data)
    return project, 201, {"Location": url_for(".get_project", project_id=project["id"])}


@bp.get("/projects")
@operation("List projects (customer, status, sort, pages)", tags=TAGS,
           query="ProjectListQuery", responses={200: "ProjectPage"},
           description="A customer_id that is not yours simply matches nothing.")
def list_projects():
    query = validated_query(ProjectListQuerySchema())
    return get_rpc().timesheets.list_project_page(organization_id(), query)


@bp.get("/projects/<project_id>")
@operation("One project with its tasks, time entries and comments", tags=TAGS,
           responses={200: "ProjectDetail"},
           description="Hours logged = billed + unbilled, for the project and each task.")
def get_project(project_id):
    return get_rpc().timesheets.get_project(organization_id(), project_id)


@bp.patch("/projects/<project_id>")
@operation("Change a project (name, description, billing method, status)", tags=TAGS,
           body="ProjectUpdate", responses={200: "Project"},
           description="Fields not given keep their value. An inactive project is hidden "
                       "from the customer.")
def update_project(project_id):
    data = validated_body(ProjectUpdateBodySchema(), partial=True)
    return get_rpc().timesheets.update_project(organization_id(), project_id, data)


# --- tasks -------------------------------------------------------------------------------

@bp.post("/projects/<project_id>/tasks")
@operation("Add a task to a project", tags=TAGS, body="TaskBody", responses={201: "Task"},
           description="billable is true unless given.")
def create_task(project_id):
    data = validated_body(TaskBodySchema())
    task = get_rpc().timesheets.create_task(organization_id(), project_id, data)
    return task, 201, {"Location": url_for(".update_task", project_id=project_id,
                                           task_id=task["id"])}


@bp.patch("/projects/<project_id>/tasks/<task_id>")
@operation("Change a task (name, description, billable)", tags=TAGS, body="TaskUpdate",
           responses={200: "Task"}, description="Fields not given keep their value.")
def update_task(project_id, task_id):
    data = validated_body(TaskBodySchema(), partial=True)
    return get_rpc().timesheets.update_task(organization_id(), project_id, task_id, data)


# --- comments ----------------------------------------------------------------------------

@bp.post("/projects/<project_id>/comments")
@operation("Comment on a project as staff", tags=TAGS, body="TimesheetCommentBody",
           responses={201: "TimesheetComment"},
           description="The customer sees it in the portal only if show_in_portal is true, "
                       "and is emailed it too if email_customer is; author_name is 'Staff' "
                       "unless given. Plain text only.")
def add_project_comment(project_id):
    data = staff_comment(validated_body(TimesheetCommentBodySchema()))
    return get_rpc().timesheets.add_comment(organization_id(), "project", project_id,
                                            data), 201


@bp.get("/projects/<project_id>/comments")
@operation("A project's comments, the staff's and the customer's, oldest first", tags=TAGS,
           responses={200: "TimesheetCommentList"})
def list_project_comments(project_id):
    return {"items": get_rpc().timesheets.list_comments(organization_id(), "project",
                                                        project_id)}
