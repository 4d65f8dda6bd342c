"""Comments on an invoice, by staff or by the customer in the portal.

A customer's comment is always shown in the portal and announced (``comment_added``) so
staff hear of it; staff choose whether theirs is shown there (internal notes are not).
"""
from portal_common.errors import load_or_refuse as load

from .exceptions import CommentRefused
from .models import InvoiceComment
from .operations import emit, get_visible_invoice
from .reads import comments_of
from .schemas import CommentInputSchema


def add_invoice_comment(session, organization_id: str, invoice_id: str, data: dict,
                        customer_id: str | None = None) -> InvoiceComment:
    values = load(CommentInputSchema(), data, error_class=CommentRefused)
    invoice = get_visible_invoice(session, organization_id, invoice_id, customer_id)
    by_customer = customer_id is not None
    comment = InvoiceComment(organization_id=organization_id, invoice_id=invoice.id,
                             author_type="customer" if by_customer else "staff",
                             author_name=values["author_name"], body=values["body"],
                             show_in_portal=True if by_customer else values["show_in_portal"])
    session.add(comment)
    session.flush()
    if by_customer:
        emit(session, "comment_added", organization_id,
             {"document_type": "invoice", "document_id": invoice.id,
              "document_number": invoice.number, "customer_id": customer_id,
              "author_name": comment.author_name, "body": comment.body})
    return comment


def list_invoice_comments(session, organization_id: str, invoice_id: str,
                          customer_id: str | None = None) -> list[InvoiceComment]:
    """Oldest first; for a customer only those shown in the portal."""
    invoice = get_visible_invoice(session, organization_id, invoice_id, customer_id)
    return comments_of(session, invoice, portal=customer_id is not None)
