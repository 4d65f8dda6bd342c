"""What timesheets's RPC methods take and give (marshmallow). Hours are strings ("1.50")."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from portal_common.text import reject_markup

from .models import APPROVAL_STATUSES, BILLING_METHODS, PROJECT_STATUSES

MAX_HOURS = Decimal(24)


def _text(max_length: int, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def _name(**kwargs):
    return fields.String(validate=[validate.Length(min=1, max=200), _not_blank], **kwargs)


def validate_hours(value: Decimal) -> None:
    """An entry's hours: more than 0 (at least a minute), at most 24."""
    if value <= 0:
        raise ValidationError("Hours must be more than 0.")
    if value > MAX_HOURS:
        raise ValidationError("At most 24 hours in one entry.")
    if round(value * 60) < 1:
        raise ValidationError("At least one minute.")


class _Paged(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


# --- input ---------------------------------------------------------------------

class ProjectCreateSchema(Schema):
    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    name = _name(required=True)
    description = _text(4000, load_default="")
    billing_method = fields.String(load_default="project_hours",
                                   validate=validate.OneOf(BILLING_METHODS))
    status = fields.String(load_default="active", validate=validate.OneOf(PROJECT_STATUSES))


class TaskCreateSchema(Schema):
    name = _name(required=True)
    description = _text(4000, load_default="")
    billable = fields.Boolean(load_default=True)


class TimeEntryUpdateSchema(Schema):
    """Every field of an entry but its project (loaded partially for an update)."""

    project_id = fields.String(validate=validate.Length(min=1, max=36))
    task_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    date = fields.Date(required=True)
    hours = fields.Decimal(required=True, allow_nan=False, validate=validate_hours,
                           metadata={"description": "More than 0, at most 24 (e.g. \"1.5\")."})
    notes = _text(4000, load_default="")
    staff_name = _text(200, load_default="")
    billable = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "Defaults to the task's."})


class TimeEntryCreateSchema(TimeEntryUpdateSchema):
    project_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class TimeEntryIdsSchema(Schema):
    time_entry_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                                 required=True, validate=validate.Length(min=1, max=500))


class ApprovalSubmitSchema(TimeEntryIdsSchema):
    project_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ApproveSchema(Schema):
    contact_name = _text(200, load_default="")


class RejectSchema(ApproveSchema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000),
                                                    _not_blank, reject_markup],
                           error_messages={"required": "Say why the timesheet is rejected."})


class CommentInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=4000),
                                                  _not_blank, reject_markup])
    author_name = _text(200, load_default="")
    show_in_portal = fields.Boolean(load_default=False, metadata={
        "description": "Staff only: whether the customer sees it (theirs always show)."})
    email_customer = fields.Boolean(load_default=False, metadata={
        "description": "Staff only, with show_in_portal: email the customer's contact."})


PROJECT_SORTS = ["name", "-name", "created_at", "-created_at"]
APPROVAL_SORTS = ["submitted_at", "-submitted_at", "number", "-number"]


class ProjectListQuerySchema(_Paged):
    customer_id = fields.String(allow_none=True)
    status = fields.String(allow_none=True, validate=validate.OneOf([*PROJECT_STATUSES, "all"]))
    sort = fields.String(load_default="name", validate=validate.OneOf(PROJECT_SORTS))


class PortalProjectQuerySchema(_Paged):
    sort = fields.String(load_default="name", validate=validate.OneOf(PROJECT_SORTS))


class TimeEntryListQuerySchema(_Paged):
    project_id = fields.String(allow_none=True)
    billing_status = fields.String(allow_none=True, validate=validate.OneOf(["billed", "unbilled"]))
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)


class ApprovalListQuerySchema(_Paged):
    customer_id = fields.String(allow_none=True)
    project_id = fields.String(allow_none=True)
    status = fields.String(allow_none=True, validate=validate.OneOf([*APPROVAL_STATUSES, "all"]))
    sort = fields.String(load_default="-submitted_at", validate=validate.OneOf(APPROVAL_SORTS))


class PortalApprovalQuerySchema(_Paged):
    status = fields.String(allow_none=True, validate=validate.OneOf([*APPROVAL_STATUSES, "all"]))
    sort = fields.String(load_default="-submitted_at", validate=validate.OneOf(APPROVAL_SORTS))


# --- output --------------------------------------------------------------------
# Hours ("1.50") are added by reads.py: they are sums over entries, not columns.

class HoursFields(Schema):
    hours_logged = fields.String()
    hours_billed = fields.String()
    hours_unbilled = fields.String()


class ProjectSchema(HoursFields):
    id = fields.String()
    customer_id = fields.String()
    name = fields.String()
    description = fields.String()
    status = fields.String()
    billing_method = fields.String()
    created_at = fields.DateTime()


class TaskSchema(HoursFields):
    id = fields.String()
    project_id = fields.String()
    name = fields.String()
    description = fields.String()
    billable = fields.Boolean()


class CommentSchema(Schema):
    id = fields.String()
    author_type = fields.String()
    author_name = fields.String()
    body = fields.String()
    show_in_portal = fields.Boolean()
    emailed = fields.Boolean()
    created_at = fields.DateTime()


class TimeEntrySchema(Schema):
    id = fields.String()
    project_id = fields.String()
    task_id = fields.String()
    task_name = fields.String()
    date = fields.Date()
    staff_name = fields.String()
    hours = fields.String()
    notes = fields.String()
    billable = fields.Boolean()
    billing_status = fields.String(metadata={"description": "billed | unbilled"})
    billed_at = fields.DateTime(allow_none=True)
    approval_id = fields.String(allow_none=True, metadata={
        "description": "Its pending or approved approval, if any."})
    approval_status = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ProjectDetailSchema(ProjectSchema):
    tasks = fields.List(fields.Nested(TaskSchema))
    time_entries = fields.List(fields.Nested(TimeEntrySchema))
    comments = fields.List(fields.Nested(CommentSchema))


class ApprovalSchema(Schema):
    id = fields.String()
    number = fields.String()
    project_id = fields.String()
    project_name = fields.String()
    customer_id = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.String(metadata={"description": "pending | approved | rejected"})
    rejection_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    first_viewed_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    total_hours = fields.String()
    billable_hours = fields.String()
    entry_count = fields.Integer()


class ApprovalDetailSchema(ApprovalSchema):
    entries = fields.List(fields.Nested(TimeEntrySchema))
    comments = fields.List(fields.Nested(CommentSchema))
