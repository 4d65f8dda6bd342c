"""timesheets over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import operations as ops
from .dependencies import timesheets_database
from .models import Outbox, ProcessedEvent


class TimesheetsService(HealthRpc, OutboxRelay):
    name = "timesheets"

    db = timesheets_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    @rpc
    def count_awaiting_approval(self, organization_id, customer_id):
        """The portal home's figure: the customer's approvals submitted or viewed."""
        return ops.count_awaiting_approval(self.db, organization_id, customer_id)
