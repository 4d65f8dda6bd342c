"""The ``rpc`` entrypoint every portal service uses: nameko's, with transient replies.

nameko publishes RPC requests and replies as persistent messages, so RabbitMQ
confirms each only once it is on disk or already consumed. A reply is worth
nothing after the caller's timeout, so persisting it buys nothing; publishing
it transient (delivery_mode 1, publisher confirms kept) took about a fifth off a
round trip in `bench/` (docs/performance.md). Events are not affected: the
outbox relay's EventDispatcher keeps them persistent.

All RPC methods of one service must use this decorator: nameko keeps one RPC
consumer per entrypoint class, and two consumers of one queue would each answer
"method not found" for the other's methods (tests/unit/test_rpc_entrypoints.py
checks every service).
"""
from functools import partial

from nameko.amqp.publish import Publisher
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              LOGIN_METHOD_CONFIG_KEY, NON_PERSISTENT, SERIALIZER_CONFIG_KEY)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange


class TransientResponder(Responder):
    publisher_cls = partial(Publisher, delivery_mode=NON_PERSISTENT)


class TransientRpcConsumer(RpcConsumer):
    """nameko's RpcConsumer.handle_result, with the transient responder."""

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
