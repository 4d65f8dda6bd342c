"""What transient RPC messages do to the home page: ``.venv/bin/python bench/investigate_home.py``.

Two complete stacks side by side, each with its own vhost and databases:
identity and the gateway as the Procfile runs them, and the same two with the
change prototyped in bench/transient_rpc.py. Each home page (logged in) is
loaded in turn, in alternating order, and the medians compared.
"""
import argparse
import statistics
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench import load, session, web  # noqa: E402
from bench.processes import wait_until  # noqa: E402
from bench.stats import ratio, table  # noqa: E402

TRANSIENT_CONFIG = "bench/gunicorn_transient.conf.py"


def stack(run, transient: bool) -> tuple[str, dict]:
    """identity and a gateway on this run's vhost; returns (home page URL, cookies)."""
    run.migrate()
    if transient:
        run.start_services(["identity"], argv=lambda s: [sys.executable, "-m",
                                                         "bench.transient_service", s])
    else:
        run.start_services(["identity"])
    argv = web.gunicorn_argv()
    if transient:
        argv[argv.index("--config") + 1] = TRANSIENT_CONFIG
    port = web.free_port()
    run.processes.start("gateway", argv, {"GATEWAY_BIND": f"127.0.0.1:{port}",
                                          "PORTAL_COOKIE_SECURE": "0"})
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 60, "gateway")
    demo = web.seed(run, password="Bench-home-a1b2c3")
    slug = demo["portal_url"].rstrip("/").rsplit("/", 1)[1]
    cookies = web.log_in(base, slug, demo["email"], demo["password"])
    home = f"{base}/portal/{slug}/"
    web.check_page(home, cookies, web.HOME_PAGE_TEXT)
    return home, cookies


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--max-seconds", type=int, default=600)
    args = parser.parse_args(argv)
    session.bound_run_time(args.max_seconds)
    with session.run() as default_run:
        pages = {"nameko defaults": stack(default_run, transient=False)}
        with session.run() as transient_run:
            pages["transient RPC messages"] = stack(transient_run, transient=True)
            print(f"load: {load.describe(args.load, args.requests, args.concurrency, args.duration)}")
            for url, cookies in pages.values():
                load.run(args.load, url, cookies, 100, args.concurrency, 2.0)
            rates = {name: [] for name in pages}
            for round_number in range(args.rounds):
                order = list(pages.items())
                if round_number % 2:
                    order.reverse()
                for name, (url, cookies) in order:
                    rates[name].append(load.run(args.load, url, cookies, args.requests,
                                                args.concurrency, args.duration).per_second)
    base = statistics.median(rates["nameko defaults"])
    print(table(["home page", "median req/s", "each round", "/ defaults"],
                [[name, statistics.median(values), " ".join(f"{v:.0f}" for v in values),
                  ratio(statistics.median(values), base)] for name, values in rates.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
