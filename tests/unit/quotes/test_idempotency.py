"""A create repeated with the same idempotency key gets the first answer back and makes
nothing new; the same key with another request is refused (quotes's own table)."""
import pytest
from nameko.testing.services import worker_factory

from portal_common.errors import ValidationFailed
from quotes.exceptions import IdempotencyKeyReused
from quotes.models import Quote, SalesOrder
from quotes.service import QuotesService

from .conftest import ORG, OTHER_ORG, quote_data, taxes


@pytest.fixture
def service(session):
    service = worker_factory(QuotesService, db=session)
    service.billing.list_taxes.side_effect = lambda org: taxes()
    return service


def test_the_same_request_with_the_same_key_makes_one_quote(service, session):
    first = service.create_quote(ORG, quote_data(), idempotency_key="k-1")
    again = service.create_quote(ORG, quote_data(), idempotency_key="k-1")
    assert again == first
    assert session.query(Quote).count() == 1
    other = service.create_quote(OTHER_ORG, quote_data(), idempotency_key="k-1")
    assert other["id"] != first["id"]  # keys are per organization


def test_the_same_key_with_another_request_is_refused(service, session):
    service.create_quote(ORG, quote_data(), idempotency_key="k-2")
    with pytest.raises(IdempotencyKeyReused):
        service.create_quote(ORG, quote_data(notes="different"), idempotency_key="k-2")
    assert session.query(Quote).count() == 1


def test_sales_orders_have_their_own_keys(service, session):
    data = {"customer_id": "c", "currency": "EUR", "date": "2026-11-01",
            "lines": [{"name": "A", "quantity": "1", "rate": "1"}]}
    first = service.create_sales_order(ORG, data, idempotency_key="k-3")
    assert service.create_sales_order(ORG, data, idempotency_key="k-3") == first
    assert session.query(SalesOrder).count() == 1


def test_a_bad_key_is_refused(service):
    with pytest.raises(ValidationFailed):
        service.create_quote(ORG, quote_data(), idempotency_key="x" * 256)
