"""One table from exception classes to (HTTP status, error code), and the handlers.

Business errors cross RPC as their own classes (portal_common.errors registers
every subclass with nameko), so importing each service's ``exceptions`` module
here is what makes them arrive as themselves. A class is looked up along its
MRO: a service's new ``FooNotFound(NotFound)`` is a 404 without a new line here.
Anything not in the table is a 500 whose trace is logged (one JSON line) and
whose body says nothing about the internals.
"""
import logging

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService
from werkzeug import exceptions as http

import billing.exceptions as billing_errors
import identity.exceptions as identity_errors
import notify.exceptions as notify_errors
import quotes.exceptions as quotes_errors
import timesheets.exceptions as timesheets_errors
from portal_common import errors as kinds

from .payment_messages import refusal_message
from .request_log import loggable_path
from .rpc import PoolExhausted

log = logging.getLogger(__name__)


# --- the gateway's own request errors -------------------------------------------------

class MalformedJson(kinds.ValidationFailed):
    """The body is not parseable JSON."""


class BodyNotAnObject(kinds.ValidationFailed):
    """The body is JSON, but not an object."""


class NotJson(kinds.PortalError):
    """A body was sent with another media type than application/json."""


class ApiKeyMissing(kinds.AuthenticationFailed):
    """No ``Authorization: Bearer`` header."""


SERVICE_UNAVAILABLE = (503, "service_unavailable")

