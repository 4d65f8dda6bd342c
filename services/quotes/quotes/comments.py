"""Comments on a quote: the customer's in the portal, staff's through the API.

A customer's comment is always shown in the portal and announced (``comment_added``) so
staff hear of it. Staff choose whether theirs is shown there (internal notes are not); a
shown one with ``email_customer`` is announced as ``staff_replied`` to the contact who last
spoke about the quote: the author of the latest customer comment, else the contact who
decided it, else the one who first viewed it. With none of them, no email goes and the
comment says ``emailed: false``.
"""
from sqlalchemy import select

from portal_common.errors import load_or_refuse as load

from .documents import emit
from .exceptions import CommentRefused
from .models import Quote, QuoteComment
from .quotes import comments_of, get_quote
from .schemas import CommentInputSchema


def _document(quote: Quote) -> dict:
    return {"document_type": "quote", "document_id": quote.id,
            "document_number": quote.number}


def contact_to_email(session, quote: Quote) -> str | None:
    latest = session.scalar(select(QuoteComment.contact_id).where(
        QuoteComment.quote_id == quote.id, QuoteComment.author_type == "customer",
        QuoteComment.contact_id.is_not(None))
        .order_by(QuoteComment.created_at.desc(), QuoteComment.id.desc()).limit(1))
    return latest or quote.decided_by_contact_id or quote.first_viewed_by_contact_id


def add_quote_comment(session, organization_id: str, quote_id: str, data: dict,
                      customer_id: str | None = None,
                      contact_id: str | None = None) -> QuoteComment:
    values = load(CommentInputSchema(), data, error_class=CommentRefused)
    quote = get_quote(session, organization_id, quote_id, customer_id)
    by_customer = customer_id is not None
    comment = QuoteComment(organization_id=organization_id, quote_id=quote.id,
                           revision=quote.revision,
                           author_type="customer" if by_customer else "staff",
                           author_name=values["author_name"], body=values["body"],
                           contact_id=contact_id if by_customer else None,
                           show_in_portal=True if by_customer else values["show_in_portal"],
                           emailed=False)
    if by_customer:
        session.add(comment)
        session.flush()
        emit(session, "comment_added", organization_id,
             {**_document(quote), "customer_id": quote.customer_id, "contact_id": contact_id,
              "author_name": comment.author_name, "body": comment.body})
        return comment
    recipient = (contact_to_email(session, quote)
                 if comment.show_in_portal and values["email_customer"] else None)
    comment.emailed = recipient is not None
    session.add(comment)
    session.flush()
    if recipient:
        emit(session, "staff_replied", organization_id,
             {**_document(quote), "customer_id": quote.customer_id, "contact_id": recipient,
              "author_name": comment.author_name, "body": comment.body})
    return comment


def list_quote_comments(session, organization_id: str, quote_id: str,
                        customer_id: str | None = None) -> list[QuoteComment]:
    """Oldest first; for a customer only those shown in the portal."""
    quote = get_quote(session, organization_id, quote_id, customer_id)
    return comments_of(session, quote, portal=customer_id is not None)
