"""Declare, ahead of time, the queues the services' event handlers consume from.

nameko declares an event handler's queue when the consuming service starts.
Until then, events published to the source's exchange have nowhere to go and
are dropped. `portal migrate` calls :func:`declare_event_queues` so that an
event published before its consumer first starts (the demo seed, a fresh
deployment started in any order) waits in the queue instead of being lost.
The names and flags are those nameko itself uses for SERVICE_POOL handlers.
"""
import inspect

from kombu import Connection, Queue
from nameko.events import SERVICE_POOL, EventHandler, get_event_exchange


def event_queues(service_cls, config: dict) -> list[Queue]:
    queues = []
    for method_name, method in inspect.getmembers(service_cls, callable):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if not isinstance(entrypoint, EventHandler) or entrypoint.handler_type != SERVICE_POOL:
                continue
            exchange = get_event_exchange(entrypoint.source_service, config)
            name = (f"evt-{entrypoint.source_service}-{entrypoint.event_type}"
                    f"--{service_cls.name}.{method_name}")
            queues.append(Queue(name, exchange=exchange, routing_key=entrypoint.event_type,
                                durable=True, auto_delete=not entrypoint.reliable_delivery))
    return queues


def declare_event_queues(service_classes, amqp_uri: str) -> list[str]:
    config = {"AMQP_URI": amqp_uri}
    declared = []
    with Connection(amqp_uri, connect_timeout=10) as connection:
        channel = connection.channel()
        for service_cls in service_classes:
            for queue in event_queues(service_cls, config):
                queue(channel).declare()
                declared.append(queue.name)
    return declared
