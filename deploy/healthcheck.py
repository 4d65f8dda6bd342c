"""Container health checks (exit 0 when healthy, 1 otherwise; one line on stderr why not).

    python deploy/healthcheck.py SERVICE       # the service's health RPC over AMQP_URI
    python deploy/healthcheck.py --http URL    # an HTTP 200 from the gateway

nameko services speak AMQP, not HTTP, so their check is an RPC. All replicas
of a service consume one queue: the answer says that *a* replica of the
service reaches its database and the broker, not necessarily this one.
"""
import os
import sys
import urllib.request
import warnings

warnings.filterwarnings("ignore")  # eventlet's deprecation notice would fill the probe log

TIMEOUT = float(os.environ.get("HEALTHCHECK_TIMEOUT", "10"))


def check_service(service: str) -> None:
    from nameko.standalone.rpc import ClusterRpcProxy

    from portal_common import settings

    with ClusterRpcProxy({"AMQP_URI": settings.amqp_uri()}, timeout=TIMEOUT) as rpc:
        answer = getattr(rpc, service).health()
    if answer.get("status") != "ok":
        raise RuntimeError(f"{service} answered {answer!r}")


def check_http(url: str) -> None:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered HTTP {response.status}")


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 2 and argv[0] == "--http":
            check_http(argv[1])
        elif len(argv) == 1:
            check_service(argv[0])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Exception as exc:  # any failure means "not healthy"
        print(f"unhealthy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
