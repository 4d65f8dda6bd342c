"""Timesheet approvals: submit a project's time entries to its customer, list and read the
approvals (the customer approves or rejects them in the portal), and the staff's side of an
approval's comment thread.

An entry can be in one pending or approved approval at a time (409
entry_already_in_approval, details naming the entries); a rejected approval frees its
entries, to be corrected and submitted again.
"""
from flask import url_for

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation
from .projects import staff_comment
from .timesheet_schemas import (ApprovalBodySchema, ApprovalListQuerySchema,
                                TimesheetCommentBodySchema)

TAGS = ("timesheets",)


@bp.post("/timesheet-approvals")
@operation("Submit time entries of a project to its customer for approval", tags=TAGS,
           body="ApprovalBody", responses={201: "ApprovalDetail"}, errors=(404, 409),
           description="The approval is pending until the customer approves or rejects it "
                       "in the portal. Entries of another project: 400 invalid_approval; "
                       "in another pending or approved approval, or billed: 409 "
                       "entry_already_in_approval.")
def submit_approval():
    data = validated_body(ApprovalBodySchema())
    approval = get_rpc().timesheets.submit_approval(organization_id(), data)
    return approval, 201, {"Location": url_for(".get_timesheet_approval",
                                               approval_id=approval["id"])}


@bp.get("/timesheet-approvals")
@operation("List timesheet approvals (customer, project, status, pages)", tags=TAGS,
           query="ApprovalListQuery", responses={200: "ApprovalPage"},
           description="A customer_id or project_id that is not yours simply matches "
                       "nothing.")
def list_timesheet_approvals():
    query = validated_query(ApprovalListQuerySchema())
    return get_rpc().timesheets.list_approval_page(organization_id(), query)


@bp.get("/timesheet-approvals/<approval_id>")
@operation("One timesheet approval with its entries, the decision and comments", tags=TAGS,
           responses={200: "ApprovalDetail"},
           description="first_viewed_at is when the customer first opened it in the portal; "
                       "decided_by_name and decided_at say who approved or rejected it, and "
                       "when.")
def get_timesheet_approval(approval_id):
    return get_rpc().timesheets.get_approval(organization_id(), approval_id)


@bp.post("/timesheet-approvals/<approval_id>/comments")
@operation("Comment on a timesheet approval as staff", tags=TAGS,
           body="TimesheetCommentBody", responses={201: "TimesheetComment"},
           description="The customer sees it in the portal only if show_in_portal is true, "
                       "and is emailed it too if email_customer is; author_name is 'Staff' "
                       "unless given. Plain text only.")
def add_timesheet_approval_comment(approval_id):
    data = staff_comment(validated_body(TimesheetCommentBodySchema()))
    return get_rpc().timesheets.add_comment(organization_id(), "approval", approval_id,
                                            data), 201


@bp.get("/timesheet-approvals/<approval_id>/comments")
@operation("A timesheet approval's comments, the staff's and the customer's, oldest first",
           tags=TAGS, responses={200: "TimesheetCommentList"})
def list_timesheet_approval_comments(approval_id):
    return {"items": get_rpc().timesheets.list_comments(organization_id(), "approval",
                                                        approval_id)}
