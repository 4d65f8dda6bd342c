"""The process's RPC client pool and the per-request accessor kept in ``g``.

gunicorn forks its workers, and a pool's AMQP connections must never be shared
across a fork, so the pool is made lazily, the first time a request in this
process needs it, and closed when the process exits.
"""
import atexit
import os
import threading
import time

from flask import current_app, g

from .rpc import RpcClientPool

_EXTENSION = "gateway.rpc_pool"
_lock = threading.Lock()


def process_pool(app=None) -> RpcClientPool:
    """This process's pool for ``app`` (made on first use)."""
    app = app or current_app._get_current_object()
    holder = app.extensions.get(_EXTENSION)
    if holder is None or holder[0] != os.getpid():
        with _lock:
            holder = app.extensions.get(_EXTENSION)
            if holder is None or holder[0] != os.getpid():
                pool = RpcClientPool(app.config["AMQP_URI"], size=app.config["RPC_POOL_SIZE"],
                                     timeout=app.config["RPC_TIMEOUT"])
                atexit.register(pool.close)
                holder = (os.getpid(), pool)
                app.extensions[_EXTENSION] = holder
    return holder[1]


def close_process_pool(app) -> None:
    """Close the pool of ``app`` in this process, if it has one (worker exit, tests)."""
    holder = app.extensions.pop(_EXTENSION, None)
    if holder is not None and holder[0] == os.getpid():
        holder[1].close()
        atexit.unregister(holder[1].close)


class RequestRpc:
    """RPC calls made for one request: ``get_rpc().identity.get_customer(org, id)``.

    Each call borrows a client from the process pool for just that call; the
    count and time spent go into the request log line.
    """

    def __init__(self, pool: RpcClientPool):
        self._pool = pool
        self.calls = 0
        self.seconds = 0.0

    def call(self, service: str, method: str, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._pool.call(service, method, *args, **kwargs)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - started

    def __getattr__(self, service: str) -> "_Service":
        if service.startswith("_"):
            raise AttributeError(service)
        return _Service(self, service)


class _Service:
    def __init__(self, rpc: RequestRpc, name: str):
        self._rpc = rpc
        self._name = name

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            return self._rpc.call(self._name, method, *args, **kwargs)

        return call


def get_rpc() -> RequestRpc:
    """The request's RPC accessor, made on first use (Flask tutorial's get_db pattern)."""
    if "rpc" not in g:
        g.rpc = RequestRpc(process_pool())
    return g.rpc
