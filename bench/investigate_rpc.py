"""Where an RPC round trip's time goes: ``.venv/bin/python bench/investigate_rpc.py``.

Each case is a nameko service process running with a publishing variant
(bench/variants.py) under its own name, called by RpcClientPool with the
client's variant applied in this process. All cases and the raw pika echo
are measured in interleaved rounds, so they share the machine's noise.
"""
import argparse
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import session, variants  # noqa: E402
from bench.echo import EchoClient  # noqa: E402
from bench.processes import wait_until  # noqa: E402
from bench.roundtrip import ECHO_QUEUE, timed  # noqa: E402
from bench.stats import Latency, ratio, table  # noqa: E402
from bench.variant_service import service_name  # noqa: E402
from gateway.rpc import RpcClientPool  # noqa: E402

# (label, service, method, client variant, service variant, client URI scheme)
CASES = [
    ("echo service (no database), nameko defaults", "echo", "echo", "default", "default",
     "amqp"),
    ("identity.health, nameko defaults", "identity", "health", "default", "default", "amqp"),
    ("identity.health, transient both sides", "identity", "health", "transient", "transient",
     "amqp"),
    ("identity.health, transient, replies unconfirmed", "identity", "health", "transient",
     "transient+no-confirms", "amqp"),
    ("  + client URI pyamqp://", "identity", "health", "transient", "transient+no-confirms",
     "pyamqp"),
    ("identity.health, transient, no confirms at all", "identity", "health",
     "transient+no-confirms", "transient+no-confirms", "amqp"),
    ("echo service, transient, replies unconfirmed, pyamqp://", "echo", "echo", "transient",
     "transient+no-confirms", "pyamqp"),
]


def start_case_services(run) -> None:
    names = {(case[1], case[4]) for case in CASES}
    for service, variant in sorted(names):
        run.processes.start(service_name(service, variant),
                            [sys.executable, "-m", "bench.variant_service", service, variant])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="timed calls per case")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-seconds", type=int, default=600)
    args = parser.parse_args(argv)
    session.bound_run_time(args.max_seconds)
    with session.run() as run:
        print(f"databases: {run.databases.kind}")
        run.migrate()
        run.processes.start("echo-server", [sys.executable, "-m", "bench.echo", run.amqp_uri,
                                            ECHO_QUEUE])
        start_case_services(run)
        wait_until(lambda: "echo-ready" in run.processes.tail("echo-server"), 30, "pika echo")
        echo = EchoClient(run.amqp_uri, ECHO_QUEUE)
        pools = {scheme: RpcClientPool(scheme + run.amqp_uri[len("amqp"):], size=1, timeout=10)
                 for scheme in ("amqp", "pyamqp")}
        calls = {}
        for label, service, method, client_variant, service_variant, scheme in CASES:
            target = service_name(service, service_variant)
            call = (lambda p=pools[scheme], t=target, m=method: p.call(t, m))
            wait_until(lambda c=call: c() or True, 60, target)
            calls[label] = (client_variant, call)
        samples = {label: [] for label in ["pika"] + list(calls)}
        try:
            for round_number in range(args.rounds + 1):  # round 0 warms up
                chunk = args.calls // args.rounds
                measured = timed(echo.call, chunk)
                if round_number:
                    samples["pika"] += measured
                for label, (client_variant, call) in calls.items():
                    variants.apply(client_variant)
                    measured = timed(call, chunk)
                    if round_number:
                        samples[label] += measured
                variants.apply("default")
        finally:
            variants.apply("default")
            for pool in pools.values():
                pool.close()
            echo.close()
        pika = Latency.of(samples.pop("pika"))
        rows = [["raw pika echo", pika.median_us, pika.p95_us, 1.0]]
        for label, values in samples.items():
            latency = Latency.of(values)
            rows.append([label, latency.median_us, latency.p95_us,
                         ratio(latency.median_us, pika.median_us)])
        print(table(["case", "median µs", "p95 µs", "/ pika"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
