"""The customer's side of a quote: viewing it, accepting it with an optional typed
signature, declining it with an optional reason; clear refusals for a quote that is
expired, decided already, a draft or another customer's (SQLite in memory)."""
from datetime import timedelta

import pytest

from quotes import quotes as ops
from quotes.exceptions import (InvalidQuote, QuoteAlreadyDecided, QuoteExpired, QuoteNotFound,
                               QuoteStateConflict)

from .conftest import (CONTACT, CUSTOMER, ORG, OTHER_CONTACT, OTHER_CUSTOMER, OTHER_ORG,
                       events, new_quote, sent_quote, today)

DOCUMENT = {"type": "quote", "number": "QT-00001"}


def test_the_first_view_of_a_revision_is_recorded_and_announced_once(session):
    quote = sent_quote(session)
    ops.mark_quote_viewed(session, ORG, CUSTOMER, CONTACT, quote.id)
    session.commit()
    first = quote.first_viewed_at
    assert quote.status == "viewed" and first is not None
    assert quote.first_viewed_by_contact_id == CONTACT
    ops.mark_quote_viewed(session, ORG, CUSTOMER, OTHER_CONTACT, quote.id)
    session.commit()
    assert quote.first_viewed_at == first
    (viewed,) = events(session, "quote_viewed")
    assert viewed["payload"] == {"customer_id": CUSTOMER, "contact_id": CONTACT,
                                 "document": {**DOCUMENT, "id": quote.id}, "revision": 1,
                                 "currency": "EUR", "total": "100.00"}


def test_a_customer_cannot_view_a_draft_nor_anothers_quote(session):
    draft = new_quote(session)
    theirs = sent_quote(session, customer_id=OTHER_CUSTOMER)
    elsewhere = sent_quote(session, org=OTHER_ORG)
    for org, quote in ((ORG, draft), (ORG, theirs), (ORG, elsewhere)):
        with pytest.raises(QuoteNotFound):
            ops.mark_quote_viewed(session, org, CUSTOMER, CONTACT, quote.id)
    assert events(session, "quote_viewed") == []
    assert draft.first_viewed_at is None and theirs.status == "sent"


def test_accepting_records_who_when_and_the_typed_signature(session):
    quote = sent_quote(session)
    ops.accept_quote(session, ORG, CUSTOMER, CONTACT, quote.id,
                     {"contact_name": "Ana Ruiz", "signature_name": "  A. Ruiz "})
    session.commit()
    assert quote.status == "accepted" and quote.decided_at is not None
    assert (quote.decided_by_contact_id, quote.decided_by_name, quote.signature_name) == \
        (CONTACT, "Ana Ruiz", "A. Ruiz")
    (accepted,) = events(session, "quote_accepted")
    assert accepted["payload"]["contact_id"] == CONTACT
    assert accepted["payload"]["signature_name"] == "A. Ruiz"
    assert accepted["payload"]["document"] == {**DOCUMENT, "id": quote.id}
    assert ops.count_awaiting_approval(session, ORG, CUSTOMER) == 0


def test_accepting_without_a_signature_is_fine(session):
    quote = sent_quote(session)
    ops.accept_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    assert quote.signature_name is None
    assert events(session, "quote_accepted")[0]["payload"]["signature_name"] is None


def test_declining_records_the_reason_or_an_empty_one(session):
    quote, other = sent_quote(session), sent_quote(session)
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id,
                      {"contact_name": "Ana", "reason": "Too expensive"})
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, other.id, {"contact_name": "Ana"})
    session.commit()
    assert (quote.status, quote.decline_reason) == ("declined", "Too expensive")
    assert other.decline_reason == ""
    reasons = [e["payload"]["reason"] for e in events(session, "quote_declined")]
    assert sorted(reasons) == ["", "Too expensive"]


@pytest.mark.parametrize("first, second", [("accept_quote", "decline_quote"),
                                           ("decline_quote", "accept_quote"),
                                           ("accept_quote", "accept_quote")])
