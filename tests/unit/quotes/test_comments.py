"""Comments on a quote: the customer's (always shown, announced to staff) and staff's
(shown only when asked; a shown reply may email the contact who last spoke), plain text
only (SQLite in memory)."""
import pytest

from quotes import comments
from quotes import quotes as ops
from quotes.exceptions import CommentRefused, QuoteNotFound

from .conftest import (CONTACT, CUSTOMER, ORG, OTHER_CONTACT, OTHER_CUSTOMER, OTHER_ORG,
                       events, new_quote, sent_quote)


def staff(session, quote, body="Noted", **extra):
    data = {"body": body, "author_name": "Staff", **extra}
    comment = comments.add_quote_comment(session, ORG, quote.id, data)
    session.commit()
    return comment


def customer(session, quote, body="Question", contact_id=CONTACT, author="Ana"):
    comment = comments.add_quote_comment(session, ORG, quote.id,
                                         {"body": body, "author_name": author},
                                         customer_id=CUSTOMER, contact_id=contact_id)
    session.commit()
    return comment


def test_a_customers_comment_is_shown_and_announced_to_staff(session):
    quote = sent_quote(session)
    comment = customer(session, quote, "Can you do 10% less?")
    assert (comment.author_type, comment.show_in_portal, comment.emailed) == \
        ("customer", True, False)
    assert comment.contact_id == CONTACT and comment.revision == 1
    (added,) = events(session, "comment_added")
    assert added["payload"] == {"document_type": "quote", "document_id": quote.id,
                                "document_number": "QT-00001", "customer_id": CUSTOMER,
                                "contact_id": CONTACT, "author_name": "Ana",
                                "body": "Can you do 10% less?"}


def test_staff_notes_stay_internal_unless_shown_and_the_customer_sees_only_shown_ones(
        session):
    quote = sent_quote(session)
    customer(session, quote, "First")
    staff(session, quote, "Internal: margin is thin")
    staff(session, quote, "We can do 5%", show_in_portal=True)
    assert events(session, "staff_replied") == []
    portal = comments.list_quote_comments(session, ORG, quote.id, customer_id=CUSTOMER)
    assert [c.body for c in portal] == ["First", "We can do 5%"]
    everything = comments.list_quote_comments(session, ORG, quote.id)
    assert [c.body for c in everything] == ["First", "Internal: margin is thin",
                                            "We can do 5%"]
    detail = ops.get_quote_detail(session, ORG, quote.id, customer_id=CUSTOMER)
    assert [c["body"] for c in detail["comments"]] == ["First", "We can do 5%"]
    assert len(ops.get_quote_detail(session, ORG, quote.id)["comments"]) == 3


def test_a_shown_reply_emails_the_author_of_the_latest_customer_comment(session):
    quote = sent_quote(session)
    ops.mark_quote_viewed(session, ORG, CUSTOMER, OTHER_CONTACT, quote.id)
    customer(session, quote, "From Bea", contact_id=OTHER_CONTACT, author="Bea")
    customer(session, quote, "From Ana", contact_id=CONTACT)
    reply = staff(session, quote, "Here you are", show_in_portal=True, email_customer=True)
    assert reply.emailed is True
    (replied,) = events(session, "staff_replied")
    assert replied["payload"] == {"customer_id": CUSTOMER, "contact_id": CONTACT,
                                  "document_type": "quote", "document_id": quote.id,
                                  "document_number": "QT-00001", "author_name": "Staff",
                                  "body": "Here you are"}


def test_without_customer_comments_the_reply_goes_to_who_decided_else_who_viewed(session):
    quote = sent_quote(session)
    ops.mark_quote_viewed(session, ORG, CUSTOMER, OTHER_CONTACT, quote.id)
    staff(session, quote, "Any question?", show_in_portal=True, email_customer=True)
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    staff(session, quote, "Sorry to hear", show_in_portal=True, email_customer=True)
    assert [e["payload"]["contact_id"] for e in events(session, "staff_replied")] == \
        [OTHER_CONTACT, CONTACT]


