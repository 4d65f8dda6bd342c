"""Foundations shared by every service of the customer portal.

Small on purpose: configuration, the database dependency, events (envelope,
outbox, relay, idempotent consumption), remote errors, money and logging.
"""

import warnings

# eventlet announces its own deprecation on import; nameko 2.14 depends on it.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
