"""(2) The portal home page (the customer's dashboard) under load, against hello-world.

The home page is requested as the logged-in contact of a customer chosen at
random for every request among the loaded ones (bench/dataset.py: 1,000
customers with 50 invoices each by default), so billing's figures, identity's
session and profile and the quotes and timesheets counts are all read for
customers spread over the whole data set, not one hot customer. The baseline is
the hello-world Flask app under the same gunicorn command (bench/web.py).
"""
import random
import statistics
import time

import requests
from nameko.exceptions import MethodNotFound

from . import load, procfs, web
from .processes import wait_until
from .stats import ratio, table

SESSION_COOKIE = "portal_session"  # gateway config PORTAL_SESSION_COOKIE's default


def start_gateway(run) -> str:
    """The gateway under the Procfile's command; one per run, shared by the sections."""
    if run.gateway_base is None:
        base = web.start(run, "gateway")
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 60, "gateway")
        run.gateway_base = base
    return run.gateway_base


def check_pages(base: str, org, samples: int = 5) -> None:
    """A few random customers' home pages are theirs (their name on it, answer 200), and a
    login through the portal's own form works for a loaded contact."""
    home = f"{base}/portal/{org.slug}/"
    for customer in random.sample(org.customers, min(samples, len(org.customers))):
        web.check_page(home, {SESSION_COOKIE: customer.token}, customer.name)
    first = org.customers[0]
    cookies = web.log_in(base, org.slug, first.email, org.password)
    web.check_page(home, cookies, first.name)


def measure(run, org, args) -> dict:
    portal = start_gateway(run)
    hello = web.start(run, "hello", web.HELLO_APP)
    wait_until(lambda: requests.get(f"{hello}/", timeout=2).ok, 60, "hello app")
    check_pages(portal, org)
    web.check_page(f"{hello}/", {}, "Hello, world!")
    jars = [{SESSION_COOKIE: c.token} for c in org.customers]
    servers = [("hello-world Flask", f"{hello}/", {}),
               ("portal home page", f"{portal}/portal/{org.slug}/", jars)]
    print(f"load: {load.describe(args.load, args.requests, args.concurrency, args.duration)}, "
          f"interleaved {args.web_rounds} times; home page as a random one of "
          f"{len(jars):,} logged-in customers per request")
    for _, url, cookies in servers:  # warm-up: imports, templates, pools, database caches
        load.run(args.load, url, cookies, 200, args.concurrency, 3.0)
    results = {name: [] for name, _, _ in servers}
    cpu = CpuShare(run, exclude=("hello",))
    for _ in range(args.web_rounds):
        for name, url, cookies in servers:
            run.processes.check_alive()
            if name == "portal home page":
                cpu.start()
            results[name].append(load.run(args.load, url, cookies, args.requests,
                                          args.concurrency, args.duration).per_second)
            if name == "portal home page":
                cpu.stop()
    results["cpu"] = cpu.shares()
    return results


class CpuShare:
    """CPU time used while the home page was under load, per process the run started (with
    its children: gunicorn's workers), plus the shared RabbitMQ and PostgreSQL servers and
    the whole machine (which includes wrk and any other work on it)."""

    def __init__(self, run, exclude=()):
        self.groups = {name: process.pid for name, process in run.processes.running
                       if name not in exclude}
        self.used: dict[str, float] = {}
        self.wall = 0.0
        self._mark = None

    def _sample(self) -> dict:
        found = {name: sum(procfs.cpu_seconds(p) for p in procfs.tree(pid))
                 for name, pid in self.groups.items()}
        found["RabbitMQ server (shared)"] = sum(map(procfs.cpu_seconds,
                                                    procfs.named("beam.smp")))
        found["PostgreSQL server (shared)"] = sum(map(procfs.cpu_seconds,
                                                      procfs.named("postgres")))
        found["whole machine"] = procfs.machine_busy_seconds()[0]
        return found

    def start(self) -> None:
        self._mark = (time.monotonic(), self._sample())

    def stop(self) -> None:
        began, before = self._mark
        after = self._sample()
        self.wall += time.monotonic() - began
        for name, value in after.items():
            self.used[name] = self.used.get(name, 0.0) + value - before.get(name, 0.0)

    def shares(self) -> dict:
        """Percent of one CPU, averaged over the measured time."""
        return {name: 100 * used / self.wall for name, used in self.used.items()}


def report(results: dict) -> float:
    cpu = results.pop("cpu")
    rows = [[name, statistics.median(rates), " ".join(f"{r:.0f}" for r in rates)]
            for name, rates in results.items()]
    print(table(["page (same gunicorn settings)", "median req/s", "each round"], rows))
    print(table(["CPU while the home page was under load", "% of one CPU"],
                [[name, share] for name, share in cpu.items()]))
    portal = statistics.median(results["portal home page"])
    hello = statistics.median(results["hello-world Flask"])
    value = ratio(portal, hello)
    print(f"portal home / hello-world throughput: {value:.3f} "
          f"(hello-world is {ratio(hello, portal):.1f}x faster)")
    return value


REFERENCE = [("identity", "health", ())]


def home_calls(org, customer) -> list[tuple[str, str, tuple]]:
    """The RPC calls the home page makes for one customer (gateway/gateway/portal)."""
    return [
        ("identity", "resolve_session", (org.slug, customer.token)),
        ("identity", "get_portal_profile", (org.id, customer.customer_id)),
        ("billing", "dashboard_figures", (org.id, customer.customer_id, "EUR")),
        ("quotes", "count_awaiting_approval", (org.id, customer.customer_id)),
        ("timesheets", "count_awaiting_approval", (org.id, customer.customer_id)),
    ]


def measure_calls(run, org, samples: int = 200) -> dict:
    """Each of the home page's RPC calls alone, sequentially, for random customers (no
    other load): median and p95 milliseconds; None for a method a service lacks.
    identity.health (a bare RPC with ``SELECT 1``), timed in the same rounds, is the
    reference for what any call costs on the machine at that moment."""
    from gateway.rpc import RpcClientPool
    pool = RpcClientPool(run.amqp_uri, size=1, timeout=30)
    chooser = random.Random(7)
    timings: dict[str, list[float] | None] = {
        f"{service}.{method}": [] for service, method, _ in home_calls(org, org.customers[0])
        + REFERENCE}
    try:
        for round_ in range(samples + 20):  # the first 20 warm up
            customer = chooser.choice(org.customers)
            for service, method, call_args in home_calls(org, customer) + REFERENCE:
                name = f"{service}.{method}"
                if timings[name] is None:
                    continue
                began = time.perf_counter()
                try:
                    pool.call(service, method, *call_args)
                except MethodNotFound:
                    timings[name] = None
                    continue
                if round_ >= 20:
                    timings[name].append((time.perf_counter() - began) * 1000)
    finally:
        pool.close()
    return timings


def report_calls(timings: dict) -> None:
    rows = []
    for name, values in timings.items():
        if values is None:
            rows.append([name, "n/a", "n/a"])
            continue
        ordered = sorted(values)
        rows.append([name, statistics.median(ordered),
                     ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]])
    rows[-1][0] += " (reference)"
    print(table(["home page RPC alone (sequential, random customer)", "median ms", "p95 ms"],
                rows))
    print()
