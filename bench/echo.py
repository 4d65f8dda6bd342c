"""The raw RabbitMQ baseline: a pika echo server and a pika request/reply client.

The server consumes a queue and answers each message to its ``reply_to`` with
the same ``correlation_id``, acknowledging after the reply like nameko does.
Run it as ``python -m bench.echo AMQP_URI QUEUE``.
"""
import sys
import time
import uuid

import pika

BODY = b'{"args": [], "kwargs": {}}'


def serve(amqp_uri: str, queue: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare(queue, auto_delete=True)
    channel.basic_qos(prefetch_count=10)

    def on_request(ch, method, properties, body):
        ch.basic_publish("", properties.reply_to, body,
                         pika.BasicProperties(correlation_id=properties.correlation_id,
                                              content_type="application/json"))
        ch.basic_ack(method.delivery_tag)

    channel.basic_consume(queue, on_request)
    print("echo-ready", flush=True)
    channel.start_consuming()


class EchoClient:
    """Sequential request/reply over one connection and an exclusive reply queue."""

    def __init__(self, amqp_uri: str, queue: str):
        self.queue = queue
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        self.channel = self.connection.channel()
        self.reply_to = self.channel.queue_declare("", exclusive=True).method.queue
        self.replies: dict[str, bytes] = {}
        self.channel.basic_consume(self.reply_to, self._on_reply, auto_ack=True)

    def _on_reply(self, ch, method, properties, body):
        self.replies[properties.correlation_id] = body

    def call(self, timeout: float = 10.0) -> bytes:
        correlation_id = uuid.uuid4().hex
        self.channel.basic_publish("", self.queue, BODY, pika.BasicProperties(
            reply_to=self.reply_to, correlation_id=correlation_id,
            content_type="application/json"))
        deadline = time.monotonic() + timeout
        while correlation_id not in self.replies:
            if time.monotonic() > deadline:
                raise TimeoutError("no echo reply")
            self.connection.process_data_events(time_limit=1)
        return self.replies.pop(correlation_id)

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