ERRORS: dict[type, tuple[int, str]] = {
    # The kinds every service raises.
    kinds.PortalError: (400, "bad_request"),
    kinds.ValidationFailed: (400, "validation_failed"),
    kinds.NotFound: (404, "not_found"),
    kinds.Conflict: (409, "conflict"),
    kinds.AuthenticationFailed: (401, "authentication_failed"),
    kinds.Throttled: (429, "too_many_attempts"),
    # identity
    identity_errors.OrganizationNotFound: (404, "organization_not_found"),
    identity_errors.CustomerNotFound: (404, "customer_not_found"),
    identity_errors.ContactNotFound: (404, "contact_not_found"),
    identity_errors.ContactHasNoEmail: (400, "contact_has_no_email"),
    identity_errors.PasswordPolicyViolation: (400, "password_policy_violation"),
    identity_errors.EmailAlreadyInUse: (409, "email_already_in_use"),
    identity_errors.InvalidApiKey: (401, "invalid_api_key"),
    identity_errors.InvalidCredentials: (401, "invalid_credentials"),
    identity_errors.SessionInvalid: (401, "session_invalid"),
    identity_errors.InvitationInvalid: (404, "invitation_invalid"),
    identity_errors.TooManyAttempts: (429, "too_many_attempts"),
    identity_errors.WrongPassword: (401, "wrong_password"),
    identity_errors.MessageLimitReached: (429, "message_limit_reached"),
    identity_errors.ReviewLimitReached: (429, "review_limit_reached"),
    # the document services
    billing_errors.DocumentNotFound: (404, "document_not_found"),
    billing_errors.InvoiceNotFound: (404, "invoice_not_found"),
    billing_errors.CreditNoteNotFound: (404, "credit_note_not_found"),
    billing_errors.PaymentNotFound: (404, "payment_not_found"),
    billing_errors.TaxNotFound: (404, "tax_not_found"),
    billing_errors.InvalidDocument: (400, "invalid_document"),
    billing_errors.AmountRefused: (400, "amount_refused"),
    billing_errors.InvoiceStateConflict: (409, "invoice_state_conflict"),
    billing_errors.DuplicateNumber: (409, "duplicate_number"),
    billing_errors.IdempotencyKeyReused: (409, "idempotency_key_reused"),
    billing_errors.RecurringProfileNotFound: (404, "recurring_profile_not_found"),
    billing_errors.StatementRangeInvalid: (400, "invalid_statement_range"),
    # online payments (a refusal's code is its Cp code when it has one: payment_refusal)
    billing_errors.PaymentRefused: (402, "payment_declined"),
    billing_errors.PaymentInProgress: (409, "payment_in_progress"),
    billing_errors.PaymentAttemptNotFound: (404, "payment_attempt_not_found"),
    billing_errors.SavedMethodNotFound: (404, "saved_method_not_found"),
    billing_errors.GatewayNotConfigured: (404, "payment_gateway_not_configured"),
    billing_errors.WebhookSignatureInvalid: (400, "webhook_signature_invalid"),
    quotes_errors.DocumentNotFound: (404, "document_not_found"),
    quotes_errors.QuoteNotFound: (404, "quote_not_found"),
    quotes_errors.SalesOrderNotFound: (404, "sales_order_not_found"),
    quotes_errors.InvalidQuote: (400, "invalid_quote"),
    quotes_errors.InvalidSalesOrder: (400, "invalid_sales_order"),
    quotes_errors.CommentRefused: (400, "comment_refused"),
    quotes_errors.QuoteStateConflict: (409, "quote_state_conflict"),
    quotes_errors.QuoteAlreadyDecided: (409, "quote_already_decided"),
    quotes_errors.QuoteExpired: (409, "quote_expired"),
    quotes_errors.SalesOrderStateConflict: (409, "sales_order_state_conflict"),
    quotes_errors.DuplicateNumber: (409, "duplicate_number"),
    quotes_errors.IdempotencyKeyReused: (409, "idempotency_key_reused"),
    timesheets_errors.DocumentNotFound: (404, "document_not_found"),
    timesheets_errors.ProjectNotFound: (404, "project_not_found"),
    timesheets_errors.TaskNotFound: (404, "task_not_found"),
    timesheets_errors.TimeEntryNotFound: (404, "time_entry_not_found"),
    timesheets_errors.ApprovalNotFound: (404, "approval_not_found"),
    timesheets_errors.InvalidProject: (400, "invalid_project"),
    timesheets_errors.InvalidTimeEntry: (400, "invalid_time_entry"),
    timesheets_errors.InvalidApproval: (400, "invalid_approval"),
    timesheets_errors.InvalidDecision: (400, "invalid_decision"),
    timesheets_errors.CommentRefused: (400, "comment_refused"),
    timesheets_errors.TimeEntryLocked: (409, "time_entry_locked"),
    timesheets_errors.EntriesNotApproved: (409, "entries_not_approved"),
    timesheets_errors.EntryAlreadyInApproval: (409, "entry_already_in_approval"),
    timesheets_errors.ApprovalAlreadyDecided: (409, "approval_already_decided"),
    # notify
    notify_errors.EmailTemplateNotFound: (404, "email_template_not_found"),
    notify_errors.EmailTemplateInvalid: (400, "email_template_invalid"),
    notify_errors.OutgoingMailNotFound: (404, "outgoing_mail_not_found"),
    notify_errors.InvalidMailQuery: (400, "invalid_query"),
    notify_errors.NotificationKindNotFound: (404, "notification_kind_not_found"),
    notify_errors.NotificationPreferenceInvalid: (400, "notification_preference_invalid"),
    notify_errors.FeedEntryNotFound: (404, "feed_entry_not_found"),
    notify_errors.InvalidFeedQuery: (400, "invalid_query"),
    # the gateway's own
    MalformedJson: (400, "malformed_json"),
    BodyNotAnObject: (400, "invalid_body"),
    NotJson: (415, "unsupported_media_type"),
    ApiKeyMissing: (401, "authentication_required"),
    CSRFError: (400, "csrf_failed"),
    # a service or the broker is not there
    UnknownService: SERVICE_UNAVAILABLE,
    RpcTimeout: SERVICE_UNAVAILABLE,
    PoolExhausted: SERVICE_UNAVAILABLE,
    OperationalError: SERVICE_UNAVAILABLE,
    ConnectionError: SERVICE_UNAVAILABLE,
    # HTTP itself
    http.BadRequest: (400, "bad_request"),
    http.NotFound: (404, "not_found"),
    http.MethodNotAllowed: (405, "method_not_allowed"),
    http.RequestEntityTooLarge: (413, "payload_too_large"),
    http.UnsupportedMediaType: (415, "unsupported_media_type"),
    http.TooManyRequests: (429, "too_many_requests"),
}

