"""billing.create_invoice(send=True): what a converted quote needs — the invoice created and
sent in one transaction, once per idempotency key, naming the quote it came from."""
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from billing.models import Invoice
from billing.service import BillingService

from .conftest import ORG, invoice_data


def test_created_and_sent_once_per_key_with_its_quote_number(session):
    service = worker_factory(BillingService, db=session)
    data = invoice_data(quote_number="QT-00007")
    first = service.create_invoice(ORG, data, idempotency_key="quote-invoice:q1:1", send=True)
    assert first["status"] == "sent" and first["quote_number"] == "QT-00007"
    again = service.create_invoice(ORG, data, idempotency_key="quote-invoice:q1:1", send=True)
    assert again == first
    assert session.scalar(select(func.count()).select_from(Invoice)) == 1
    detail = service.get_invoice(ORG, first["id"])
    assert detail["quote_number"] == "QT-00007" and detail["sent_at"] is not None
    dispatched = [call.args[0] for call in service.dispatch.call_args_list]
    assert dispatched == ["invoice_created", "invoice_sent"]


def test_without_send_it_stays_a_draft(session):
    service = worker_factory(BillingService, db=session)
    draft = service.create_invoice(ORG, invoice_data())
    assert draft["status"] == "draft" and draft["quote_number"] is None
