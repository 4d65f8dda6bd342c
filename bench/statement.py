"""(3) Statement scaling: the streamed print view and billing's page walk, 10k vs 100k rows.

Two customers of the loaded organization get a history of N statement movements
each (bench/dataset.py ``statement_history``). For each:

- the whole print view ``/portal/<slug>/statement/print`` (range custom, from the
  first movement to today) through the real gateway process, timed to its last
  byte, while the gateway workers' memory is sampled from /proc (VmRSS every few
  milliseconds, and VmHWM, the kernel's own peak, after);
- billing's ``statement_page`` walked page by page over RPC (no gateway), as the
  print view does, with the same page size.

Linear work means t(100k) / t(10k) close to 10; the print view holds one page of
movements at a time, so the worker's memory should not grow with the statement.
"""
import statistics
import threading
import time
from dataclasses import dataclass, field

import requests

from . import procfs
from .dashboard import SESSION_COOKIE, start_gateway
from .procfs import status_kib
from .stats import ratio, table

PRINT_PAGE_ROWS = 500  # the print view's page size (gateway/gateway/portal/statements.py)
LINEAR_LIMIT = 12.0


@dataclass
class Memory:
    """One gateway worker's resident memory, KiB."""
    pid: int
    before: int
    peak: int  # highest VmRSS sampled during the request
    hwm: int   # VmHWM after the request: the kernel's peak since the worker started

    @property
    def growth(self) -> int:
        return self.peak - self.before


@dataclass
class PrintTiming:
    seconds: list[float] = field(default_factory=list)
    headers: list[float] = field(default_factory=list)  # time to the response headers
    bytes: int = 0
    rows: int = 0
    memory: list[Memory] = field(default_factory=list)


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the master's child processes."""
    return procfs.children(master)


class MemorySampler:
    """Samples every worker's VmRSS in a thread while the request runs."""

    def __init__(self, pids: list[int], interval: float = 0.005):
        self.pids = pids
        self.interval = interval
        self.before = {pid: status_kib(pid, "VmRSS") for pid in pids}
        self.peak = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], status_kib(pid, "VmRSS"))
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def serving_worker(self) -> Memory:
        """The worker that grew the most is the one that served the request."""
        pid = max(self.pids, key=lambda p: self.peak[p] - self.before[p])
        return Memory(pid, self.before[pid], self.peak[pid], status_kib(pid, "VmHWM"))


def fetch_print(url: str, token: str, params: dict) -> tuple[float, float, int, int]:
    """GET the print view to its last byte: (seconds, seconds to the response headers,
    bytes, ``<tr`` rows). A streamed response sends its headers with its first rows."""
    began = time.perf_counter()
    size = rows = 0
    tail = b""
    with requests.get(url, params=params, cookies={SESSION_COOKIE: token}, stream=True,
                      timeout=600, allow_redirects=False) as answer:
        headers = time.perf_counter() - began
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.url} answered {answer.status_code}")
        for chunk in answer.iter_content(chunk_size=65536):
            size += len(chunk)
            window = tail + chunk
            rows += window.count(b"<tr") - tail.count(b"<tr")
            tail = window[-3:]
    return time.perf_counter() - began, headers, size, rows


def measure_print(run, org, customers: list, rounds: int) -> dict:
    """The print view of each statement customer, interleaved rounds, memory sampled."""
    base = start_gateway(run)
    master = next(p.pid for name, p in run.processes.running if name == "gateway")
    url = f"{base}/portal/{org.slug}/statement/print"
    results = {c.movements: PrintTiming() for c in customers}
    fetch_print(url, customers[0].token, customers[0].params)  # warm-up (templates, pools)
    for _ in range(rounds):
        for customer in customers:
            run.processes.check_alive()
            sampler = MemorySampler(worker_pids(master))
            with sampler:
                seconds, headers, size, rows = fetch_print(url, customer.token, customer.params)
            timing = results[customer.movements]
            timing.seconds.append(seconds)
            timing.headers.append(headers)
            timing.bytes, timing.rows = size, rows
            timing.memory.append(sampler.serving_worker())
    return results