def test_a_decided_quote_refuses_the_next_decision_saying_who_decided(session, first,
                                                                       second):
    quote = sent_quote(session)
    getattr(ops, first)(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    session.commit()
    with pytest.raises(QuoteAlreadyDecided) as refused:
        getattr(ops, second)(session, ORG, CUSTOMER, OTHER_CONTACT, quote.id,
                             {"contact_name": "Bea"})
    status = "accepted" if first == "accept_quote" else "declined"
    assert refused.value.details == {"status": status, "decided_by_name": "Ana",
                                     "decided_at": quote.decided_at.isoformat()}
    assert "Ana" in refused.value.message
    assert isinstance(refused.value, QuoteStateConflict)
    session.rollback()
    assert quote.status == status and quote.decided_by_name == "Ana"
    assert len(events(session)) == 2  # sent + the first decision


def test_an_invoiced_quote_is_decided_already(session):
    quote = sent_quote(session)
    ops.accept_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    ops.convert_quote_to_invoice(session, ORG, quote.id, lambda *a, **k: {
        "id": "inv-1", "number": "INV-000001", "status": "sent", "total": "100.00",
        "currency": "EUR"})
    session.commit()
    with pytest.raises(QuoteAlreadyDecided) as refused:
        ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    assert refused.value.details["status"] == "invoiced"


@pytest.mark.parametrize("decide", ["accept_quote", "decline_quote"])
def test_an_expired_quote_cannot_be_answered(session, decide):
    expiry = today() - timedelta(days=1)
    quote = sent_quote(session, date=(today() - timedelta(days=20)).isoformat(),
                       expiry_date=expiry.isoformat())
    with pytest.raises(QuoteExpired) as refused:
        getattr(ops, decide)(session, ORG, CUSTOMER, CONTACT, quote.id,
                             {"contact_name": "Ana"})
    assert refused.value.details == {"expiry_date": expiry.isoformat()}
    assert quote.status == "sent" and quote.decided_at is None


def test_a_quote_can_be_answered_on_its_expiry_day(session):
    quote = sent_quote(session, expiry_date=today().isoformat())
    ops.accept_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    assert quote.status == "accepted"


@pytest.mark.parametrize("decide", ["accept_quote", "decline_quote"])
def test_a_draft_or_another_customers_quote_is_not_found(session, decide):
    draft = new_quote(session)
    theirs = sent_quote(session, customer_id=OTHER_CUSTOMER)
    elsewhere = sent_quote(session, org=OTHER_ORG)
    for org, quote in ((ORG, draft), (ORG, theirs), (ORG, elsewhere), (ORG, None)):
        with pytest.raises(QuoteNotFound):
            getattr(ops, decide)(session, org, CUSTOMER, CONTACT,
                                 quote.id if quote else "nope", {"contact_name": "Ana"})
    assert events(session, "quote_accepted") == events(session, "quote_declined") == []


@pytest.mark.parametrize("decide, data, field", [
    ("accept_quote", {}, "contact_name"),
    ("accept_quote", {"contact_name": "Ana", "signature_name": "x" * 201}, "signature_name"),
    ("decline_quote", {"contact_name": "Ana", "reason": "x" * 2001}, "reason"),
    ("decline_quote", {"contact_name": "Ana", "reason": "<script>alert(1)</script>"},
     "reason"),
    ("decline_quote", {"contact_name": "Ana", "reason": "see javascript:alert(1)"}, "reason"),
])
def test_bad_answers_are_refused_and_nothing_is_written(session, decide, data, field):
    quote = sent_quote(session)
    with pytest.raises(InvalidQuote) as refused:
        getattr(ops, decide)(session, ORG, CUSTOMER, CONTACT, quote.id, data)
    assert field in refused.value.details
    assert quote.status == "sent"


def test_a_reason_with_a_less_than_sign_in_words_is_fine(session):
    quote = sent_quote(session)
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id,
                      {"contact_name": "Ana", "reason": "price < 100 please"})
    assert quote.decline_reason == "price < 100 please"
