"""The events timesheets publishes: one schema each, past-tense names.

Activity events (what notify tells staff about) carry the customer, the contact who acted
(null when staff did) and the document: ``{"type": "approval", "id", "number": "TS-00001"}``
or ``{"type": "project", "id", "number": <the project's name>}``. Hours are strings.
"""
from marshmallow import fields, validate

from portal_common.document_events import CommentEvent, activity_schema, document_schema

DOCUMENT_TYPES = ["approval", "project"]
Document = document_schema(DOCUMENT_TYPES)
_Activity = activity_schema(Document)


class _ApprovalActivity(_Activity):
    project_id = fields.String(required=True)
    project_name = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    total_hours = fields.String(required=True)
    entry_count = fields.Integer(required=True)


class ApprovalSubmitted(_ApprovalActivity):
    """Staff sent time entries to the customer for approval."""


class ApprovalViewed(_ApprovalActivity):
    """The customer opened the approval in the portal for the first time."""


class ApprovalApproved(_ApprovalActivity):
    decided_by_name = fields.String(required=True, allow_none=True)


class ApprovalRejected(ApprovalApproved):
    reason = fields.String(required=True)


class TimeEntriesBilled(_Activity):
    """Staff marked approved entries of one project billed (document: the project)."""

    time_entry_ids = fields.List(fields.String(), required=True)
    hours = fields.String(required=True)


class _CommentEvent(CommentEvent):
    document_type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))


class CommentAdded(_CommentEvent):
    """A customer commented (contact_id: who)."""


class StaffReplied(_CommentEvent):
    """Staff commented, shown in the portal, and asked to email the customer's contact
    (contact_id: whom to email)."""


SCHEMAS = {
    "approval_submitted": ApprovalSubmitted(),
    "approval_viewed": ApprovalViewed(),
    "approval_approved": ApprovalApproved(),
    "approval_rejected": ApprovalRejected(),
    "time_entries_billed": TimeEntriesBilled(),
    "comment_added": CommentAdded(),
    "staff_replied": StaffReplied(),
}
