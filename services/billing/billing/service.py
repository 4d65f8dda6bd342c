"""billing over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc

from .dependencies import billing_database
from .models import Outbox, ProcessedEvent


class BillingService(HealthRpc, OutboxRelay):
    name = "billing"

    db = billing_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent
