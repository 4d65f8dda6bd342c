"""One table: classes looked up along their MRO, the rest is a logged 500."""
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from werkzeug.exceptions import NotFound as HttpNotFound

from gateway.errors import ERRORS, lookup
from gateway.rpc import PoolExhausted
from identity.exceptions import CustomerNotFound, InvalidApiKey, TooManyAttempts
from notify.exceptions import EmailTemplateNotFound
from portal_common.errors import Conflict, NotFound, PortalError


class ShinyNewNotFound(NotFound):
    """A class a service adds later, unknown to the table."""


def test_specific_classes_have_their_own_code():
    assert lookup(CustomerNotFound("x")) == (404, "customer_not_found")
    assert lookup(InvalidApiKey("x")) == (401, "invalid_api_key")
    assert lookup(TooManyAttempts("x")) == (429, "too_many_attempts")
    assert lookup(EmailTemplateNotFound("x")) == (404, "email_template_not_found")


def test_unknown_subclasses_fall_back_to_their_kind():
    assert lookup(ShinyNewNotFound("x")) == (404, "not_found")


def test_a_missing_service_is_503():
    assert lookup(UnknownService("billing")) == (503, "service_unavailable")
    assert lookup(RpcTimeout(2)) == (503, "service_unavailable")
    assert lookup(PoolExhausted()) == (503, "service_unavailable")


def test_http_errors_and_unexpected_ones():
    assert lookup(HttpNotFound()) == (404, "not_found")
    assert lookup(RemoteError("KeyError", "boom")) is None
    assert lookup(RuntimeError("boom")) is None


def test_every_kind_is_in_the_table():
    for kind in (PortalError, NotFound, Conflict):
        assert kind in ERRORS
