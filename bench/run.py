"""The benchmark: ``make bench`` (or ``.venv/bin/python bench/run.py --help``).

Everything runs on this machine against a throw-away RabbitMQ vhost and
throw-away databases; every process it starts and the vhost are removed at
the end. Figures are ratios against a baseline measured in the same run.
"""
import argparse
import datetime
import os
import shutil
import statistics
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, roundtrip, session, web  # noqa: E402
from bench.stats import ratio, table  # noqa: E402

RPC_TARGET = 2.0


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Portal benchmark (ratios against baselines)")
    parser.add_argument("--calls", type=int, default=2000,
                        help="timed RPC round trips of each kind (default 2000)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4,
                        help="interleaved rounds per RPC measurement (default 4)")
    parser.add_argument("--requests", type=int, default=2000,
                        help="HTTP requests per load measurement (Python client; default 2000)")
    parser.add_argument("--duration", type=float, default=8.0,
                        help="seconds per load measurement (wrk; default 8)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (auto: wrk if installed, else Python threads)")
    parser.add_argument("--web-rounds", type=int, default=3,
                        help="interleaved load measurements of each server (default 3)")
    parser.add_argument("--skip-web", action="store_true", help="only the RPC round trips")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy every process's log here")
    parser.add_argument("--max-seconds", type=int, default=600,
                        help="give up (and clean up) after this long (default 600)")
    return parser.parse_args(argv)


def machine() -> str:
    return (f"{os.cpu_count()} CPUs (nproc), Python {sys.version.split()[0]}, "
            f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")


def report_rpc(latency: dict) -> float:
    pika, rpc, echo = latency["pika"], latency["rpc"], latency["nameko_echo"]
    print(table(["round trip (sequential)", "calls", "median µs", "p95 µs", "/ pika"], [
        ["pika echo (raw RabbitMQ)", pika.calls, pika.median_us, pika.p95_us, 1.0],
        ["RpcClientPool -> identity.health", rpc.calls, rpc.median_us, rpc.p95_us,
         ratio(rpc.median_us, pika.median_us)],
        ["RpcClientPool -> nameko echo (no db)", echo.calls, echo.median_us, echo.p95_us,
         ratio(echo.median_us, pika.median_us)],
    ]))
    value = ratio(rpc.median_us, pika.median_us)
    verdict = "within" if value <= RPC_TARGET else "ABOVE"
    print(f"RPC / raw ratio of medians (identity.health): {value:.2f} "
          f"({verdict} the {RPC_TARGET:.1f} target)\n")
    return value


def measure_web(run, args) -> dict:
    portal, hello, cookies = web.start_servers(run)
    print(f"load: {load.describe(args.load, args.requests, args.concurrency, args.duration)}, "
          f"interleaved {args.web_rounds} times")
    servers = [(hello, {}), (portal, cookies)]
    for server, jar in servers:  # warm-up: imports, templates, pools
        load.run(args.load, server.url, jar, 200, args.concurrency, 2.0)
    results = {server.name: [] for server, _ in servers}
    for _ in range(args.web_rounds):
        for server, jar in servers:
            run.processes.check_alive()
            results[server.name].append(load.run(args.load, server.url, jar, args.requests,
                                                 args.concurrency, args.duration).per_second)
    return results


def report_web(results: dict) -> float:
    rows = []
    for name, rates in results.items():
        rows.append([name, statistics.median(rates), " ".join(f"{r:.0f}" for r in rates)])
    print(table(["page (same gunicorn settings)", "median req/s", "each round"], rows))
    portal = statistics.median(results["portal home page"])
    hello = statistics.median(results["hello-world Flask"])
    value = ratio(portal, hello)
    print(f"portal home / hello-world throughput: {value:.3f} "
          f"(hello-world is {ratio(hello, portal):.1f}x faster)")
    return value


def report_breakdown(run) -> None:
    """Where a home page's time goes, from the gateway's own request log lines."""
    found = web.home_breakdown(run.scratch / "gateway.log")
    if found:
        print(f"home page, median over {found['pages']} requests (gateway log): "
              f"{found['duration_ms']:.1f} ms in the gateway, of which {found['rpc_ms']:.1f} ms "
              f"waiting on {found['rpc_calls']:g} RPC calls\n")


def keep_logs(run, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for log in run.scratch.glob("*.log"):
        shutil.copy(log, target / log.name)
    print(f"logs copied to {target}")


def main(argv=None) -> int:
    args = parse_args(argv)
    session.bound_run_time(args.max_seconds)
    with session.run() as run:
        print(f"machine: {machine()}")
        print(f"broker: RabbitMQ vhost {run.vhost.name}; databases: {run.databases.kind}\n")
        summary = []
        try:
            run.migrate()
            run.start_services()
            rpc = report_rpc(roundtrip.measure(run.processes, run.amqp_uri, args.calls,
                                               args.warmup, args.rounds))
            summary.append([f"RPC identity.health / raw pika (target <= {RPC_TARGET:.1f})", rpc])
            if not args.skip_web:
                home = report_web(measure_web(run, args))
                report_breakdown(run)
                summary.append(["portal home / hello-world, requests per second", home])
            print(table(["summary (ratios measured in this run)", "ratio"],
                        [[name, f"{value:.3f}"] for name, value in summary]))
        finally:
            if args.keep_logs:
                keep_logs(run, Path(args.keep_logs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
