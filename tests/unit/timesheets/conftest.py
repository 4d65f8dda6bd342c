import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from portal_common.db import make_engine
from tests.support.postgres import create_databases, drop_databases
from timesheets import approvals, projects, time_entries
from timesheets.models import Base

ORG = "00000000-0000-0000-0000-00000000000a"
OTHER_ORG = "00000000-0000-0000-0000-00000000000b"
CUSTOMER = "00000000-0000-0000-0000-0000000000c1"
OTHER_CUSTOMER = "00000000-0000-0000-0000-0000000000c2"
ANA = "00000000-0000-0000-0000-0000000000a1"       # the customer's contact
LUIS = "00000000-0000-0000-0000-0000000000a2"      # another contact of the customer


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def new_project(session, org=ORG, customer=CUSTOMER, **extra):
    project = projects.create_project(session, org, {"customer_id": customer,
                                                     "name": "Reforma local", **extra})
    session.commit()
    return project


def new_task(session, project, name="Obra", billable=True, org=ORG):
    task = projects.create_task(session, org, project.id, {"name": name, "billable": billable})
    session.commit()
    return task


def log(session, task, hours="1.5", date="2026-11-02", org=ORG, **extra):
    entry = time_entries.create_time_entry(session, org, {
        "project_id": task.project_id, "task_id": task.id, "date": date, "hours": hours,
        "notes": "Trabajo", **extra})
    session.commit()
    return entry


def submit(session, project, *entries, org=ORG):
    approval = approvals.submit_approval(session, org, {
        "project_id": project.id, "time_entry_ids": [e.id for e in entries]})
    session.commit()
    return approval


@pytest.fixture
def project(session):
    return new_project(session)


@pytest.fixture
def task(session, project):
    return new_task(session, project)


@pytest.fixture(scope="session")
def timesheets_pg_url():
    """A migrated PostgreSQL timesheets database of its own for these tests."""
    urls = create_databases(["timesheets"])
    yield urls["timesheets"]
    drop_databases(urls)


@pytest.fixture
def pg_engine(timesheets_pg_url):
    """make_engine: under ``nameko test`` (eventlet) psycopg2 is made cooperative, so one
    green thread waiting on a row lock lets the other commit."""
    engine = make_engine(timesheets_pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_org():
    """Each PostgreSQL test works in an organization of its own."""
    return str(uuid.uuid4())
