"""notify over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc

from .dependencies import notify_database
from .models import Outbox, ProcessedEvent


class NotifyService(HealthRpc, OutboxRelay):
    name = "notify"

    db = notify_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent
