"""The staff API's bodies, queries and answers for projects, tasks, time entries and
timesheet approvals (the timesheets service's objects).

Bodies are checked here before anything is sent on (unknown fields, types, hours in
0..24, at least one time entry); the timesheets service checks them again and decides
everything that needs its data (the task is the project's, the entry is not locked...).
Hours travel as strings with two decimals ("1.50").
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal_common.text import reject_markup
from timesheets import schemas as service
from timesheets.models import APPROVAL_STATUSES, BILLING_METHODS, PROJECT_STATUSES

from .schemas import list_of, page_of

BILLING_STATUSES = ["billed", "unbilled"]


def _hours(required=False, description="Hours worked, > 0 and ≤ 24 (e.g. \"1.50\")."):
    return fields.Decimal(required=required, as_string=True, places=2,
                          validate=service.validate_hours, metadata={
                              "description": description, "example": "1.50",
                              "type": "string"})


def _reported_hours(description):
    return fields.String(metadata={"description": description, "example": "7.50"})


def _ids(description):
    return fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                       validate=validate.Length(min=1, max=500),
                       metadata={"description": description})


# --- bodies ------------------------------------------------------------------------------

class ProjectBodySchema(Schema):
    """A project as POST /projects takes it; PATCH takes any part of it but customer_id."""

    customer_id = fields.String(required=True, metadata={"description": "One of your "
                                                         "customers."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=4000))
    billing_method = fields.String(validate=validate.OneOf(BILLING_METHODS), metadata={
        "description": "project_hours unless given."})
    status = fields.String(validate=validate.OneOf(PROJECT_STATUSES), metadata={
        "description": "active unless given; customers see only active projects."})

    @validates_schema
    def _name_not_blank(self, data, **kwargs):
        if "name" in data and not data["name"].strip():
            raise ValidationError("Give the project a name.", "name")


class ProjectUpdateBodySchema(ProjectBodySchema):
    class Meta:
        exclude = ("customer_id",)


class TaskBodySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=4000))
    billable = fields.Boolean(metadata={"description": "true unless given; a time entry is "
                                                       "billable when its task is, unless "
                                                       "it says otherwise."})

    @validates_schema
    def _name_not_blank(self, data, **kwargs):
        if "name" in data and not data["name"].strip():
            raise ValidationError("Give the task a name.", "name")


class TimeEntryBodySchema(Schema):
    """A time entry as POST /time-entries takes it; PATCH takes any part of it but
    project_id."""

    project_id = fields.String(required=True)
    task_id = fields.String(required=True, metadata={"description": "A task of the project."})
    date = fields.Date(required=True)
    hours = _hours(required=True)
    notes = fields.String(validate=validate.Length(max=4000))
    staff_name = fields.String(validate=validate.Length(max=200))
    billable = fields.Boolean(metadata={"description": "The task's unless given."})


class TimeEntryUpdateBodySchema(TimeEntryBodySchema):
    class Meta:
        exclude = ("project_id",)


class MarkBilledBodySchema(Schema):
    time_entry_ids = _ids("Entries of approved approvals, not billed yet: all are marked "
                          "billed, or none.")


class ApprovalBodySchema(Schema):
    project_id = fields.String(required=True)
    time_entry_ids = _ids("Entries of the project that are in no pending or approved "
                          "approval and not billed.")


class TimesheetCommentBodySchema(Schema):
    """A staff comment; the customer sees it only with show_in_portal, and is emailed too
    with email_customer."""

    body = fields.String(required=True, validate=[validate.Length(min=1, max=4000),
                                                   reject_markup])
    author_name = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "'Staff' unless given."})
    show_in_portal = fields.Boolean(metadata={"description": "false unless given."})
    email_customer = fields.Boolean(metadata={
        "description": "With show_in_portal: email the contact who last wrote, decided or "
                       "viewed (the comment's emailed says whether anyone was)."})

    @validates_schema
    def _not_blank(self, data, **kwargs):
        if "body" in data and not data["body"].strip():
            raise ValidationError("The comment is empty.", "body")


# --- queries -----------------------------------------------------------------------------

def _page():
    return fields.Integer(validate=validate.Range(min=1))


def _per_page():
    return fields.Integer(validate=validate.Range(min=1, max=100),
                          metadata={"description": "25 unless given."})


class ProjectListQuerySchema(Schema):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(PROJECT_STATUSES))
    sort = fields.String(validate=validate.OneOf(["name", "-name", "created_at",
                                                  "-created_at"]))
    page = _page()
    per_page = _per_page()


class TimeEntryListQuerySchema(Schema):
    project_id = fields.String()
    billing_status = fields.String(validate=validate.OneOf(BILLING_STATUSES))
    date_from = fields.Date()
    date_to = fields.Date()
    page = _page()
    per_page = _per_page()


class ApprovalListQuerySchema(Schema):
    customer_id = fields.String()
    project_id = fields.String()
    status = fields.String(validate=validate.OneOf(APPROVAL_STATUSES))
    sort = fields.String(validate=validate.OneOf(["submitted_at", "-submitted_at", "number",
                                                  "-number"]), metadata={
        "description": "-submitted_at unless given."})
    page = _page()
    per_page = _per_page()


# --- answers (documentation of the timesheets service's dumps) ----------------------------
# The service's own schemas, with the values and descriptions the API's readers need.

class TimesheetCommentSchema(service.CommentSchema):
    author_type = fields.String(validate=validate.OneOf(["staff", "customer"]))
    emailed = fields.Boolean(metadata={"description": "Whether a contact was emailed it."})


TimesheetCommentListSchema = list_of(TimesheetCommentSchema, "TimesheetCommentListSchema")


class _HoursSchema(Schema):
    hours_logged = _reported_hours("All hours logged: hours_billed + hours_unbilled.")
    hours_billed = _reported_hours("Hours of billed entries.")
    hours_unbilled = _reported_hours("Hours of entries not billed yet.")


class ProjectSchema(_HoursSchema):
    id = fields.String()
    customer_id = fields.String()
    name = fields.String()
    description = fields.String()
    status = fields.String(validate=validate.OneOf(PROJECT_STATUSES))
    billing_method = fields.String(validate=validate.OneOf(BILLING_METHODS))
    created_at = fields.DateTime()


class TaskSchema(_HoursSchema):
    id = fields.String()
    project_id = fields.String()
    name = fields.String()
    description = fields.String()
    billable = fields.Boolean()


class TimeEntrySchema(service.TimeEntrySchema):
    hours = _reported_hours("Hours worked.")
    billing_status = fields.String(validate=validate.OneOf(BILLING_STATUSES))


class ProjectDetailSchema(ProjectSchema):
    tasks = fields.List(fields.Nested(TaskSchema))
    time_entries = fields.List(fields.Nested(TimeEntrySchema), metadata={
        "description": "Newest first."})
    comments = fields.List(fields.Nested(TimesheetCommentSchema))


class ApprovalSchema(service.ApprovalSchema):
    number = fields.String(metadata={"example": "TS-00001"})
    period_start = fields.Date(metadata={"description": "The first entry's date."})
    period_end = fields.Date(metadata={"description": "The last entry's date."})
    status = fields.String(validate=validate.OneOf(APPROVAL_STATUSES))
    submitted_at = fields.DateTime()
    total_hours = _reported_hours("The entries' hours.")
    billable_hours = _reported_hours("The billable entries' hours.")


class ApprovalDetailSchema(ApprovalSchema):
    entries = fields.List(fields.Nested(TimeEntrySchema))
    comments = fields.List(fields.Nested(TimesheetCommentSchema))


ProjectPageSchema = page_of(ProjectSchema, "ProjectPageSchema")
TimeEntryPageSchema = page_of(TimeEntrySchema, "TimeEntryPageSchema")
TimeEntryListSchema = list_of(TimeEntrySchema, "TimeEntryListSchema")
ApprovalPageSchema = page_of(ApprovalSchema, "ApprovalPageSchema")
