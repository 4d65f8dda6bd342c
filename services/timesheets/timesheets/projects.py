"""Projects of a customer and their tasks.

Acting for a customer (portal), only that customer's *active* projects exist; an inactive
one is not found, as another customer's is.
"""
from sqlalchemy import exists, select

from portal_common.errors import load_or_refuse as load

from . import schemas
from .exceptions import InvalidProject, ProjectNotFound, TaskNotFound
from .models import Approval, Project, Task
from .operations import page_of, sorted_by

PROJECT_SORT_COLUMNS = {"name": Project.name, "created_at": Project.created_at}


def get_project(session, organization_id: str, project_id: str,
                customer_id: str | None = None, lock: bool = False) -> Project:
    project = session.get(Project, project_id, with_for_update=lock) if project_id else None
    if (project is None or project.organization_id != organization_id
            or (customer_id is not None
                and (project.customer_id != customer_id or project.status != "active"))):
        raise ProjectNotFound("Project not found.", {"project_id": project_id})
    return project


def create_project(session, organization_id: str, data: dict) -> Project:
    values = load(schemas.ProjectCreateSchema(), data, error_class=InvalidProject)
    project = Project(organization_id=organization_id, **values)
    session.add(project)
    session.flush()
    return project


def update_project(session, organization_id: str, project_id: str, data: dict) -> Project:
    """Change the fields given. The customer changes only while no approval was submitted
    (those approvals belong to the customer they were sent to)."""
    project = get_project(session, organization_id, project_id, lock=True)
    values = load(schemas.ProjectCreateSchema(), data, partial=True, error_class=InvalidProject)
    customer_id = values.get("customer_id", project.customer_id)
    if customer_id != project.customer_id and session.scalar(
            select(exists().where(Approval.project_id == project.id))):
        raise InvalidProject("A project with timesheet approvals keeps its customer.",
                             {"customer_id": ["A project with timesheet approvals keeps its "
                                              "customer."]})
    for name, value in values.items():
        setattr(project, name, value)
    session.flush()
    return project


def list_project_page(session, organization_id: str, query: dict | None = None) -> dict:
    """Projects filtered by customer_id and status ("all" or none: both), sorted by name
    (default), -name, created_at or -created_at."""
    values = load(schemas.ProjectListQuerySchema(), query or {})
    select_ = select(Project).where(Project.organization_id == organization_id)
    if values.get("customer_id"):
        select_ = select_.where(Project.customer_id == values["customer_id"])
    if values.get("status") and values["status"] != "all":
        select_ = select_.where(Project.status == values["status"])
    select_ = sorted_by(select_, values["sort"], PROJECT_SORT_COLUMNS, Project.id)
    return page_of(session, select_, values["page"], values["per_page"])


def portal_project_page(session, organization_id: str, customer_id: str,
                        query: dict | None = None) -> dict:
    """The customer's active projects."""
    values = load(schemas.PortalProjectQuerySchema(), query or {})
    select_ = select(Project).where(Project.organization_id == organization_id,
                                    Project.customer_id == customer_id,
                                    Project.status == "active")
    select_ = sorted_by(select_, values["sort"], PROJECT_SORT_COLUMNS, Project.id)
    return page_of(session, select_, values["page"], values["per_page"])


# --- tasks -------------------------------------------------------------------------

def get_task(session, organization_id: str, project_id: str, task_id: str) -> Task:
    """The project's task (another project's task is not found)."""
    task = session.get(Task, task_id) if task_id else None
    if task is None or task.organization_id != organization_id or task.project_id != project_id:
        raise TaskNotFound("Task not found.", {"task_id": task_id})
    return task


def create_task(session, organization_id: str, project_id: str, data: dict) -> Task:
    project = get_project(session, organization_id, project_id)
    values = load(schemas.TaskCreateSchema(), data, error_class=InvalidProject)
    task = Task(organization_id=organization_id, project_id=project.id, **values)
    session.add(task)
    session.flush()
    return task


def update_task(session, organization_id: str, project_id: str, task_id: str,
                data: dict) -> Task:
    """Change the fields given; entries already logged keep their own ``billable``."""
    get_project(session, organization_id, project_id)
    task = get_task(session, organization_id, project_id, task_id)
    values = load(schemas.TaskCreateSchema(), data, partial=True, error_class=InvalidProject)
    for name, value in values.items():
        setattr(task, name, value)
    session.flush()
    return task
