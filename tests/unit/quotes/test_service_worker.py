"""QuotesService's RPC methods with nameko's worker_factory and a real session; billing
(the other service) is replaced by worker_factory's stand-in proxy, told what to answer."""
import pytest
from nameko.testing.services import worker_factory

from billing.exceptions import InvalidDocument, InvoiceNotFound
from quotes.exceptions import QuoteNotFound, QuoteStateConflict
from quotes.service import QuotesService

from .conftest import (CONTACT, CUSTOMER, ORG, OTHER_CUSTOMER, events, line, quote_data,
                       taxes, today)

INVOICE = {"id": "inv-1", "number": "INV-000007", "status": "sent", "total": "121.00",
           "currency": "EUR", "customer_id": CUSTOMER, "balance": "121.00",
           "quote_number": "QT-00001"}


@pytest.fixture
def service(session):
    service = worker_factory(QuotesService, db=session)
    service.billing.list_taxes.side_effect = lambda org: taxes() if org == ORG else []
    service.billing.create_invoice.return_value = INVOICE
    return service


def dispatched(service) -> list[str]:
    return [call.args[0] for call in service.dispatch.call_args_list]


def accepted_quote(service, **extra):
    quote = service.create_quote(ORG, quote_data(
        line(name="Design", quantity="2", rate="50", discount="10", tax_id="tax-vat",
             description="Two days"), **extra))
    service.send_quote(ORG, quote["id"])
    service.mark_quote_viewed(ORG, CUSTOMER, CONTACT, quote["id"])
    service.accept_quote(ORG, CUSTOMER, CONTACT, quote["id"],
                         {"contact_name": "Ana Ruiz", "signature_name": "Ana Ruiz"})
    return quote


def test_taxes_are_billings_asked_with_the_organization(service):
    quote = service.create_quote(ORG, quote_data(line(tax_id="tax-vat")))
    service.billing.list_taxes.assert_called_once_with(ORG)
    assert (quote["tax_total"], quote["total"]) == ("21.00", "121.00")
    assert quote["lines"][0]["tax_rate"] == "21"


def test_an_accepted_quote_becomes_billings_sent_invoice_and_is_invoiced(service, session):
    quote = accepted_quote(service, notes="Thank you", reference="PO-9")
    answer = service.convert_quote_to_invoice(ORG, quote["id"])
    service.billing.create_invoice.assert_called_once_with(
        ORG, {"customer_id": CUSTOMER, "currency": "EUR", "date": today().isoformat(),
              "due_date": None,
              "lines": [{"name": "Design", "description": "Two days", "quantity": "2",
                         "rate": "50", "discount": "10", "tax_id": "tax-vat"}],
              "quote_number": "QT-00001", "notes": "Thank you"},
        idempotency_key=f"quote-invoice:{quote['id']}:1", send=True)
    assert answer["invoice"] == {"id": "inv-1", "number": "INV-000007", "status": "sent",
                                 "total": "121.00", "currency": "EUR"}
    assert answer["quote"]["status"] == "invoiced"
    assert (answer["quote"]["invoice_id"], answer["quote"]["invoice_number"]) == \
        ("inv-1", "INV-000007")
    assert dispatched(service)[-1] == "quote_invoiced"
    (invoiced,) = events(session, "quote_invoiced")
    assert invoiced["payload"]["invoice_number"] == "INV-000007"
    assert invoiced["payload"]["contact_id"] is None
    detail = service.get_quote(ORG, quote["id"], customer_id=CUSTOMER)
    assert detail["status"] == "invoiced" and detail["signature_name"] == "Ana Ruiz"


def test_converting_twice_is_refused_and_billing_is_asked_once(service):
    quote = accepted_quote(service)
    service.convert_quote_to_invoice(ORG, quote["id"])
    with pytest.raises(QuoteStateConflict) as refused:
        service.convert_quote_to_invoice(ORG, quote["id"])
    assert refused.value.details == {"invoice_id": "inv-1", "invoice_number": "INV-000007"}
    assert service.billing.create_invoice.call_count == 1


@pytest.mark.parametrize("stage", ["draft", "sent", "declined"])
def test_only_an_accepted_quote_is_converted(service, stage):
    quote = service.create_quote(ORG, quote_data())
    if stage != "draft":
        service.send_quote(ORG, quote["id"])
    if stage == "declined":
        service.decline_quote(ORG, CUSTOMER, CONTACT, quote["id"], {"contact_name": "Ana"})
    with pytest.raises(QuoteStateConflict) as refused:
        service.convert_quote_to_invoice(ORG, quote["id"])
    assert refused.value.details == {"status": stage}
    service.billing.create_invoice.assert_not_called()


