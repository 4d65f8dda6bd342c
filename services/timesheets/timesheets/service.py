"""timesheets over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc

from .dependencies import timesheets_database
from .models import Outbox, ProcessedEvent


class TimesheetsService(HealthRpc, OutboxRelay):
    name = "timesheets"

    db = timesheets_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent
