"""One pooled, thread-safe nameko RPC client per gateway process.

nameko's standalone ClusterRpcProxy is not safe to share between threads, so
the pool keeps several started proxies and lends each to one thread at a time.
A proxy whose connection broke (RabbitMQ restarted) is thrown away and a fresh
one is made on the next borrow, so the gateway reconnects by itself. So is a
proxy whose call timed out: nameko's polling consumer would otherwise keep the
late reply in memory for ever and rebuilds its consumer in mid-use.
"""
import contextlib
import logging
import queue
import threading

from kombu.exceptions import OperationalError
from nameko.constants import NON_PERSISTENT
from nameko.exceptions import RpcTimeout
from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

from portal_common.settings import pure_python_amqp

log = logging.getLogger(__name__)

BROKEN_CONNECTION_ERRORS = (OperationalError, ConnectionError, OSError)
# After these the proxy is not trusted again.
DISCARD_ERRORS = BROKEN_CONNECTION_ERRORS + (RpcTimeout,)


class PoolExhausted(Exception):
    """Every proxy stayed lent out for the whole timeout."""


class _TransientClusterProxy(ClusterProxy):
    """Requests as transient messages (docs/performance.md; the services' replies
    are transient too, see portal_common.rpc). Publisher confirms stay on, so a
    call to a service that is not running still fails at once (UnknownService)."""

    def __getattr__(self, name):
        if name not in self._proxies:
            self._proxies[name] = ServiceProxy(self._worker_ctx, name, self._reply_listener,
                                               delivery_mode=NON_PERSISTENT)
        return self._proxies[name]


class TransientClusterRpcProxy(ClusterRpcProxy):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._proxy = _TransientClusterProxy(self._worker_ctx, self._reply_listener)


class RpcClientPool:
    def __init__(self, amqp_uri: str, size: int = 8, timeout: float = 10.0):
        self.config = {"AMQP_URI": pure_python_amqp(amqp_uri)}
        self.size = size
        self.timeout = timeout
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._created = 0
        self._lock = threading.Lock()

    def _new_proxy(self, timeout):
        runner = TransientClusterRpcProxy(self.config, timeout=timeout)
        return runner, runner.start()

    def _borrow(self):
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._created < self.size:
                self._created += 1
                try:
                    return self._new_proxy(self.timeout)
                except Exception:
                    self._created -= 1
                    raise
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolExhausted(f"no RPC client free within {self.timeout}s") from None

    def _discard(self, item):
        with self._lock:
            self._created -= 1
        with contextlib.suppress(Exception):
            item[0].stop()

    @contextlib.contextmanager
    def client(self):
        """Borrow a proxy: ``with pool.client() as rpc: rpc.identity.health()``."""
        item = self._borrow()
        try:
            yield item[1]
        except DISCARD_ERRORS as exc:
            log.warning("rpc_client_discarded", extra={"reason": type(exc).__name__})
            self._discard(item)
            raise
        except BaseException:
            self._idle.put(item)
            raise
        else:
            self._idle.put(item)

    def call(self, service: str, method: str, *args, **kwargs):
        with self.client() as rpc:
            return getattr(getattr(rpc, service), method)(*args, **kwargs)

    @contextlib.contextmanager
    def one_off(self, timeout: float):
        """A proxy with its own deadline (used by /readyz), not taken from the pool."""
        runner, proxy = self._new_proxy(timeout)
        try:
            yield proxy
        finally:
            with contextlib.suppress(Exception):
                runner.stop()

    def close(self):
        while True:
            try:
                item = self._idle.get_nowait()
            except queue.Empty:
                break
            self._discard(item)
