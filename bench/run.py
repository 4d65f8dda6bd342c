"""The benchmark: ``make bench`` (or ``.venv/bin/python bench/run.py --help``).

Everything runs on this machine against a throw-away RabbitMQ vhost and
throw-away databases; every process it starts and the vhost are removed at
the end. Figures are ratios against a baseline measured in the same run.

Sections (``--only`` picks some): ``rpc`` (round trip against raw RabbitMQ),
``dashboard`` (the portal home page of 1,000 loaded customers against
hello-world), ``statement`` (10k vs 100k movements: print view, memory,
billing's page walk) and ``pay`` (pay now through the whole system against
localstripe's own PaymentIntent create-and-confirm). The dashboard and statement
share the data loaded by bench/dataset.py; ``pay`` makes its own organization.
"""
import argparse
import datetime
import os
import shutil
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dashboard, dataset, pay, roundtrip, session, statement, web  # noqa: E402
from bench.stats import ratio, table  # noqa: E402

RPC_TARGET = 2.0
SECTIONS = ("rpc", "dashboard", "statement", "pay")
DEFAULT_SECTIONS = SECTIONS


def sections(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in SECTIONS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"choose among {', '.join(SECTIONS)} (comma-separated), not {text!r}")
    return chosen


def sizes(text: str) -> list[int]:
    try:
        values = sorted(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"comma-separated numbers, not {text!r}") from None
    if len(values) != 2 or values[0] < 1:
        raise argparse.ArgumentTypeError("two sizes, a small and a large one")
    return values


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
    parser.add_argument("--only", type=sections, default=list(DEFAULT_SECTIONS),
                        help=f"sections to run, comma-separated, among {','.join(SECTIONS)} "
                             f"(default {','.join(DEFAULT_SECTIONS)})")
    parser.add_argument("--skip-web", action="store_true",
                        help="only the RPC round trips (same as --only rpc)")
    parser.add_argument("--customers", type=int, default=1000,
                        help="customers loaded, each with a logged-in contact (default 1000)")
    parser.add_argument("--invoices", type=int, default=50,
                        help="invoices per customer (default 50)")
    parser.add_argument("--statement-sizes", type=sizes, default=[10_000, 100_000],
                        metavar="SMALL,LARGE",
                        help="statement movements of the two customers (default 10000,100000)")
    parser.add_argument("--statement-years", type=int, default=6,
                        help="years the statement histories span (default 6)")
    parser.add_argument("--statement-rounds", type=int, default=3,
                        help="interleaved timings of each statement (default 3)")
    parser.add_argument("--statement-limit", type=int, default=statement.PRINT_PAGE_ROWS,
                        help="movements per billing.statement_page call in the RPC walk "
                             f"(default {statement.PRINT_PAGE_ROWS}, the print view's)")
    parser.add_argument("--payments", type=int, default=60,
                        help="timed pay-now payments, and as many localstripe "
                             "create-and-confirm calls (default 60)")
    parser.add_argument("--pay-rounds", type=int, default=3,
                        help="interleaved rounds of the pay measurement (default 3)")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy every process's log here")
    parser.add_argument("--max-seconds", type=int, default=900,
                        help="give up (and clean up) after this long (default 900)")
    args = parser.parse_args(argv)
    if args.skip_web:
        args.only = ["rpc"]
    return args


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


def report_breakdown(run) -> None:
    """Where a home page's time goes, from the gateway's own request log lines."""
    found = web.home_breakdown(run.scratch / "gateway.log")
    if found:
        print(f"home page, median over {found['pages']} requests (gateway log): "
              f"{found['duration_ms']:.1f} ms in the gateway, of which {found['rpc_ms']:.1f} ms "
              f"waiting on {found['rpc_calls']:g} RPC calls\n")


def run_pay(run, args) -> float:
    """The pay section with its own localstripe, stopped whatever happens."""
    from tests.support.localstripe import Localstripe
    gateway = Localstripe().start()
    try:
        print(f"localstripe {gateway.url} (--from-scratch) is the organization's gateway")
        return pay.report(pay.measure(run, gateway, args.payments, args.pay_rounds))
    finally:
        gateway.stop()


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
        print(f"broker: RabbitMQ vhost {run.vhost.name}; databases: {run.databases.kind}; "
              f"sections: {', '.join(args.only)}\n")
        summary = []
        try:
            run.migrate()
            if "dashboard" in args.only or "statement" in args.only:
                if run.databases.kind != "postgresql":
                    raise SystemExit("the dashboard and statement sections need PostgreSQL "
                                     "(BENCH_POSTGRES_URL)")
                org, histories = dataset.load(
                    run.databases.urls, args.customers, args.invoices,
                    args.statement_sizes if "statement" in args.only else [],
                    args.statement_years)
                print()
            run.start_services()
            if "rpc" in args.only:
                rpc = report_rpc(roundtrip.measure(run.processes, run.amqp_uri, args.calls,
                                                   args.warmup, args.rounds))
                summary.append([f"RPC identity.health / raw pika (target <= {RPC_TARGET:.1f})",
                                f"{rpc:.3f}"])
            if "dashboard" in args.only:
                home = dashboard.report(dashboard.measure(run, org, args))
                report_breakdown(run)
                dashboard.report_calls(dashboard.measure_calls(run, org))
                summary.append(["portal home / hello-world, requests per second",
                                f"{home:.3f}"])
            if "statement" in args.only:
                small, large = args.statement_sizes
                printed = statement.measure_print(run, org, histories, args.statement_rounds)
                walked = statement.measure_rpc(run, org, histories, args.statement_rounds,
                                               args.statement_limit)
                found = statement.report(printed, walked, args.statement_limit)
                summary += [
                    [f"statement print view t({large:,}) / t({small:,}) "
                     f"(linear <= {statement.LINEAR_LIMIT:g})", f"{found['print']:.2f}"],
                    [f"billing.statement_page walk t({large:,}) / t({small:,})",
                     f"{found['rpc']:.2f}"],
                    [f"gateway worker RSS peak serving {large:,} (MiB)",
                     f"{found['rss_peak_mib']:.1f} (+{found['rss_growth_mib']:.1f})"]]
            if "pay" in args.only:
                summary.append(["pay now (saved card) / localstripe create+confirm, medians",
                                f"{run_pay(run, args):.2f}"])
            print(table(["summary (measured in this run)", "value"], summary))
        finally:
            if args.keep_logs:
                keep_logs(run, Path(args.keep_logs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
