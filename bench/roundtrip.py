"""(a) raw pika request/reply against (b) the gateway's RPC client calling identity.health.

Both are sequential calls from one client, measured in interleaved rounds so
that both see the same machine noise.
"""
import sys
import time

from gateway.rpc import RpcClientPool

from .echo import EchoClient
from .processes import Processes, wait_until
from .stats import Latency

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
    server = processes.start("echo-server", [sys.executable, "-m", "bench.echo", amqp_uri,
                                             ECHO_QUEUE])
    pool = RpcClientPool(amqp_uri, size=1, timeout=10)
    try:
        wait_until(lambda: "echo-ready" in processes.tail("echo-server"), 30, "pika echo server")
        echo = EchoClient(amqp_uri, ECHO_QUEUE)
        try:
            rpc = lambda: pool.call("identity", "health")  # noqa: E731
            timed(echo.call, warmup)
            timed(rpc, warmup)
            samples = {"pika": [], "rpc": []}
            per_round = max(1, calls // rounds)
            for _ in range(rounds):
                samples["pika"] += timed(echo.call, per_round)
                samples["rpc"] += timed(rpc, per_round)
        finally:
            echo.close()
    finally:
        pool.close()
        processes.stop(server)
    return {name: Latency.of(values) for name, values in samples.items()}