# What the user reads for errors whose own message is not meant for them.
GENERIC_MESSAGES = {
    400: "The request could not be understood.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    503: "A service needed for this request is not available right now; try again shortly.",
    500: "Something went wrong on our side. It has been logged.",
}


def lookup(exc: BaseException) -> tuple[int, str] | None:
    for klass in type(exc).__mro__:
        if klass in ERRORS:
            return ERRORS[klass]
    return None


def _public_message(exc, status: int) -> str:
    """What the client may read: a business error's own words, never internals."""
    if isinstance(exc, billing_errors.PaymentRefused):
        return refusal_message(exc.details, exc.message)
    if status >= 500:
        return GENERIC_MESSAGES.get(status, GENERIC_MESSAGES[500])
    if isinstance(exc, kinds.PortalError) and exc.message:
        return exc.message
    if isinstance(exc, http.HTTPException) and exc.description:
        return exc.description
    return GENERIC_MESSAGES.get(status, GENERIC_MESSAGES[400])


def _details(exc) -> dict:
    if isinstance(exc, kinds.PortalError) and isinstance(exc.details, dict):
        return exc.details
    return {}


def wants_json() -> bool:
    return (request.blueprint in ("api", "health", "webhooks")
            or request.path.startswith(("/api/", "/webhooks/"))
            or request.path in ("/healthz", "/readyz"))


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


# --- HTML pages --------------------------------------------------------------------------

PAGE_TEXT = {
    400: (_l("The request could not be handled"),
          _l("Something in the request was not right. Go back and try again.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too much data"), _l("What you sent is too large.")),
    429: (_l("Too many attempts"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. It has been recorded; please try again later.")),
    503: (_l("Temporarily unavailable"),
          _l("The portal cannot answer right now. Please try again in a few minutes.")),
}
CSRF_TEXT = (_l("The form could not be sent"),
             _l("The form has expired or did not come from this page. "
                "Go back, reload the page and send it again."))


def _html_page(exc, status: int):
    if isinstance(exc, CSRFError):
        title, message = CSRF_TEXT
    else:
        title, message = PAGE_TEXT.get(status, PAGE_TEXT[500 if status >= 500 else 400])
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


# --- the one handler -----------------------------------------------------------------------

def handle_exception(exc: Exception):
    found = lookup(exc)
    if found is None:
        if isinstance(exc, http.HTTPException) and exc.code and exc.code < 500:
            found = (exc.code, (exc.name or "error").lower().replace(" ", "_"))
        else:
            found = (500, "internal_error")
            log.error("unhandled_exception", exc_info=exc,
                      extra={"method": request.method, "path": loggable_path(),
                             "request_id": g.get("request_id")})
    status, code = found
    if isinstance(exc, billing_errors.PaymentRefused):
        code = exc.details.get("cp_code") or code
    if status == 503:
        log.warning("service_unavailable", extra={"reason": type(exc).__name__,
                                                  "path": loggable_path()})
    if wants_json():
        response = (error_body(code, _public_message(exc, status),
                               _details(exc) if status < 500 else {}), status)
    else:
        response = _html_page(exc, status)
    headers = {}
    if status == 401 and request.path.startswith("/api/"):
        headers["WWW-Authenticate"] = ('Bearer realm="api"' if isinstance(exc, ApiKeyMissing)
                                       else 'Bearer realm="api", error="invalid_token"')
    retry_after = _details(exc).get("retry_after") if status == 429 else None
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    if isinstance(exc, http.MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return (*response, headers)


def register(app) -> None:
    app.register_error_handler(Exception, handle_exception)
