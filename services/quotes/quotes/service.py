"""quotes over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc

from .dependencies import quotes_database
from .models import Outbox, ProcessedEvent


class QuotesService(HealthRpc, OutboxRelay):
    name = "quotes"

    db = quotes_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent
