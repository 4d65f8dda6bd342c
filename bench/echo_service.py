"""A nameko service that only echoes, run with the portal's runner configuration.

    python -m bench.echo_service

It uses the same ``rpc`` entrypoint as the portal's services (transient
replies), so RpcClientPool → echo measures nameko's RPC machinery as the
portal runs it, without a service's own work (identity.health also queries its
database).
"""
import eventlet

eventlet.monkey_patch()

import logging.config  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from portal_common import runner  # noqa: E402
from portal_common.rpc import rpc  # noqa: E402

SERVICE_NAME = "bench_echo"


class EchoService:
    name = SERVICE_NAME

    @rpc
    def echo(self, value=None):
        return value


def main() -> None:
    config = runner.nameko_config("identity")
    logging.config.dictConfig(config["LOGGING"])
    run([EchoService], config)


if __name__ == "__main__":
    main()
