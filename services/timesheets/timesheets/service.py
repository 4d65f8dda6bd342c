"""timesheets over nameko RPC: load → act → commit → dump. Hours travel as strings.

Every method takes the organization first; portal calls also take the customer (and the
contact who acts). See README.md for each call's input and answer.
"""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import approvals, comments, operations as ops, projects, reads, time_entries
from .dependencies import timesheets_database
from .models import Outbox, ProcessedEvent


class TimesheetsService(HealthRpc, OutboxRelay):
    name = "timesheets"

    db = timesheets_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    def _commit(self):
        self.db.commit()
        self.relay_outbox()

    def _done(self, answer):
        """Commit, relay the events, then give ``answer`` (already dumped)."""
        self._commit()
        return answer

    # projects and tasks
    @rpc
    def create_project(self, organization_id, data):
        project = projects.create_project(self.db, organization_id, data)
        return self._done(reads.project(self.db, project))

    @rpc
    def update_project(self, organization_id, project_id, data):
        project = projects.update_project(self.db, organization_id, project_id, data)
        return self._done(reads.project(self.db, project))

    @rpc
    def list_project_page(self, organization_id, query=None):
        """{"items": [Project], "total", "page", "per_page", "pages"}."""
        return reads.page(self.db, projects.list_project_page(self.db, organization_id, query),
                          reads.projects)

    @rpc
    def portal_project_page(self, organization_id, customer_id, query=None):
        """The customer's active projects (hours of billable entries)."""
        return reads.page(self.db, projects.portal_project_page(
            self.db, organization_id, customer_id, query), reads.projects, portal=True)

    @rpc
    def get_project(self, organization_id, project_id, customer_id=None):
        """ProjectDetail; for a customer only an active project of theirs, its billable
        entries and the comments shown in the portal."""
        project = projects.get_project(self.db, organization_id, project_id, customer_id)
        return reads.project_detail(self.db, project, portal=customer_id is not None)

    @rpc
    def create_task(self, organization_id, project_id, data):
        task = projects.create_task(self.db, organization_id, project_id, data)
        return self._done(reads.task(self.db, task))

    @rpc
    def update_task(self, organization_id, project_id, task_id, data):
        task = projects.update_task(self.db, organization_id, project_id, task_id, data)
        return self._done(reads.task(self.db, task))

    # time entries
    @rpc
    def create_time_entry(self, organization_id, data):
        entry = time_entries.create_time_entry(self.db, organization_id, data)
        return self._done(reads.time_entry(self.db, entry))

    @rpc
    def update_time_entry(self, organization_id, entry_id, data):
        entry = time_entries.update_time_entry(self.db, organization_id, entry_id, data)
        return self._done(reads.time_entry(self.db, entry))

    @rpc
    def delete_time_entry(self, organization_id, entry_id):
        time_entries.delete_time_entry(self.db, organization_id, entry_id)
        self._commit()

    @rpc
    def list_time_entry_page(self, organization_id, query=None):
        return reads.page(self.db, time_entries.list_time_entry_page(
            self.db, organization_id, query), reads.time_entries)

    @rpc
    def get_time_entry(self, organization_id, entry_id):
        return reads.time_entry(self.db, time_entries.get_time_entry(
            self.db, organization_id, entry_id))

    @rpc
    def mark_entries_billed(self, organization_id, data):
        """{"items": [TimeEntry]}; all or nothing (EntriesNotApproved)."""
        entries = time_entries.mark_entries_billed(self.db, organization_id, data)
        return self._done({"items": reads.time_entries(self.db, entries)})

    # approvals
    @rpc
    def submit_approval(self, organization_id, data):
        approval = approvals.submit_approval(self.db, organization_id, data)
        return self._done(reads.approval_detail(self.db, approval))

    @rpc
    def list_approval_page(self, organization_id, query=None):
        return reads.page(self.db, approvals.list_approval_page(
            self.db, organization_id, query), reads.approvals)

    @rpc
    def portal_approval_page(self, organization_id, customer_id, query=None):
        return reads.page(self.db, approvals.portal_approval_page(
            self.db, organization_id, customer_id, query), reads.approvals)

    @rpc
    def get_approval(self, organization_id, approval_id, customer_id=None):
        approval = approvals.get_approval(self.db, organization_id, approval_id, customer_id)
        return reads.approval_detail(self.db, approval, portal=customer_id is not None)

    @rpc
    def mark_approval_viewed(self, organization_id, customer_id, contact_id, approval_id):
        approval = approvals.mark_approval_viewed(self.db, organization_id, customer_id,
                                                  contact_id, approval_id)
        return self._done(reads.approval_detail(self.db, approval, portal=True))

    @rpc
    def approve_approval(self, organization_id, customer_id, contact_id, approval_id, data):
        approval = approvals.approve_approval(self.db, organization_id, customer_id,
                                              contact_id, approval_id, data)
        return self._done(reads.approval_detail(self.db, approval, portal=True))

    @rpc
    def reject_approval(self, organization_id, customer_id, contact_id, approval_id, data):
        approval = approvals.reject_approval(self.db, organization_id, customer_id,
                                             contact_id, approval_id, data)
        return self._done(reads.approval_detail(self.db, approval, portal=True))

    # comments
    @rpc
    def add_comment(self, organization_id, target_type, target_id, data, customer_id=None,
                    contact_id=None):
        """Comment on a project or approval; with customer_id it is the customer's (shown
        in the portal, announced as comment_added)."""
        comment = comments.add_comment(self.db, organization_id, target_type, target_id, data,
                                       customer_id, contact_id)
        return self._done(reads.comment_schema.dump(comment))

    @rpc
    def list_comments(self, organization_id, target_type, target_id, customer_id=None):
        return reads.comment_schema.dump(comments.list_comments(
            self.db, organization_id, target_type, target_id, customer_id), many=True)

    # the portal home
    @rpc
    def count_awaiting_approval(self, organization_id, customer_id):
        """The portal home's figure: the customer's pending approvals."""
        return ops.count_awaiting_approval(self.db, organization_id, customer_id)
