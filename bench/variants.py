"""Publishing settings the RPC investigation compares (see docs/performance.md).

nameko publishes every RPC request and reply as a *persistent* message with
*publisher confirms*: the publisher waits for the broker's acknowledgement,
and a persistent message to a durable queue (nameko's request and reply
queues are both durable) is only acknowledged once written to disk or
consumed. These switches change nameko's Publisher defaults in one process.
"""
import os

from nameko.amqp.publish import Publisher

TRANSIENT = 1
PERSISTENT = 2

VARIANTS = {
    # name: (delivery_mode, use_confirms)
    "default": (PERSISTENT, True),
    "transient": (TRANSIENT, True),
    "no-confirms": (PERSISTENT, False),
    "transient+no-confirms": (TRANSIENT, False),
}


def apply(name: str) -> None:
    """Set nameko's Publisher defaults for this process (read at each publish)."""
    delivery_mode, confirms = VARIANTS[name]
    Publisher.delivery_mode = delivery_mode
    Publisher.use_confirms = confirms


def apply_from_env() -> str:
    name = os.environ.get("BENCH_RPC_VARIANT", "default")
    apply(name)
    return name
