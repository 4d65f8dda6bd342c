"""notify's dependency providers: its own database and the mail transport."""
import logging

from nameko.extensions import DependencyProvider

from portal_common import settings
from portal_common.db import Database

from . import config
from .transport import make_transport

log = logging.getLogger(__name__)


def notify_database() -> Database:
    return Database("notify")


class MailTransport(DependencyProvider):
    """An SMTP client for ``SMTP_URL`` or, with none set, an .eml file writer.

    The URL comes from the container config key ``SMTP_URL`` when present,
    else from the environment. A malformed URL stops the service at start-up
    rather than queueing mail that can never leave.
    """

    def setup(self):
        url = self.container.config.get("SMTP_URL") or settings.smtp_url()
        self.transport = make_transport(url, settings.var_dir() / "mail",
                                        timeout=config.smtp_timeout())
        log.info("mail_transport", extra={"transport": self.transport.describe()})

    def get_dependency(self, worker_ctx):
        return self.transport
