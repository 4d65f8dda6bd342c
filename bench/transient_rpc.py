"""The change docs/performance.md proposes, prototyped here only to measure it.

RPC requests and replies published as *transient* messages (delivery_mode 1)
instead of nameko's persistent default; publisher confirms stay on (so an
unknown service still fails at once) and events are untouched (the outbox
relay's EventDispatcher keeps persistent messages).

- service side: ``rpc`` below, an Rpc entrypoint whose replies are transient;
  ``python -m bench.transient_service SERVICE`` runs a portal service with it;
- client side: ``TransientClusterRpcProxy``, used by the gateway when started
  with ``--config bench/gunicorn_transient.conf.py``.
"""
from functools import partial

from nameko.amqp.publish import Publisher
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY)
from nameko.rpc import Responder, Rpc, RpcConsumer, ServiceProxy, get_rpc_exchange
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

TRANSIENT = 1


class TransientResponder(Responder):
    publisher_cls = partial(Publisher, delivery_mode=TRANSIENT)


class TransientRpcConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = TransientResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class TransientRpc(Rpc):
    rpc_consumer = TransientRpcConsumer()


rpc = TransientRpc.decorator


class _TransientClusterProxy(ClusterProxy):
    def __getattr__(self, name):
        if name not in self._proxies:
            self._proxies[name] = ServiceProxy(self._worker_ctx, name, self._reply_listener,
                                               delivery_mode=TRANSIENT)
        return self._proxies[name]


class TransientClusterRpcProxy(ClusterRpcProxy):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._proxy = _TransientClusterProxy(self._worker_ctx, self._reply_listener)


def patch_client_pool() -> None:
    """Make gateway.rpc.RpcClientPool hand out transient-request proxies."""
    from gateway.rpc import RpcClientPool

    def _new_proxy(self, timeout):
        runner = TransientClusterRpcProxy(self.config, timeout=timeout)
        return runner, runner.start()

    RpcClientPool._new_proxy = _new_proxy
