"""Stands in for notify in tests: records identity's portal events as a consumer receives them."""
from nameko.events import event_handler

PORTAL_EVENTS = ("customer_details_updated", "contact_password_changed",
                 "customer_message_sent", "review_submitted")


class PortalEventSink:
    name = "portal_event_sink"
    received: list = []

    @event_handler("identity", "customer_details_updated")
    def on_details(self, envelope):
        self.received.append(envelope)

    @event_handler("identity", "contact_password_changed")
    def on_password(self, envelope):
        self.received.append(envelope)

    @event_handler("identity", "customer_message_sent")
    def on_message(self, envelope):
        self.received.append(envelope)

    @event_handler("identity", "review_submitted")
    def on_review(self, envelope):
        self.received.append(envelope)
