"""Quotes as staff make them: numbers, lines and totals with billing's taxes, revisions,
sending, pages; tenancy everywhere (quotes's own tables, SQLite in memory)."""
from datetime import timedelta

import pytest

from portal_common.errors import ValidationFailed
from quotes import quotes as ops
from quotes.exceptions import DuplicateNumber, InvalidQuote, QuoteNotFound, QuoteStateConflict
from quotes.models import Quote, QuoteRevision
from quotes.schemas import QuoteSchema

from .conftest import (CONTACT, CUSTOMER, ORG, OTHER_CUSTOMER, OTHER_ORG, events, line,
                       new_quote, quote_data, sent_quote, taxes, today)

dump = QuoteSchema().dump


def test_a_new_quote_is_a_numbered_draft_with_its_lines_taxes_and_totals(session):
    quote = new_quote(session, line(name="Design", quantity="2", rate="10.005",
                                    tax_id="tax-vat"),
                      line(name="Hosting", quantity="3", rate="5", discount="10",
                           tax_id="tax-reduced"),
                      line(name="Advice", rate="7.50"),
                      reference="PO-7", notes="Thanks", terms="50% upfront")
    body = dump(quote)
    assert body["number"] == "QT-00001" and body["status"] == "draft"
    assert body["revision"] == 1 and body["customer_id"] == CUSTOMER
    assert [(l["name"], l["amount"], l["tax_amount"], l["tax_name"], l["tax_rate"])
            for l in body["lines"]] == [("Design", "20.01", "4.20", "IVA", "21"),
                                        ("Hosting", "13.50", "1.35", "IVA reducido", "10"),
                                        ("Advice", "7.50", "0.00", None, None)]
    assert (body["subtotal"], body["tax_total"], body["total"]) == ("41.01", "5.55", "46.56")
    assert (body["reference"], body["notes"], body["terms"]) == ("PO-7", "Thanks",
                                                                 "50% upfront")
    assert body["sent_at"] is None and body["first_viewed_at"] is None
    assert events(session) == []  # a draft is nobody's business yet


def test_the_taxes_are_summed_per_tax_for_the_totals(session):
    quote = new_quote(session, line(name="Design", quantity="2", rate="10.005",
                                    tax_id="tax-vat"),
                      line(name="Hosting", rate="100", tax_id="tax-reduced"),
                      line(name="Review", rate="50", tax_id="tax-vat"),
                      line(name="Advice", rate="7.50"))
    assert dump(quote)["taxes"] == [{"name": "IVA", "rate": "21", "amount": "14.70"},
                                    {"name": "IVA reducido", "rate": "10", "amount": "10.00"}]


def test_numbers_follow_per_organization_and_a_given_one_moves_the_counter(session):
    assert new_quote(session).number == "QT-00001"
    assert new_quote(session, number="QT-00007").number == "QT-00007"
    assert new_quote(session).number == "QT-00008"
    assert new_quote(session, number="Special 1").number == "Special 1"
    assert new_quote(session, org=OTHER_ORG).number == "QT-00001"


def test_a_number_the_organization_already_uses_is_refused(session):
    new_quote(session, number="QT-00003")
    with pytest.raises(DuplicateNumber) as refused:
        ops.create_quote(session, ORG, quote_data(number="QT-00003"), taxes)
    assert "number" in refused.value.details
    session.rollback()
    assert new_quote(session, org=OTHER_ORG, number="QT-00003").number == "QT-00003"


def test_an_unknown_tax_is_refused_with_the_line_it_is_on(session):
    with pytest.raises(InvalidQuote) as refused:
        ops.create_quote(session, ORG, quote_data(line(), line(tax_id="tax-elsewhere")),
                         taxes)
    assert refused.value.details == {"lines": {1: {"tax_id": ["Unknown tax."]}}}


def test_billing_is_asked_for_taxes_only_when_a_line_names_one(session):
    asked = []

    def list_taxes():
        asked.append(1)
        return taxes()

    ops.create_quote(session, ORG, quote_data(line()), list_taxes)
    assert asked == []
    ops.create_quote(session, ORG, quote_data(line(tax_id="tax-vat")), list_taxes)
    assert asked == [1]


