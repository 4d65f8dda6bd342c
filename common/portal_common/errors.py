"""Business errors that cross RPC as themselves.

Every subclass of :class:`PortalError` registers itself with nameko's remote
error registry when it is defined, so an error raised in a service arrives at
the gateway as the same class (provided the gateway imported the module that
defines it). The arguments are always ``(message, details)``: a string and a
JSON-able dict, which is exactly what nameko serializes.
"""
from nameko.exceptions import registry, get_module_path


class PortalError(Exception):
    def __init__(self, message: str = "", details: dict | None = None):
        super().__init__(message, details or {})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry[get_module_path(cls)] = cls

    @property
    def message(self) -> str:
        return self.args[0]

    @property
    def details(self) -> dict:
        return self.args[1]

    def __str__(self) -> str:
        return self.message


registry[get_module_path(PortalError)] = PortalError


class NotFound(PortalError):
    """The object does not exist for this organization/customer (tenancy included)."""


class ValidationFailed(PortalError):
    """Input refused; ``details`` maps field names to lists of messages."""


class Conflict(PortalError):
    """The request clashes with the current state of the object."""


class AuthenticationFailed(PortalError):
    """Credentials, API key or session not accepted."""


class Throttled(PortalError):
    """Too many attempts; ``details['retry_after']`` is in seconds."""


def validation_error(marshmallow_error) -> ValidationFailed:
    """Turn a marshmallow ValidationError into our ValidationFailed."""
    messages = marshmallow_error.messages
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    return ValidationFailed("The data sent is not valid.", messages)


def load_or_refuse(schema, data, partial=False, error_class=ValidationFailed):
    """``data`` loaded by a marshmallow ``schema``, or ``error_class`` with every problem."""
    from marshmallow import ValidationError
    try:
        return schema.load(data or {}, partial=partial)
    except ValidationError as exc:
        error = validation_error(exc)
        raise error_class(error.message, error.details) from None
