"""The benchmark's own pieces: same server settings for both pages, honest counting."""
import datetime
import http.server
import os
import random
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, MetaData, String, Table

from billing import models as billing_models
from billing.models import CreditApplication, CreditNote, Invoice, Payment, PaymentApplication
from bench import bulk, dataset, ledger, load, procfs, run, statement, web
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


def test_python_load_sends_each_request_as_one_of_several_browsers(site):
    logged_in = [{"session": "yes"}, {"session": "yes", "lang": "es"}]
    assert load.run("python", site, logged_in, 30, 3, 1.0).requests == 30
    with pytest.raises(RuntimeError, match="HTTP 302"):  # one of them is not logged in
        load.run("python", site, logged_in + [{"session": "no"}] * 8, 60, 3, 1.0)


def test_wrk_script_picks_one_cookie_header_per_request():
    script = load.wrk_script(["portal_session=abc", "portal_session=d-e_f"])
    assert '"portal_session=abc",\n  "portal_session=d-e_f"' in script
    assert "function request()" in script and "math.random(#cookies)" in script


def test_sections_and_sizes_options():
    args = run.parse_args([])
    assert args.only == ["rpc", "dashboard", "statement", "pay"]
    assert (args.customers, args.invoices, args.statement_sizes) == (1000, 50, [10_000, 100_000])
    args = run.parse_args(["--only", "dashboard,statement", "--statement-sizes", "500,50",
                           "--customers", "20"])
    assert args.only == ["dashboard", "statement"] and args.statement_sizes == [50, 500]
    assert run.parse_args(["--skip-web"]).only == ["rpc"]
    for wrong in (["--only", "rpc,nothing"], ["--statement-sizes", "10"],
                  ["--statement-sizes", "a,b"]):
        with pytest.raises(SystemExit):
            run.parse_args(wrong)


def test_copy_text_format_escapes_and_nulls():
    table = Table("t", MetaData(), Column("note", String), Column("data", JSON))
    note, data = table.c.note, table.c.data
    assert bulk._text(None, note) == "\\N"
    assert bulk._text("a\tb\nc\\d", note) == "a\\tb\\nc\\\\d"
    assert bulk._text({"k": [1]}, data) == '{"k": [1]}'
    assert bulk._text(True, note) == "t" and bulk._text(Decimal("1.50"), note) == "1.50"
    stamp = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)
    assert bulk._text(stamp, note) == "2026-01-02T03:04:00+00:00"
    with pytest.raises(ValueError, match="naive"):
        bulk._text(datetime.datetime(2026, 1, 2), note)


def _sum(rows, key="amount"):
    return sum((row[key] for row in rows), Decimal(0))


def test_loaded_customer_ledgers_keep_billings_invariants():
    book = ledger.Ledger("org-1")
    today = datetime.date(2026, 11, 27)
    rng = random.Random(3)
    for n in range(30):
        dataset.customer_invoices(book, f"customer-{n}", 50, today, rng)
    invoices = book.tables[Invoice.__table__]
    payment_apps = book.tables[PaymentApplication.__table__]
    credit_apps = book.tables[CreditApplication.__table__]
    statuses = {row["status"] for row in invoices}
    assert {"draft", "void", "sent", "viewed", "partially_paid", "paid"} <= statuses
    assert any(r["status"] in ("sent", "viewed") and r["due_date"] < today for r in invoices)
    assert {r["kind"] for r in invoices} == {"invoice", "retainer"}
    assert {r["source"] for r in credit_apps} == {"credit_note", "payment", "retainer"}
    for invoice in invoices:
        settled = (_sum(a for a in payment_apps if a["invoice_id"] == invoice["id"])
                   + _sum(a for a in credit_apps if a["invoice_id"] == invoice["id"]))
        if invoice["status"] == "void":
            continue
        assert invoice["total"] == invoice["subtotal"] + invoice["tax_total"]
        assert invoice["balance"] == invoice["total"] - settled >= 0
        expected = {Decimal(0): ("sent", "viewed", "draft"), invoice["total"]: ("paid",)}
        assert invoice["status"] in expected.get(settled, ("partially_paid",))
        if invoice["kind"] == "retainer":
            drawn = _sum(a for a in credit_apps if a["retainer_invoice_id"] == invoice["id"])
            assert invoice["retainer_available"] == settled - drawn
    for payment in book.tables[Payment.__table__]:
        applied = (_sum(a for a in payment_apps if a["payment_id"] == payment["id"])
                   + _sum(a for a in credit_apps if a["payment_id"] == payment["id"]))
        assert payment["unapplied"] == payment["amount"] - applied >= 0
    numbers = [row["number"] for row in invoices]
    assert len(set(numbers)) == len(numbers) and "INV-000001" in numbers


def test_statement_history_has_the_movements_asked_for_in_date_order():
    book = ledger.Ledger("org-1")
    today = datetime.date(2026, 11, 27)
    made = dataset.statement_history(book, "customer-1", 3_000, 4, today, random.Random(5))
    assert made["movements"] == book.movements == 3_000
    assert made["start"] == today - datetime.timedelta(days=365 * 4) and made["end"] == today
    invoices = book.tables[Invoice.__table__]
    refunds = (book.tables.get(billing_models.Refund.__table__, [])
               if hasattr(billing_models, "Refund") else [])
    shown = (len(invoices) + len(book.tables[Payment.__table__])
             + len(book.tables[CreditNote.__table__]) + len(refunds)
             + sum(1 for a in book.tables[CreditApplication.__table__]
                   if a["source"] == "retainer"))
    assert shown == 3_000
    assert all(made["start"] <= row["date"] <= today for row in invoices)
    assert {"retainer"} < {row["kind"] for row in invoices}


def test_memory_children_and_cpu_time_are_read_from_proc():
    own = os.getpid()
    assert procfs.status_kib(own, "VmRSS") > 1000
    assert procfs.status_kib(own, "VmHWM") >= procfs.status_kib(own, "VmRSS")
    child = subprocess.Popen(["sh", "-c", "sleep 5 & wait"])
    try:
        time.sleep(0.2)
        assert child.pid in statement.worker_pids(own)
        assert len(procfs.tree(child.pid)) == 2  # the shell and its sleep
        assert child.pid in procfs.named("sh")
    finally:
        child.kill()
        child.wait()
    before = procfs.cpu_seconds(own)
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert procfs.cpu_seconds(own) - before >= 0.2
    busy, total = procfs.machine_busy_seconds()
    assert 0 < busy < total
