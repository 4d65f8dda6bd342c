"""quotes's business errors; each arrives at the gateway as itself. Arguments are always
(message, details)."""
from portal_common.errors import Conflict, NotFound, ValidationFailed


class DocumentNotFound(NotFound):
    pass


class QuoteNotFound(DocumentNotFound):
    """Not the organization's, not the customer's, or (for a customer) still a draft."""


class SalesOrderNotFound(DocumentNotFound):
    pass


class InvalidQuote(ValidationFailed):
    """A quote's fields break a rule (dates, quantities, unknown tax...)."""


class InvalidSalesOrder(ValidationFailed):
    """A sales order's fields break a rule (unknown tax, another customer's quote or
    invoice...)."""


class CommentRefused(ValidationFailed):
    """A comment's body is empty, too long or holds markup; or its author is too long."""


class QuoteStateConflict(Conflict):
    """The quote's status forbids the action (editing an accepted one, converting a draft...)."""


class QuoteAlreadyDecided(QuoteStateConflict):
    """Accepted or declined already; details: status, decided_by_name, decided_at."""


class QuoteExpired(QuoteStateConflict):
    """Past its expiry date; details: expiry_date."""


class SalesOrderStateConflict(Conflict):
    """The sales order's status forbids the action."""


class DuplicateNumber(Conflict):
    """Another quote (or sales order) of the organization already has this number."""


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used for a different request."""
