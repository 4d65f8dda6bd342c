"""A bounded HTTP load from loopback: wrk when installed, else a Python thread pool.

Each Python thread keeps one requests.Session (keep-alive, like a browser)
and sends its share of a fixed number of GETs; any answer other than 200
fails the run. wrk runs for a fixed time with the same number of connections
(its "Non-2xx or 3xx responses" also fail the run).

``cookies`` is one browser's cookies, or a list of them: then every request
is sent with the cookies of one of them chosen at random (many customers
logged in at once; wrk does it with a Lua ``request`` function).
"""
import json
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class Throughput:
    requests: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def tool(choice: str = "auto") -> str:
    """``auto``: wrk when it is on PATH (``apt-get install wrk``), else Python."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --load python")
    return choice


def describe(choice: str, requests_total: int, concurrency: int, duration: float) -> str:
    if tool(choice) == "wrk":
        return f"wrk, {concurrency} connections, 2 threads, {duration:g}s per measurement"
    return (f"Python thread pool (requests.Session per thread), {concurrency} threads, "
            f"{requests_total} requests per measurement")


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def run(choice: str, url: str, cookies: dict | list[dict], requests_total: int,
        concurrency: int, duration: float) -> Throughput:
    jars = cookies if isinstance(cookies, list) else [cookies]
    if tool(choice) == "wrk":
        return _wrk(url, jars, concurrency, duration)
    return _threads(url, jars, requests_total, concurrency)


def _threads(url: str, jars: list[dict], total: int, concurrency: int) -> Throughput:
    shares = [total // concurrency + (1 if i < total % concurrency else 0)
              for i in range(concurrency)]
    failures: list[str] = []
    start_line = threading.Barrier(concurrency + 1)

    headers = [{"Cookie": cookie_header(jar)} if jar else {} for jar in jars]

    def worker(count: int) -> None:
        chooser = random.Random()
        with requests.Session() as session:
            start_line.wait()
            for _ in range(count):
                try:
                    answer = session.get(url, headers=chooser.choice(headers),
                                         allow_redirects=False, timeout=30)
                except requests.RequestException as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    return
                if answer.status_code != 200:
                    failures.append(f"HTTP {answer.status_code}")
                    return

    threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{url}: {len(failures)} failed requests, e.g. {failures[0]}")
    return Throughput(total, elapsed)


def _wrk(url: str, jars: list[dict], concurrency: int, duration: float) -> Throughput:
    argv = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{duration:g}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-cookies-") as script:
        if len(jars) > 1:
            script.write(wrk_script([cookie_header(jar) for jar in jars]))
            script.flush()
            argv += ["-s", script.name]
        elif jars[0]:
            argv += ["-H", "Cookie: " + cookie_header(jars[0])]
        output = subprocess.run(argv + [url], capture_output=True, text=True, check=True,
                                timeout=duration + 30).stdout
    return parse_wrk(output, url)


def wrk_script(cookie_headers: list[str]) -> str:
    """A wrk Lua script sending each request with one of these Cookie headers, at random."""
    entries = ",\n".join(f"  {json.dumps(value)}" for value in cookie_headers)
    return ("local cookies = {\n" + entries + "\n}\n"
            "function init(args)\n"
            "  math.randomseed(os.time() + math.floor(os.clock() * 1000000))\n"
            "end\n"
            "function request()\n"
            "  return wrk.format(nil, nil, {Cookie = cookies[math.random(#cookies)]})\n"
            "end\n")


def parse_wrk(output: str, url: str = "") -> Throughput:
    """Requests and elapsed time from wrk's report; failures of any kind raise."""
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output) or "Socket errors:" in output:
        raise RuntimeError(f"wrk saw failures against {url}:\n{output}")
    total = int(re.search(r"(\d+) requests in", output).group(1))
    seconds = _seconds(re.search(r"requests in ([\d.]+\w+),", output).group(1))
    return Throughput(total, seconds)


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
