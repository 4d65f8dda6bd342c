"""Timesheets in the portal, when the organization shows projects and timesheets there: the
approvals staff submitted to the customer (filtered by status), and one approval with its
time entries and totals, Approve, Reject with a required reason, and its comment thread.

Off (the organization's portal preference), every page here is a 404. The timesheets service
answers only with the session's customer's approvals (ApprovalNotFound, the portal's 404,
for anything else) and locks the approval's row while deciding, so of two decisions one
wins; the other, like deciding twice, is the approval's page again with status 409 and a
sentence saying who decided and when, never an error page.
"""
from flask import flash, g, get_flashed_messages, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from portal_common.errors import ValidationFailed
from portal_common.text import has_markup
from timesheets.exceptions import ApprovalAlreadyDecided

from ..formatting import moment
from ..rpc_access import get_rpc
from . import bp
from .comments import CommentForm, post_comment
from .customer import author_name, who
from .lists import PageQuery, choice, chosen_by, kept, service_page
from .projects import labels
from .sections import require_section
from .session import login_required

SECTION = "projects"
REASON_MAX = 2000

STATUS_FILTERS = {"all": _l("Any status"), "pending": _l("Pending approval"),
                  "approved": _l("Approved"), "rejected": _l("Rejected")}
STATUS_LABELS = {"pending": _l("Pending approval"), "approved": _l("Approved"),
                 "rejected": _l("Rejected")}

# Flashed across the redirect back to the approval (category "timesheet").
TIMESHEET_NOTICES = {
    "approved": _l("You have approved this timesheet. Thank you!"),
    "rejected": _l("You have rejected this timesheet. We will correct it and send it "
                   "again."),
    "comment_added": _l("Your comment has been added."),
}


LIST_DEFAULTS = {"status": "all", "per_page": None}


class TimesheetListQuery(PageQuery):
    status = choice(STATUS_FILTERS, "all")


class ApproveForm(FlaskForm):
    """Only the CSRF token: approving needs nothing else."""


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Why are you rejecting it?"),
                           render_kw={"maxlength": REASON_MAX, "rows": 3})


def _labels() -> dict:
    return {**labels(), "status_labels": STATUS_LABELS}


def decision_text(approval: dict) -> str | None:
    """Who decided and when, in a sentence."""
    who_decided = approval.get("decided_by_name") or ""
    when = moment(approval.get("decided_at")) if approval.get("decided_at") else ""
    if approval.get("status") == "approved":
        return _("Approved by %(name)s on %(date)s.", name=who_decided, date=when)
    if approval.get("status") == "rejected":
        return _("Rejected by %(name)s on %(date)s.", name=who_decided, date=when)
    return None


def refusal_text(details: dict) -> str:
    """Why a decision was refused: someone decided first (or it was decided already)."""
    who_decided = details.get("decided_by_name") or _("someone else")
    when = moment(details.get("decided_at")) if details.get("decided_at") else ""
    if details.get("status") == "rejected":
        return _("This timesheet has already been rejected by %(name)s on %(date)s.",
                 name=who_decided, date=when)
    return _("This timesheet has already been approved by %(name)s on %(date)s.",
             name=who_decided, date=when)


# --- the list ----------------------------------------------------------------------------

@bp.get("/timesheets")
@login_required
def timesheets():
    require_section(SECTION)
    chosen = chosen_by(TimesheetListQuery())
    page = get_rpc().timesheets.portal_approval_page(*who(), service_page(chosen, "status"))
    return render_template("portal/timesheets.html", page=page, chosen=chosen,
                           kept=kept(chosen, LIST_DEFAULTS),
                           statuses=STATUS_FILTERS, filtered=chosen["status"] != "all",
                           **_labels())


# --- one approval ------------------------------------------------------------------------

def _approval(approval_id: str) -> dict:
    organization_id, customer_id = who()
    return get_rpc().timesheets.get_approval(organization_id, approval_id,
                                             customer_id=customer_id)


