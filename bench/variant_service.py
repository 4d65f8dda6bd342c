"""Run a nameko service under another name with a publishing variant applied.

    python -m bench.variant_service identity VARIANT   # runs as identity_<variant>
    python -m bench.variant_service echo VARIANT       # an echo service, no database

Several variants can then run side by side, so that bench/investigate_rpc.py
measures them in interleaved rounds. Production runs ``portal run-service``.
"""
import sys

import eventlet

eventlet.monkey_patch()

from nameko.cli.run import run  # noqa: E402
from nameko.rpc import rpc  # noqa: E402

from portal_common import runner  # noqa: E402

from . import variants  # noqa: E402


class EchoService:
    """Isolates nameko's RPC machinery from a service's own work."""
    name = "echo"

    @rpc
    def echo(self, value=None):
        return value


def service_name(service: str, variant: str) -> str:
    return f"{service}_{variant.replace('+', '_').replace('-', '_')}"


def main(service: str, variant: str) -> None:
    variants.apply(variant)
    base = EchoService if service == "echo" else runner.service_class(service)
    cls = type(base.__name__, (base,), {"name": service_name(service, variant)})
    config = runner.nameko_config(service)
    import logging.config
    logging.config.dictConfig(config["LOGGING"])
    run([cls], config)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