@pytest.mark.parametrize("changes, field", [
    ({"lines": []}, "lines"),
    ({"lines": [line(quantity="0")]}, "lines"),
    ({"lines": [line(rate="-1")]}, "lines"),
    ({"lines": [line(discount="101")]}, "lines"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": None}, "currency"),
    ({"date": "2026-13-01"}, "date"),
    ({"expiry_date": "2000-01-01"}, "expiry_date"),
    ({"reference": "x" * 101}, "reference"),
    ({"customer_id": None}, "customer_id"),
])
def test_bad_quotes_are_refused_field_by_field(session, changes, field):
    with pytest.raises(InvalidQuote) as refused:
        ops.create_quote(session, ORG, quote_data(**changes), taxes)
    assert field in refused.value.details
    assert session.query(Quote).count() == 0


def test_a_quote_without_expiry_date_is_fine(session):
    assert new_quote(session, expiry_date=None).expiry_date is None


def test_sending_a_draft_makes_it_sent_and_announces_it_and_resending_moves_sent_at(session):
    quote = new_quote(session)
    ops.send_quote(session, ORG, quote.id)
    session.commit()
    first = quote.sent_at
    assert quote.status == "sent" and first is not None
    (sent,) = events(session, "quote_sent")
    assert sent["organization_id"] == ORG
    assert sent["payload"] == {"customer_id": CUSTOMER, "contact_id": None,
                               "document": {"type": "quote", "id": quote.id,
                                            "number": "QT-00001"},
                               "revision": 1, "currency": "EUR", "total": "100.00"}
    ops.send_quote(session, ORG, quote.id)
    session.commit()
    assert quote.status == "sent" and quote.sent_at >= first
    assert len(events(session, "quote_sent")) == 2


@pytest.mark.parametrize("decide", ["accept_quote", "decline_quote"])
def test_a_decided_quote_cannot_be_sent(session, decide):
    quote = sent_quote(session)
    getattr(ops, decide)(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    session.commit()
    with pytest.raises(QuoteStateConflict):
        ops.send_quote(session, ORG, quote.id)


def test_changing_a_draft_or_sent_quote_changes_it_in_place(session):
    quote = sent_quote(session)
    ops.update_quote(session, ORG, quote.id, quote_data(
        line(name="Other", quantity="2", rate="50", tax_id="tax-vat"), notes="New"), taxes)
    session.commit()
    body = dump(quote)
    assert body["status"] == "sent" and body["revision"] == 1
    assert body["total"] == "121.00" and body["notes"] == "New"
    assert [l["name"] for l in body["lines"]] == ["Other"]
    assert session.query(QuoteRevision).count() == 0


def test_changing_a_declined_quote_starts_a_new_revision_kept_apart(session):
    quote = sent_quote(session)
    ops.mark_quote_viewed(session, ORG, CUSTOMER, CONTACT, quote.id)
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id,
                      {"contact_name": "Ana", "reason": "Too dear"})
    session.commit()
    ops.update_quote(session, ORG, quote.id, quote_data(line(rate="80")), taxes)
    session.commit()
    detail = ops.get_quote_detail(session, ORG, quote.id)
    assert detail["number"] == "QT-00001" and detail["revision"] == 2
    assert detail["status"] == "draft" and detail["total"] == "80.00"
    for cleared in ("first_viewed_at", "decided_at", "decided_by_name",
                    "decided_by_contact_id", "decline_reason", "signature_name"):
        assert detail[cleared] is None, cleared
    (previous,) = detail["revisions"]
    assert previous["revision"] == 1 and previous["status"] == "declined"
    assert previous["total"] == "100.00" and previous["decline_reason"] == "Too dear"
    assert previous["decided_by_name"] == "Ana" and previous["decided_at"]
    assert previous["superseded_at"]
    # the customer does not see the new revision until it is sent again
    with pytest.raises(QuoteNotFound):
        ops.get_quote_detail(session, ORG, quote.id, customer_id=CUSTOMER)
    ops.send_quote(session, ORG, quote.id)
    session.commit()
    again = ops.get_quote_detail(session, ORG, quote.id, customer_id=CUSTOMER)
    assert again["status"] == "sent" and again["revision"] == 2
    assert events(session, "quote_sent")[-1]["payload"]["revision"] == 2


def test_changing_an_expired_quote_starts_a_new_revision(session):
    quote = sent_quote(session, date=(today() - timedelta(days=40)).isoformat(),
                       expiry_date=(today() - timedelta(days=10)).isoformat())
    assert ops.effective_status(quote) == "expired"
    ops.update_quote(session, ORG, quote.id, quote_data(), taxes)
    session.commit()
    assert quote.revision == 2 and ops.effective_status(quote) == "draft"
    assert quote.revisions[0].snapshot["status"] == "expired"


@pytest.mark.parametrize("convert", [False, True])
def test_an_accepted_or_invoiced_quote_cannot_change(session, convert):
    quote = sent_quote(session)
    ops.accept_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    if convert:
        ops.convert_quote_to_invoice(session, ORG, quote.id, lambda *a, **k: {
            "id": "inv-1", "number": "INV-000001", "status": "sent", "total": "121.00",
            "currency": "EUR"})
    session.commit()
    with pytest.raises(QuoteStateConflict) as refused:
        ops.update_quote(session, ORG, quote.id, quote_data(line(rate="1")), taxes)
    assert refused.value.details == {"status": "invoiced" if convert else "accepted"}
    assert quote.total == 100


def test_a_new_number_on_update_is_checked_and_the_customer_cannot_change(session):
    new_quote(session, number="QT-00050")
    quote = new_quote(session)
    with pytest.raises(DuplicateNumber):
        ops.update_quote(session, ORG, quote.id, quote_data(number="QT-00050"), taxes)
    session.rollback()
    with pytest.raises(InvalidQuote) as refused:
        ops.update_quote(session, ORG, quote.id, quote_data(customer_id=OTHER_CUSTOMER), taxes)
    assert "customer_id" in refused.value.details
    session.rollback()
    ops.update_quote(session, ORG, quote.id, quote_data(number="QT-00060"), taxes)
    assert quote.number == "QT-00060"


def test_another_organizations_quote_is_not_found_for_every_staff_action(session):
    quote = sent_quote(session, org=OTHER_ORG)
    for act in (lambda: ops.get_quote_detail(session, ORG, quote.id),
                lambda: ops.update_quote(session, ORG, quote.id, quote_data(), taxes),
                lambda: ops.send_quote(session, ORG, quote.id),
                lambda: ops.convert_quote_to_invoice(session, ORG, quote.id, None),
                lambda: ops.get_quote_detail(session, ORG, "no-such-id"),
                lambda: ops.get_quote_detail(session, ORG, None)):
        with pytest.raises(QuoteNotFound):
            act()


def test_a_customer_never_sees_a_draft_nor_another_customers_quote(session):
    draft = new_quote(session)
    theirs = sent_quote(session, customer_id=OTHER_CUSTOMER)
    for quote_id in (draft.id, theirs.id):
        with pytest.raises(QuoteNotFound):
            ops.get_quote_detail(session, ORG, quote_id, customer_id=CUSTOMER)
    assert ops.get_quote_detail(session, ORG, draft.id)["status"] == "draft"


def _numbers(page):
    return [q.number for q in page["items"]]


@pytest.fixture
def assorted(session):
    """QT-00001 draft, 00002 sent, 00003 viewed, 00004 expired, 00005 accepted,
    00006 declined, 00007 another customer's sent one; dates one day apart."""
    past = (today() - timedelta(days=1)).isoformat()
    made = {}
    for n, status in enumerate(["draft", "sent", "viewed", "expired", "accepted",
                                "declined", "theirs"], start=1):
        extra = {"date": (today() - timedelta(days=20 - n)).isoformat(),
                 "lines": [line(rate=str(n * 10))]}
        if status == "expired":
            extra.update(date=(today() - timedelta(days=30)).isoformat(), expiry_date=past)
        if status == "theirs":
            extra["customer_id"] = OTHER_CUSTOMER
        quote = new_quote(session, **extra)
        if status != "draft":
            ops.send_quote(session, ORG, quote.id)
        if status == "viewed":
            ops.mark_quote_viewed(session, ORG, CUSTOMER, CONTACT, quote.id)
        if status in ("accepted", "declined"):
            decide = ops.accept_quote if status == "accepted" else ops.decline_quote
            decide(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
        session.commit()
        made[status] = quote
    new_quote(session, org=OTHER_ORG)
    return made


@pytest.mark.parametrize("status, expected", [
    ("all", ["QT-00007", "QT-00006", "QT-00005", "QT-00003", "QT-00002", "QT-00001",
             "QT-00004"]),
    ("draft", ["QT-00001"]),
    ("sent", ["QT-00007", "QT-00002"]),
    ("viewed", ["QT-00003"]),
    ("expired", ["QT-00004"]),
    ("awaiting", ["QT-00007", "QT-00003", "QT-00002"]),
    ("accepted", ["QT-00005"]),
    ("declined", ["QT-00006"]),
    ("invoiced", []),
])
def test_staff_filter_by_effective_status(session, assorted, status, expected):
    assert _numbers(ops.list_quote_page(session, ORG, {"status": status})) == expected


def test_staff_pages_by_customer_sorted_and_sliced(session, assorted):
    page = ops.list_quote_page(session, ORG, {"customer_id": CUSTOMER, "sort": "total",
                                              "per_page": 4, "page": 2})
    assert _numbers(page) == ["QT-00005", "QT-00006"]
    assert (page["total"], page["pages"], page["per_page"], page["page"]) == (6, 2, 4, 2)
    assert _numbers(ops.list_quote_page(session, ORG, {"sort": "-number", "per_page": 2})) \
        == ["QT-00007", "QT-00006"]
    assert _numbers(ops.list_quote_page(session, ORG, {"customer_id": "nobody"})) == []
    assert ops.list_quote_page(session, ORG)["per_page"] == 25


@pytest.mark.parametrize("query", [{"status": "approved"}, {"sort": "customer"},
                                   {"per_page": 101}, {"page": 0}])
def test_bad_list_queries_are_refused(session, query):
    with pytest.raises(ValidationFailed):
        ops.list_quote_page(session, ORG, query)


def test_the_portal_lists_the_customers_quotes_but_never_drafts(session, assorted):
    page = ops.portal_quote_page(session, ORG, CUSTOMER, {"sort": "number"})
    assert _numbers(page) == ["QT-00002", "QT-00003", "QT-00004", "QT-00005", "QT-00006"]
    assert _numbers(ops.portal_quote_page(session, ORG, CUSTOMER, {"status": "awaiting"})) \
        == ["QT-00003", "QT-00002"]
    assert _numbers(ops.portal_quote_page(session, ORG, OTHER_CUSTOMER)) == ["QT-00007"]
    assert _numbers(ops.portal_quote_page(session, OTHER_ORG, CUSTOMER)) == []
    with pytest.raises(ValidationFailed):
        ops.portal_quote_page(session, ORG, CUSTOMER, {"status": "draft"})


def test_the_awaiting_count_agrees_with_the_awaiting_filter(session, assorted):
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == \
        ops.portal_quote_page(session, ORG, CUSTOMER, {"status": "awaiting"})["total"] == 2


def test_filters_given_as_null_mean_no_filter(session, assorted):
    everything = ops.list_quote_page(session, ORG, {})
    page = ops.list_quote_page(session, ORG, {"customer_id": None, "status": None,
                                              "sort": None, "page": None, "per_page": None})
    assert _numbers(page) == _numbers(everything) and page["per_page"] == 25
    assert ops.portal_quote_page(session, ORG, CUSTOMER, {"status": None})["total"] == 5