def _render_timesheet(approval: dict, status: int = 200, comment_form=None,
                      reject_form=None, refusal: str | None = None):
    notices = [str(TIMESHEET_NOTICES[key]) for key, _extra in
               get_flashed_messages(category_filter=["timesheet"])
               if key in TIMESHEET_NOTICES]
    return render_template(
        "portal/timesheet.html", approval=approval, organization=g.organization,
        can_decide=approval.get("status") == "pending", decision=decision_text(approval),
        refusal=refusal, timesheet_notices=notices,
        comment_form=comment_form or CommentForm(formdata=None),
        approve_form=ApproveForm(formdata=None),
        reject_form=reject_form or RejectForm(formdata=None), **_labels()), status


@bp.get("/timesheets/<approval_id>")
@login_required
def timesheet(approval_id):
    """The approval as the customer sees it; the service records the first view."""
    require_section(SECTION)
    organization_id, customer_id = who()
    viewed = get_rpc().timesheets.mark_approval_viewed(organization_id, customer_id,
                                                       g.portal["contact_id"], approval_id)
    return _render_timesheet(viewed)


def _already_decided(approval: dict):
    """The page again, 409, saying who decided and when."""
    return _render_timesheet(approval, 409, refusal=refusal_text(approval))


def _decide(approval_id: str, method: str, data: dict, done: str, reject_form=None):
    organization_id, customer_id = who()
    try:
        getattr(get_rpc().timesheets, method)(organization_id, customer_id,
                                              g.portal["contact_id"], approval_id,
                                              {"contact_name": author_name(), **data})
    except ApprovalAlreadyDecided as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        return _render_timesheet(_approval(approval_id), 409, refusal=refusal_text(details))
    except ValidationFailed:
        form = reject_form or RejectForm(formdata=None)
        form.reason.errors = [_("This could not be saved. Check it and try again.")]
        return _render_timesheet(_approval(approval_id), 400, reject_form=form)
    flash((done, ""), "timesheet")
    return redirect(url_for(".timesheet", approval_id=approval_id))


@bp.post("/timesheets/<approval_id>/approve")
@login_required
def timesheet_approve(approval_id):
    require_section(SECTION)
    shown = _approval(approval_id)  # someone else's approval is a 404 before anything else
    if shown["status"] != "pending":
        return _already_decided(shown)
    return _decide(approval_id, "approve_approval", {}, "approved")


@bp.post("/timesheets/<approval_id>/reject")
@login_required
def timesheet_reject(approval_id):
    require_section(SECTION)
    shown = _approval(approval_id)
    if shown["status"] != "pending":
        return _already_decided(shown)
    form = RejectForm()
    reason = (form.reason.data or "").strip()
    problem = None
    if not reason:
        problem = _("Tell us why you are rejecting this timesheet, so that we can correct it.")
    elif len(reason) > REASON_MAX:
        problem = _("Use at most %(max)d characters.", max=REASON_MAX)
    elif has_markup(reason):
        problem = _("Write the reason as plain text: remove the < > markup.")
    if problem is not None:
        form.reason.errors = [problem]
        return _render_timesheet(shown, 400, reject_form=form)
    return _decide(approval_id, "reject_approval", {"reason": reason}, "rejected",
                   reject_form=form)


@bp.post("/timesheets/<approval_id>/comments")
@login_required
def timesheet_comment(approval_id):
    require_section(SECTION)
    shown = _approval(approval_id)
    form = CommentForm()
    if not post_comment(form, lambda body: get_rpc().timesheets.add_comment(
            g.portal["organization_id"], "approval", approval_id,
            {"body": body, "author_name": author_name()},
            customer_id=g.portal["customer_id"], contact_id=g.portal["contact_id"])):
        return _render_timesheet(shown, 400, comment_form=form)
    flash(("comment_added", ""), "timesheet")
    return redirect(url_for(".timesheet", approval_id=approval_id, _anchor="comments"))
