"""The health RPC every service answers."""
from sqlalchemy import text

from .rpc import rpc


class HealthRpc:
    """Mixin: ``health`` checks the service's own database and says so."""

    @rpc
    def health(self):
        self.db.execute(text("SELECT 1"))
        return {"service": self.name, "status": "ok"}
