"""quotes over nameko RPC."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import operations as ops
from .dependencies import quotes_database
from .models import Outbox, ProcessedEvent


class QuotesService(HealthRpc, OutboxRelay):
    name = "quotes"

    db = quotes_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    @rpc
    def count_awaiting_approval(self, organization_id, customer_id):
        """The portal home's figure: the customer's quotes sent or viewed, not expired."""
        return ops.count_awaiting_approval(self.db, organization_id, customer_id)
