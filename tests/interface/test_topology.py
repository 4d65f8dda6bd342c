"""Events published before their consumer ever started are kept for it."""
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher

from portal_common.topology import declare_event_queues


class LateConsumer:
    name = "late"
    seen = []

    @event_handler("identity", "contact_invited")
    def on_invited(self, envelope):
        self.seen.append(envelope["event_id"])


def test_declared_queue_keeps_events_until_the_consumer_starts(container_factory, rabbit_config):
    declared = declare_event_queues([LateConsumer], rabbit_config["AMQP_URI"])
    assert declared == ["evt-identity-contact_invited--late.on_invited"]
    dispatch = event_dispatcher(rabbit_config)
    dispatch("identity", "contact_invited", {"event_id": "e-1"})

    LateConsumer.seen = []
    container = container_factory(LateConsumer, rabbit_config)
    container.start()
    import eventlet
    with eventlet.Timeout(10):
        while not LateConsumer.seen:
            eventlet.sleep(0.05)
    assert LateConsumer.seen == ["e-1"]
