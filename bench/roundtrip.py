"""(a) raw pika request/reply against (b) the gateway's RPC client calling identity.health.

Both are sequential calls from one client, measured in interleaved rounds so
that both see the same machine noise. A third series, RpcClientPool calling a
nameko echo service (no database, the portal's rpc entrypoint), separates
nameko's own RPC cost from identity.health's database query.
"""
import sys
import time

from gateway.rpc import RpcClientPool

from .echo import EchoClient
from .processes import Processes, wait_until
from .stats import Latency
from .echo_service import SERVICE_NAME as NAMEKO_ECHO

ECHO_QUEUE = "bench-echo"


def timed(call, count: int) -> list[int]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return samples


def measure(processes: Processes, amqp_uri: str, calls: int, warmup: int, rounds: int
            ) -> dict[str, Latency]:
    """{"pika": ..., "rpc": identity.health, "nameko_echo": ...} latencies."""
    servers = [processes.start("echo-server", [sys.executable, "-m", "bench.echo", amqp_uri,
                                               ECHO_QUEUE]),
               processes.start("nameko-echo", [sys.executable, "-m", "bench.echo_service"])]
    pool = RpcClientPool(amqp_uri, size=1, timeout=10)
    try:
        wait_until(lambda: "echo-ready" in processes.tail("echo-server"), 30, "pika echo server")
        wait_until(lambda: pool.call(NAMEKO_ECHO, "echo", 1), 60, "nameko echo service")
        echo = EchoClient(amqp_uri, ECHO_QUEUE)
        try:
            series = {"pika": echo.call,
                      "rpc": lambda: pool.call("identity", "health"),
                      "nameko_echo": lambda: pool.call(NAMEKO_ECHO, "echo", 1)}
            for call in series.values():
                timed(call, warmup)
            samples = {name: [] for name in series}
            per_round = max(1, calls // rounds)
            for _ in range(rounds):
                for name, call in series.items():
                    samples[name] += timed(call, per_round)
        finally:
            echo.close()
    finally:
        pool.close()
        for server in servers:
            processes.stop(server)
    return {name: Latency.of(values) for name, values in samples.items()}
