"""notify's dependency providers: its own database, the mail transport, identity's RPC."""
import logging

import eventlet
from nameko.constants import NON_PERSISTENT
from nameko.exceptions import RemoteError, RpcTimeout
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, ServiceProxy

from portal_common import settings
from portal_common.db import Database
from portal_common.errors import NotFound

from . import config
from .transport import make_transport

log = logging.getLogger(__name__)


def notify_database() -> Database:
    return Database("notify")


class MailTransport(DependencyProvider):
    """An SMTP client for ``SMTP_URL`` or, with none set, an .eml file writer.

    The URL comes from the container config key ``SMTP_URL`` when present,
    else from the environment. A malformed URL stops the service at start-up
    rather than queueing mail that can never leave.
    """

    def setup(self):
        url = self.container.config.get("SMTP_URL") or settings.smtp_url()
        self.transport = make_transport(url, settings.var_dir() / "mail",
                                        timeout=config.smtp_timeout())
        log.info("mail_transport", extra={"transport": self.transport.describe()})

    def get_dependency(self, worker_ctx):
        return self.transport


class IdentityClient:
    """identity's one RPC notify uses, with a timeout (nameko's proxy has none)."""

    def __init__(self, proxy: ServiceProxy, timeout: float):
        self._proxy = proxy
        self._timeout = timeout

    def get_activity_context(self, organization_id, customer_id, contact_id=None) -> dict:
        """``{"organization", "customer", "contact"}``; raises identity's NotFound errors,
        ``UnknownService`` (identity never started here), ``RpcTimeout`` (no answer)."""
        reply = self._proxy.get_activity_context.call_async(organization_id, customer_id,
                                                            contact_id)
        with eventlet.Timeout(self._timeout, RpcTimeout(
                f"identity.get_activity_context: no answer within {self._timeout}s")):
            return reply.result()


class IdentityRpc(RpcProxy):
    """A request waits in identity's queue only as long as notify waits for the answer:
    it is sent transient, with that timeout as its expiration."""

    def __init__(self):
        super().__init__("identity", delivery_mode=NON_PERSISTENT)

    def get_dependency(self, worker_ctx):
        timeout = config.identity_timeout()
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener,
                             expiration=timeout, **self.options)
        return IdentityClient(proxy, timeout)


# identity's answers for ids that are not (or no longer) of the organization.
IDENTITY_NOT_FOUND = frozenset({"OrganizationNotFound", "CustomerNotFound", "ContactNotFound"})


def is_not_found(exc: BaseException) -> bool:
    """identity said the organization, customer or contact is not there.

    In a process that imported identity's exceptions they arrive as themselves
    (``NotFound`` subclasses); in notify's own process, which does not, as a
    ``RemoteError`` carrying the class name. (nameko's own ``MethodNotFound``, an
    identity without the RPC yet, is not one of them: that event waits.)
    """
    if isinstance(exc, NotFound):
        return True
    return isinstance(exc, RemoteError) and exc.exc_type in IDENTITY_NOT_FOUND
