"""timesheets's business errors; each arrives at the gateway as itself.

Arguments are always ``(message, details)``; ``details`` names the fields or ids at fault.
"""
from portal_common.errors import Conflict, NotFound, ValidationFailed


class DocumentNotFound(NotFound):
    """Any timesheets object that is not this organization's (or customer's)."""


class ProjectNotFound(DocumentNotFound):
    pass


class TaskNotFound(DocumentNotFound):
    pass


class TimeEntryNotFound(DocumentNotFound):
    pass


class ApprovalNotFound(DocumentNotFound):
    pass


class InvalidProject(ValidationFailed):
    """A project's fields break a rule (missing name, unknown billing method...)."""


class InvalidTimeEntry(ValidationFailed):
    """A time entry's fields break a rule (hours 0, negative or over 24...)."""


class InvalidApproval(ValidationFailed):
    """An approval asked for with no entries or with entries of another project."""


class InvalidDecision(ValidationFailed):
    """A decision without what it needs (a rejection without its reason...)."""


class CommentRefused(ValidationFailed):
    """A comment's body is empty, too long or holds markup, or its target is unknown."""


class TimeEntryLocked(Conflict):
    """The entry is in a pending or approved approval, or billed: it cannot change."""


class EntriesNotApproved(Conflict):
    """Entries to mark billed that are not in an approved approval, or already billed."""


class EntryAlreadyInApproval(Conflict):
    """An entry is already in a pending or approved approval (or billed)."""


class ApprovalAlreadyDecided(Conflict):
    """The approval was approved or rejected already (details say how, by whom, when)."""
