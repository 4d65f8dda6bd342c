"""Time entries: log, list, read, change, delete; and mark entries billed.

An entry in a pending or approved approval, or billed, is locked (409 time_entry_locked);
after a rejection it can be corrected and submitted again. Only entries of an approved
approval can be marked billed, all of them or none (409 entries_not_approved, details
naming the offending ids). The timesheets service enforces both.
"""
from flask import url_for

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation
from .timesheet_schemas import (MarkBilledBodySchema, TimeEntryBodySchema,
                                TimeEntryListQuerySchema, TimeEntryUpdateBodySchema)

TAGS = ("timesheets",)


@bp.post("/time-entries")
@operation("Log time on a project's task", tags=TAGS, body="TimeEntryBody",
           responses={201: "TimeEntry"},
           description="hours > 0 and ≤ 24; billable is the task's unless given.")
def create_time_entry():
    data = validated_body(TimeEntryBodySchema())
    entry = get_rpc().timesheets.create_time_entry(organization_id(), data)
    return entry, 201, {"Location": url_for(".get_time_entry", entry_id=entry["id"])}


@bp.get("/time-entries")
@operation("List time entries (project, billing status, dates, pages), newest first",
           tags=TAGS, query="TimeEntryListQuery", responses={200: "TimeEntryPage"})
def list_time_entries():
    query = validated_query(TimeEntryListQuerySchema())
    return get_rpc().timesheets.list_time_entry_page(organization_id(), query)


@bp.post("/time-entries/mark-billed")
@operation("Mark time entries billed (entries of approved approvals only)", tags=TAGS,
           body="MarkBilledBody", responses={200: "TimeEntryList"}, errors=(404, 409),
           description="All or nothing: an entry that is not in an approved approval, or "
                       "is billed already, is a 409 entries_not_approved whose details name "
                       "it, and nothing is marked.")
def mark_time_entries_billed():
    data = validated_body(MarkBilledBodySchema())
    return get_rpc().timesheets.mark_entries_billed(organization_id(), data)


@bp.get("/time-entries/<entry_id>")
@operation("One time entry", tags=TAGS, responses={200: "TimeEntry"})
def get_time_entry(entry_id):
    return get_rpc().timesheets.get_time_entry(organization_id(), entry_id)


@bp.patch("/time-entries/<entry_id>")
@operation("Change a time entry", tags=TAGS, body="TimeEntryUpdate",
           responses={200: "TimeEntry"}, errors=(409,),
           description="Fields not given keep their value. Refused (409 time_entry_locked) "
                       "while the entry is in a pending or approved approval, or billed.")
def update_time_entry(entry_id):
    data = validated_body(TimeEntryUpdateBodySchema(), partial=True)
    return get_rpc().timesheets.update_time_entry(organization_id(), entry_id, data)


@bp.delete("/time-entries/<entry_id>")
@operation("Delete a time entry", tags=TAGS, responses={204: None}, errors=(409,),
           description="Refused (409 time_entry_locked) while the entry is in a pending or "
                       "approved approval, or billed.")
def delete_time_entry(entry_id):
    get_rpc().timesheets.delete_time_entry(organization_id(), entry_id)
    return "", 204
