"""An event sink for the gateway's interface tests: identity's portal events as a
consumer (notify) receives them."""
import eventlet
import pytest

from tests.support.portal_events import PortalEventSink


class Events:
    def of(self, event_type) -> list:
        return [e for e in PortalEventSink.received if e["event_type"] == event_type]

    def wait_for(self, event_type, count=1, timeout=10.0) -> list:
        for _ in range(int(timeout / 0.1)):
            if len(self.of(event_type)) >= count:
                return self.of(event_type)
            eventlet.sleep(0.1)
        raise AssertionError(f"fewer than {count} {event_type} events arrived")

    def settle(self, seconds=0.5) -> None:
        """Room for an event that should not come to arrive anyway."""
        eventlet.sleep(seconds)


@pytest.fixture
def events(containers, container_factory, service_config):
    PortalEventSink.received = []
    container_factory(PortalEventSink, service_config).start()
    return Events()