def test_no_contact_to_email_means_no_email(session):
    quote = sent_quote(session)
    reply = staff(session, quote, "Hello", show_in_portal=True, email_customer=True)
    assert reply.emailed is False and events(session, "staff_replied") == []


def test_a_hidden_note_is_never_emailed(session):
    quote = sent_quote(session)
    customer(session, quote)
    note = staff(session, quote, "Internal", show_in_portal=False, email_customer=True)
    assert note.emailed is False and events(session, "staff_replied") == []


def test_the_customer_cannot_set_show_in_portal_nor_email(session):
    quote = sent_quote(session)
    comment = comments.add_quote_comment(
        session, ORG, quote.id, {"body": "Hi", "author_name": "Ana", "show_in_portal": False,
                                 "email_customer": True},
        customer_id=CUSTOMER, contact_id=CONTACT)
    assert comment.show_in_portal is True and comment.emailed is False
    assert events(session, "staff_replied") == []


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 4001, "<b>bold</b>",
                                  "<script>alert(1)</script>", "<!-- hi -->",
                                  "click javascript:alert(1)"])
def test_empty_long_or_markup_comments_are_refused(session, body):
    quote = sent_quote(session)
    for by_customer in (False, True):
        with pytest.raises(CommentRefused) as refused:
            comments.add_quote_comment(session, ORG, quote.id,
                                       {"body": body, "author_name": "Ana"},
                                       customer_id=CUSTOMER if by_customer else None,
                                       contact_id=CONTACT if by_customer else None)
        assert "body" in refused.value.details
    assert comments.list_quote_comments(session, ORG, quote.id) == []


def test_a_missing_body_or_a_long_author_is_refused(session):
    quote = sent_quote(session)
    with pytest.raises(CommentRefused):
        comments.add_quote_comment(session, ORG, quote.id, {"author_name": "Ana"})
    with pytest.raises(CommentRefused):
        comments.add_quote_comment(session, ORG, quote.id, {"body": "Hi",
                                                            "author_name": "x" * 201})


def test_plain_text_with_angle_brackets_in_words_is_kept(session):
    quote = sent_quote(session)
    assert customer(session, quote, "3 < 4 and 5 > 2").body == "3 < 4 and 5 > 2"


def test_nobody_comments_on_or_reads_anothers_quote(session):
    draft = new_quote(session)
    theirs = sent_quote(session, customer_id=OTHER_CUSTOMER)
    elsewhere = sent_quote(session, org=OTHER_ORG)
    for quote in (draft, theirs, elsewhere):
        with pytest.raises(QuoteNotFound):
            comments.add_quote_comment(session, ORG, quote.id, {"body": "Hi"},
                                       customer_id=CUSTOMER, contact_id=CONTACT)
        with pytest.raises(QuoteNotFound):
            comments.list_quote_comments(session, ORG, quote.id, customer_id=CUSTOMER)
    with pytest.raises(QuoteNotFound):
        comments.add_quote_comment(session, ORG, elsewhere.id, {"body": "Hi"})
    with pytest.raises(QuoteNotFound):
        comments.list_quote_comments(session, ORG, elsewhere.id)
    # staff comment on their own draft
    assert staff(session, draft, "Draft note").revision == 1


def test_a_comment_carries_the_revision_it_was_written_on(session):
    quote = sent_quote(session)
    customer(session, quote, "On the first")
    ops.decline_quote(session, ORG, CUSTOMER, CONTACT, quote.id, {"contact_name": "Ana"})
    ops.update_quote(session, ORG, quote.id, {"currency": "EUR", "date": quote.date.isoformat(),
                                              "lines": [{"name": "X", "quantity": "1",
                                                         "rate": "1"}]})
    assert staff(session, quote, "On the second").revision == 2
