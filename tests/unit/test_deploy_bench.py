"""The benchmark's own pieces: same server settings for both pages, honest counting."""
import http.server
import threading
from pathlib import Path

import pytest

from bench import load, web
from bench.hello_app import app as hello_app
from bench.stats import Latency, ratio, table
from deploy import procfile

ROOT = Path(__file__).resolve().parents[2]

WRK_REPORT = """Running 8s test @ http://127.0.0.1:4000/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.01ms    1.10ms  30.00ms   90.00%
  35800 requests in 8.00s, 5.90MB read
Requests/sec:   4475.00
Transfer/sec:    755.00KB
"""


def test_hello_world_runs_under_the_gateways_exact_gunicorn_command():
    (gateway,) = [p for p in procfile.load(ROOT / "Procfile") if p.name == "gateway"]
    portal, hello = web.gunicorn_argv(), web.gunicorn_argv(web.HELLO_APP)
    assert Path(portal[0]).name == "gunicorn" == Path(hello[0]).name
    assert portal[1:] == gateway.argv[1:]
    assert hello[1:-1] == gateway.argv[1:-1] and hello[-1] == "bench.hello_app:app"
    assert "--config" in hello


def test_hello_app_says_hello():
    answer = hello_app.test_client().get("/")
    assert answer.status_code == 200 and answer.text == "Hello, world!"


def test_latency_median_and_p95():
    latency = Latency.of([i * 1000 for i in range(1, 101)])  # 1..100 µs
    assert latency.calls == 100
    assert latency.median_us == pytest.approx(50.5)
    assert latency.p95_us == pytest.approx(95)
    assert ratio(3, 2) == 1.5
    with pytest.raises(ValueError):
        Latency.of([])


def test_table_aligns_columns():
    lines = table(["what", "µs"], [["pika", 712.3], ["rpc", 3593.0]]).splitlines()
    assert lines[0].startswith("what") and set(lines[1]) <= {"-", " "}
    assert lines[3].endswith("3,593.0") and len({len(line) for line in lines}) == 1


def test_wrk_report_is_read_and_failures_refused():
    result = load.parse_wrk(WRK_REPORT)
    assert result.requests == 35800 and result.per_second == pytest.approx(4475)
    with pytest.raises(RuntimeError, match="failures"):
        load.parse_wrk(WRK_REPORT + "  Non-2xx or 3xx responses: 12\n")
    with pytest.raises(RuntimeError, match="failures"):
        load.parse_wrk(WRK_REPORT + "  Socket errors: connect 0, read 3, write 0, timeout 0\n")


class _Pages(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"ok"
        self.send_response(200 if "session=yes" in self.headers.get("Cookie", "") else 302)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_python_load_counts_every_request_and_refuses_redirects(site):
    result = load.run("python", site, {"session": "yes"}, 40, 4, 1.0)
    assert result.requests == 40 and result.per_second > 0
    with pytest.raises(RuntimeError, match="HTTP 302"):
        load.run("python", site, {}, 8, 2, 1.0)