def test_when_billing_refuses_nothing_is_half_written_and_a_retry_uses_the_same_key(
        service, session):
    quote = accepted_quote(service)
    before = dispatched(service)
    service.billing.create_invoice.side_effect = InvalidDocument(
        "Unknown tax.", {"lines": {0: {"tax_id": ["Unknown tax."]}}})
    with pytest.raises(InvalidDocument):
        service.convert_quote_to_invoice(ORG, quote["id"])
    session.rollback()  # what the worker's teardown does with an uncommitted session
    assert service.get_quote(ORG, quote["id"])["status"] == "accepted"
    assert events(session, "quote_invoiced") == [] and dispatched(service) == before
    service.billing.create_invoice.side_effect = None
    service.convert_quote_to_invoice(ORG, quote["id"])
    keys = {call.kwargs["idempotency_key"]
            for call in service.billing.create_invoice.call_args_list}
    assert keys == {f"quote-invoice:{quote['id']}:1"}


def test_another_organizations_quote_is_not_converted(service):
    quote = accepted_quote(service)
    with pytest.raises(QuoteNotFound):
        service.convert_quote_to_invoice("another-org", quote["id"])
    service.billing.create_invoice.assert_not_called()


def test_the_portal_calls_answer_the_detail_with_shown_comments_only(service):
    quote = service.create_quote(ORG, quote_data())
    service.send_quote(ORG, quote["id"])
    service.add_quote_comment(ORG, quote["id"], {"body": "internal", "author_name": "S"})
    service.add_quote_comment(ORG, quote["id"], {"body": "Hi!", "author_name": "Ana"},
                              customer_id=CUSTOMER, contact_id=CONTACT)
    viewed = service.mark_quote_viewed(ORG, CUSTOMER, CONTACT, quote["id"])
    assert viewed["status"] == "viewed" and [c["body"] for c in viewed["comments"]] == ["Hi!"]
    assert viewed["revisions"] == []
    declined = service.decline_quote(ORG, CUSTOMER, CONTACT, quote["id"],
                                     {"contact_name": "Ana", "reason": "No budget"})
    assert declined["status"] == "declined" and declined["decline_reason"] == "No budget"
    assert [c["body"] for c in service.list_quote_comments(ORG, quote["id"])] == \
        ["internal", "Hi!"]
    assert service.count_awaiting_approval(ORG, CUSTOMER) == 0
    page = service.portal_quote_page(ORG, CUSTOMER, {"status": "declined"})
    assert [q["number"] for q in page["items"]] == ["QT-00001"] and page["pages"] == 1
    assert service.list_quote_page(ORG, {})["items"][0]["lines"][0]["amount"] == "100.00"
    assert dispatched(service) == ["quote_sent", "comment_added", "quote_viewed",
                                   "quote_declined"]


def test_a_sales_order_is_fulfilled_with_billings_invoice_of_its_customer(service):
    order = service.create_sales_order(ORG, {
        "customer_id": CUSTOMER, "currency": "EUR", "date": "2026-11-20",
        "lines": [{"name": "Boxes", "quantity": "10", "rate": "2.5"}]})
    assert order["number"] == "SO-00001" and order["total"] == "25.00"
    service.confirm_sales_order(ORG, order["id"])
    service.billing.get_invoice.return_value = INVOICE
    done = service.fulfil_sales_order(ORG, order["id"], {"invoice_id": "inv-1"})
    service.billing.get_invoice.assert_called_once_with(ORG, "inv-1")
    assert (done["status"], done["invoice_number"]) == ("fulfilled", "INV-000007")
    assert service.get_sales_order_by_number(ORG, CUSTOMER, "SO-00001")["id"] == order["id"]
    seen = service.mark_sales_order_viewed(ORG, CUSTOMER, CONTACT, order["id"])
    assert seen["first_viewed_at"] is not None
    assert service.portal_sales_order_page(ORG, CUSTOMER, {})["total"] == 1
    assert service.portal_sales_order_page(ORG, OTHER_CUSTOMER, {})["total"] == 0
    assert service.close_sales_order(ORG, order["id"])["status"] == "closed"
    assert dispatched(service) == ["sales_order_viewed"]


def test_billings_invoice_not_found_reaches_the_caller_as_itself(service):
    order = service.create_sales_order(ORG, {
        "customer_id": CUSTOMER, "currency": "EUR", "date": "2026-11-20",
        "lines": [{"name": "Boxes", "quantity": "1", "rate": "1"}]})
    service.confirm_sales_order(ORG, order["id"])
    service.billing.get_invoice.side_effect = InvoiceNotFound("Invoice not found.", {})
    with pytest.raises(InvoiceNotFound):
        service.fulfil_sales_order(ORG, order["id"], {"invoice_id": "nope"})