def walk_pages(pool, org_id: str, customer, limit: int) -> tuple[float, int, int]:
    """billing.statement_page from the first page to the last: (seconds, pages, movements)."""
    query = {**customer.query, "limit": limit}
    began = time.perf_counter()
    pages = movements = 0
    while True:
        page = pool.call("billing", "statement_page", org_id, customer.customer_id, query)
        pages += 1
        movements += len(page["movements"])
        if not page.get("next_cursor"):
            break
        query = {**query, "cursor": page["next_cursor"]}
    return time.perf_counter() - began, pages, movements


def measure_rpc(run, org, customers: list, rounds: int, limit: int) -> dict:
    from gateway.rpc import RpcClientPool
    pool = RpcClientPool(run.amqp_uri, size=1, timeout=120)
    results = {c.movements: {"seconds": []} for c in customers}
    try:
        walk_pages(pool, org.id, customers[0], limit)  # warm-up
        for _ in range(rounds):
            for customer in customers:
                seconds, pages, movements = walk_pages(pool, org.id, customer, limit)
                results[customer.movements].update(pages=pages, movements=movements)
                results[customer.movements]["seconds"].append(seconds)
    finally:
        pool.close()
    return results


def report(printed: dict, walked: dict, limit: int) -> dict:
    sizes = sorted(printed)
    small, large = sizes[0], sizes[-1]
    rows = []
    for size in sizes:
        timing = printed[size]
        memory = max(timing.memory, key=lambda m: m.peak)
        rows.append([f"{size:,} movements", statistics.median(timing.seconds),
                     statistics.median(timing.headers), timing.bytes / 2**20,
                     f"{timing.rows:,}", memory.before / 1024, memory.peak / 1024,
                     memory.hwm / 1024])
    print(table(["print view (gateway)", "median s", "headers s", "MiB sent", "<tr> rows",
                 "RSS before MiB", "RSS peak MiB", "VmHWM MiB"], rows))
    print_ratio = ratio(statistics.median(printed[large].seconds),
                        statistics.median(printed[small].seconds))
    verdict = "linear" if print_ratio <= LINEAR_LIMIT else "WORSE than linear"
    print(f"print view t({large:,}) / t({small:,}): {print_ratio:.2f} "
          f"({verdict}; linear is <= {LINEAR_LIMIT:g})")
    rows = []
    for size in sizes:
        walk = walked[size]
        rows.append([f"{size:,} movements", statistics.median(walk["seconds"]), walk["pages"],
                     f"{walk['movements']:,}",
                     1000 * statistics.median(walk["seconds"]) / walk["pages"]])
    print(table([f"billing.statement_page walk (RPC, limit {limit})", "median s", "pages",
                 "movements", "ms / page"], rows))
    rpc_ratio = ratio(statistics.median(walked[large]["seconds"]),
                      statistics.median(walked[small]["seconds"]))
    print(f"statement_page walk t({large:,}) / t({small:,}): {rpc_ratio:.2f}")
    for size in sizes:
        rest = statistics.median(printed[size].seconds) - statistics.median(walked[size]["seconds"])
        print(f"{size:,}: print view time beyond billing's page walk (gateway rendering, "
              f"sending): {rest:.2f} s, {1e6 * rest / size:.0f} µs per movement")
    for size in sizes:
        if walked[size]["movements"] != size:
            print(f"NOTE: billing returned {walked[size]['movements']:,} movements for the "
                  f"customer loaded with {size:,}")
    large_memory = max(printed[large].memory, key=lambda m: m.peak)
    print(f"gateway worker while serving {large:,}: RSS {large_memory.before / 1024:.1f} MiB "
          f"before, {large_memory.peak / 1024:.1f} MiB peak "
          f"(+{large_memory.growth / 1024:.1f} MiB)\n")
    return {"print": print_ratio, "rpc": rpc_ratio,
            "rss_peak_mib": large_memory.peak / 1024,
            "rss_growth_mib": large_memory.growth / 1024}
