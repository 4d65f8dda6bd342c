"""notify's business errors; each arrives at the gateway as itself."""
from portal_common.errors import NotFound


class DocumentNotFound(NotFound):
    pass
