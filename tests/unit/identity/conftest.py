import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from identity import operations as ops
from identity.models import Base


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def org(session):
    organization, _key = ops.create_organization(session, {"name": "Org A", "email": "a@org.example"})
    session.commit()
    return organization


@pytest.fixture
def customer(session, org):
    customer = ops.create_customer(session, org.id, {
        "display_name": "Cliente", "contacts": [
            {"first_name": "Ana", "email": "Ana@Example.com"},
            {"first_name": "Sin", "last_name": "Correo"}]})
    session.commit()
    return customer
