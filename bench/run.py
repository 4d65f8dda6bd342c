"""The benchmark: ``make bench`` (or ``.venv/bin/python bench/run.py --help``).

Everything runs on this machine against a throw-away RabbitMQ vhost and
throw-away databases; every process it starts and the vhost are removed at
the end. Figures are ratios against a baseline measured in the same run.
"""
import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import roundtrip, session  # noqa: E402
from bench.stats import ratio, table  # noqa: E402

RPC_TARGET = 2.0


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Portal benchmark (ratios against baselines)")
    parser.add_argument("--calls", type=int, default=2000,
                        help="timed RPC round trips of each kind (default 2000)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4,
                        help="interleaved rounds per measurement (default 4)")
    return parser.parse_args(argv)


def machine() -> str:
    return (f"{os.cpu_count()} CPUs (nproc), Python {sys.version.split()[0]}, "
            f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")


def report_rpc(latency: dict) -> float:
    pika, rpc = latency["pika"], latency["rpc"]
    print(table(["round trip (sequential)", "calls", "median µs", "p95 µs"], [
        ["pika echo (raw RabbitMQ)", pika.calls, pika.median_us, pika.p95_us],
        ["RpcClientPool -> identity.health", rpc.calls, rpc.median_us, rpc.p95_us],
    ]))
    value = ratio(rpc.median_us, pika.median_us)
    verdict = "within" if value <= RPC_TARGET else "ABOVE"
    print(f"RPC / raw ratio of medians: {value:.2f} ({verdict} the {RPC_TARGET:.1f} target)\n")
    return value


def main(argv=None) -> int:
    args = parse_args(argv)
    with session.run() as run:
        print(f"machine: {machine()}")
        print(f"broker: RabbitMQ vhost {run.vhost.name}; databases: {run.databases.kind}\n")
        run.migrate()
        run.start_services()
        report_rpc(roundtrip.measure(run.processes, run.amqp_uri, args.calls, args.warmup,
                                     args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
