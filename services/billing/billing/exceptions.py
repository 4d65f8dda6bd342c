"""billing's business errors; each arrives at the gateway as itself."""
from portal_common.errors import Conflict, NotFound, ValidationFailed


class DocumentNotFound(NotFound):
    pass


class InvoiceNotFound(DocumentNotFound):
    pass


class CreditNoteNotFound(DocumentNotFound):
    pass


class PaymentNotFound(DocumentNotFound):
    pass


class TaxNotFound(NotFound):
    pass


class InvalidDocument(ValidationFailed):
    """A document's fields break a rule (dates, quantities, unknown tax...)."""


class AmountRefused(ValidationFailed):
    """An amount exceeds a balance or the credit available, or mixes currencies."""


class InvoiceStateConflict(Conflict):
    """The invoice's status forbids the action (editing a sent one, paying a void one...)."""


class DuplicateNumber(Conflict):
    """Another document of the organization already has this number."""


class StatementRangeInvalid(ValidationFailed):
    """A statement's end date is before its start date (or its cursor is not this one's)."""


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used for a different request."""


class RecurringProfileNotFound(NotFound):
    pass


class CommentRefused(ValidationFailed):
    """A comment's body or author is missing or too long."""


class PaymentRefused(ValidationFailed):
    """A payment was refused before or by the gateway; nothing was charged.

    ``details``: ``cp_code`` (a portal_common.payment_codes code; absent for an ordinary
    decline), ``decline_code`` and ``gateway_message`` (the gateway's own, for declines),
    ``attempt_id`` when an attempt was recorded.
    """

    @classmethod
    def of(cls, message: str, **details) -> "PaymentRefused":
        """Only the details that have a value: nameko sends error arguments as strings, so
        a None would arrive as "None"."""
        return cls(message, {k: v for k, v in details.items() if v is not None})


class PaymentInProgress(Conflict):
    """Another payment of one of these invoices is in flight (not settled yet)."""


class PaymentAttemptNotFound(NotFound):
    pass


class SavedMethodNotFound(NotFound):
    pass


class GatewayNotConfigured(NotFound):
    """The organization has no online payment gateway settings."""


class WebhookSignatureInvalid(ValidationFailed):
    """A webhook whose signature does not verify with the organization's secret."""
