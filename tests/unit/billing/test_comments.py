"""Comments on invoices: the customer's are shown and announced, staff notes may be internal."""
import pytest
from sqlalchemy import select

from billing import comments, operations as ops, reads
from billing.exceptions import CommentRefused, InvoiceNotFound
from billing.models import InvoiceComment, Outbox

from .conftest import CUSTOMER, ORG, OTHER_CUSTOMER, invoice_data, sent_invoice


def test_customer_and_staff_comments(session):
    invoice = sent_invoice(session)
    mine = comments.add_invoice_comment(session, ORG, invoice.id,
                                        {"body": "¿Podéis desglosar las horas?",
                                         "author_name": "Ana", "show_in_portal": False},
                                        customer_id=CUSTOMER)
    note = comments.add_invoice_comment(session, ORG, invoice.id,
                                        {"body": "Internal: check hours", "author_name": "Luis"})
    reply = comments.add_invoice_comment(session, ORG, invoice.id,
                                         {"body": "Sí, adjuntas.", "author_name": "Luis",
                                          "show_in_portal": True})
    session.commit()
    assert (mine.author_type, mine.show_in_portal) == ("customer", True)  # always shown
    assert (note.author_type, note.show_in_portal) == ("staff", False)
    assert comments.list_invoice_comments(session, ORG, invoice.id, CUSTOMER) == [mine, reply]
    assert comments.list_invoice_comments(session, ORG, invoice.id) == [mine, note, reply]
    portal = reads.get_invoice_detail(session, ORG, invoice.id, CUSTOMER)["comments"]
    assert [c["body"] for c in portal] == ["¿Podéis desglosar las horas?", "Sí, adjuntas."]
    events = [r.payload for r in session.scalars(select(Outbox).where(
        Outbox.event_type == "comment_added"))]
    assert events == [{"document_type": "invoice", "document_id": invoice.id,
                       "document_number": invoice.number, "customer_id": CUSTOMER,
                       "author_name": "Ana", "body": "¿Podéis desglosar las horas?"}]


def test_comment_refusals_write_nothing(session):
    invoice = sent_invoice(session)
    draft = ops.create_invoice(session, ORG, invoice_data())
    session.commit()
    for body in ("", "   ", "x" * 4001, "<script>alert(1)</script>"):
        with pytest.raises(CommentRefused) as refused:
            comments.add_invoice_comment(session, ORG, invoice.id, {"body": body})
        assert "body" in refused.value.details
    with pytest.raises(CommentRefused):
        comments.add_invoice_comment(session, ORG, invoice.id,
                                     {"body": "hi", "author_name": "x" * 201})
    with pytest.raises(InvoiceNotFound):  # a draft does not exist for the customer
        comments.add_invoice_comment(session, ORG, draft.id, {"body": "hi"}, CUSTOMER)
    with pytest.raises(InvoiceNotFound):
        comments.add_invoice_comment(session, ORG, invoice.id, {"body": "hi"}, OTHER_CUSTOMER)
    with pytest.raises(InvoiceNotFound):
        comments.list_invoice_comments(session, ORG, invoice.id, OTHER_CUSTOMER)
    session.rollback()
    assert session.scalars(select(InvoiceComment)).all() == []
