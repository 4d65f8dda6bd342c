"""Comments on a project or an approval, by staff or by the customer in the portal.

A customer's comment is always shown in the portal and announced (``comment_added``) so
staff hear of it; staff choose whether theirs is shown there (internal notes are not) and,
when shown, whether the customer is emailed (``staff_replied``). The contact emailed is the
author of the latest customer comment on the document, else the contact who decided or
first viewed the approval; with nobody to email there is no event and ``emailed`` is false.
Bodies are plain text: markup is refused (portal_common.text.reject_markup).
"""
from sqlalchemy import select

from portal_common.errors import load_or_refuse as load

from . import schemas
from .approvals import get_approval
from .exceptions import CommentRefused
from .models import COMMENT_TARGETS, Approval, Comment
from .operations import emit
from .projects import get_project


def get_target(session, organization_id: str, target_type: str, target_id: str,
               customer_id: str | None = None):
    """The project or approval commented on (not found as such when not visible)."""
    if target_type not in COMMENT_TARGETS:
        raise CommentRefused("Comments are on a project or an approval.",
                             {"target_type": ["Must be one of: project, approval."]})
    if target_type == "project":
        return get_project(session, organization_id, target_id, customer_id)
    return get_approval(session, organization_id, target_id, customer_id)


def _number(target) -> str:
    return target.number if isinstance(target, Approval) else target.name


def _contact_to_email(session, target_type: str, target) -> str | None:
    latest = session.scalar(select(Comment.contact_id).where(
        Comment.target_type == target_type, Comment.target_id == target.id,
        Comment.author_type == "customer", Comment.contact_id.is_not(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(1))
    if latest:
        return latest
    if isinstance(target, Approval):
        return target.decided_by_contact_id or target.first_viewed_by_contact_id
    return None


def add_comment(session, organization_id: str, target_type: str, target_id: str, data: dict,
                customer_id: str | None = None, contact_id: str | None = None) -> Comment:
    target = get_target(session, organization_id, target_type, target_id, customer_id)
    values = load(schemas.CommentInputSchema(), data, error_class=CommentRefused)
    by_customer = customer_id is not None
    recipient = None
    if not by_customer and values["show_in_portal"] and values["email_customer"]:
        recipient = _contact_to_email(session, target_type, target)
    comment = Comment(organization_id=organization_id, target_type=target_type,
                      target_id=target.id, author_type="customer" if by_customer else "staff",
                      author_name=values["author_name"],
                      contact_id=contact_id if by_customer else None, body=values["body"],
                      show_in_portal=True if by_customer else values["show_in_portal"],
                      emailed=recipient is not None)
    session.add(comment)
    session.flush()
    announced = {"document_type": target_type, "document_id": target.id,
                 "document_number": _number(target), "customer_id": target.customer_id,
                 "author_name": comment.author_name, "body": comment.body}
    if by_customer:
        emit(session, "comment_added", organization_id, dict(announced, contact_id=contact_id))
    elif recipient is not None:
        emit(session, "staff_replied", organization_id, dict(announced, contact_id=recipient))
    return comment


def list_comments(session, organization_id: str, target_type: str, target_id: str,
                  customer_id: str | None = None) -> list[Comment]:
    """Oldest first; for a customer only those shown in the portal."""
    target = get_target(session, organization_id, target_type, target_id, customer_id)
    return comments_of(session, target_type, target.id, portal=customer_id is not None)


def comments_of(session, target_type: str, target_id: str, portal: bool) -> list[Comment]:
    query = select(Comment).where(Comment.target_type == target_type,
                                  Comment.target_id == target_id)
    if portal:
        query = query.where(Comment.show_in_portal.is_(True))
    return list(session.scalars(query.order_by(Comment.created_at, Comment.id)))
