"""notify's business errors; each arrives at the gateway as itself."""
from portal_common.errors import NotFound, ValidationFailed


class EmailTemplateNotFound(NotFound):
    """No such kind of email, or a language notify does not write in."""


class EmailTemplateInvalid(ValidationFailed):
    """A template staff tried to save; ``details`` maps "subject"/"body" to messages."""


class OutgoingMailNotFound(NotFound):
    pass


class InvalidMailQuery(ValidationFailed):
    pass


class NotificationKindNotFound(NotFound):
    """No such kind of customer activity."""


class NotificationPreferenceInvalid(ValidationFailed):
    pass


class FeedEntryNotFound(NotFound):
    pass


class InvalidFeedQuery(ValidationFailed):
    pass


class DocumentEmailInvalid(ValidationFailed):
    """A document to forward by email that cannot be sent as given; ``details`` per field
    (``attachment`` nested: ``filename``, ``content_base64``)."""
