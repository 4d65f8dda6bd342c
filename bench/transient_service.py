"""``python -m bench.transient_service SERVICE``: a portal service whose RPC replies are
transient (bench/transient_rpc.py). Only for bench/investigate_home.py."""
import sys

import eventlet

eventlet.monkey_patch()  # before nameko, kombu and the service are imported

import nameko.rpc  # noqa: E402

from bench import transient_rpc  # noqa: E402

nameko.rpc.rpc = transient_rpc.rpc  # the services' `from nameko.rpc import rpc` gets this one

from portal_common.runner import run_service  # noqa: E402

if __name__ == "__main__":
    run_service(sys.argv[1])
