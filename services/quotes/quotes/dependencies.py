"""quotes's dependency providers: its own database and billing's RPC (with a timeout)."""
import eventlet
from nameko.constants import NON_PERSISTENT
from nameko.exceptions import RpcTimeout
from nameko.rpc import RpcProxy, ServiceProxy

from portal_common.db import Database
from portal_common.settings import env_int


def quotes_database() -> Database:
    return Database("quotes")


def billing_timeout() -> int:
    return max(1, env_int("QUOTES_BILLING_TIMEOUT_SECONDS", 20))


class BillingClient:
    """billing's RPC methods (list_taxes, create_invoice, get_invoice...), each answered
    within the timeout or RpcTimeout: nameko's proxy alone would wait for ever, and
    converting a quote waits while holding the quote's row lock. A conversion cut short is
    safe to repeat: its idempotency key makes billing give back the same invoice."""

    def __init__(self, proxy: ServiceProxy, timeout: float):
        self._proxy = proxy
        self._timeout = timeout

    def __getattr__(self, method):
        def call(*args, **kwargs):
            reply = getattr(self._proxy, method).call_async(*args, **kwargs)
            with eventlet.Timeout(self._timeout, RpcTimeout(
                    f"billing.{method}: no answer within {self._timeout}s")):
                return reply.result()
        return call


class BillingRpc(RpcProxy):
    """An RpcProxy to billing whose requests wait in billing's queue only as long as we
    wait for the answer (sent transient, that timeout as their expiration)."""

    def __init__(self):
        super().__init__("billing", delivery_mode=NON_PERSISTENT)

    def get_dependency(self, worker_ctx):
        timeout = billing_timeout()
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener,
                             expiration=timeout, **self.options)
        return BillingClient(proxy, timeout)
