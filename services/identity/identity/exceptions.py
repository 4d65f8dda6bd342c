"""identity's business errors; each arrives at the gateway as itself."""
from portal_common.errors import (AuthenticationFailed, Conflict, NotFound, Throttled,
                                  ValidationFailed)


class OrganizationNotFound(NotFound):
    pass


class CustomerNotFound(NotFound):
    pass


class ContactNotFound(NotFound):
    pass


class ContactHasNoEmail(ValidationFailed):
    """The seed's prerequisite: no portal without an email address."""


class PasswordPolicyViolation(ValidationFailed):
    pass


class EmailAlreadyInUse(Conflict):
    """Another contact of the organization already logs in with this email."""


class InvalidApiKey(AuthenticationFailed):
    pass


class InvalidCredentials(AuthenticationFailed):
    pass


class SessionInvalid(AuthenticationFailed):
    pass


class InvitationInvalid(NotFound):
    """Unknown, expired, revoked or already used invitation link."""


class TooManyAttempts(Throttled):
    pass


class WrongPassword(AuthenticationFailed):
    """The current password given to change it is not the contact's password."""


class MessageLimitReached(Throttled):
    """A contact has sent as many messages to the business as the limits allow for now.

    ``details``: ``retry_after`` (seconds), ``retry_at`` (ISO-8601 UTC), ``limit`` and
    ``window`` (``"hour"`` or ``"day"``).
    """


class ReviewLimitReached(Throttled):
    """A contact has written as many reviews as the daily limit allows (details as above)."""
