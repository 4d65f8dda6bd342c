"""`portal seed-demo` (what `make run` prints how to log in with): once, with something to
see in every section: billing, quotes and a sales order, a project with a timesheet."""
import json

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing import operations as billing
from billing.models import Invoice
from identity.models import Organization
from portal_cli.main import cli
from quotes import quotes as quote_reads
from quotes.models import SalesOrder
from timesheets import operations as timesheet_reads
from timesheets.models import TimeEntry
from portal_common import settings
from portal_common.db import make_engine


def test_seed_demo_once_with_invoices_credits_retainer_and_payments(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path))
    for service in settings.SERVICES:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    runner = CliRunner()
    migrated = runner.invoke(cli, ["migrate", "--skip-broker"])
    assert migrated.exit_code == 0, migrated.output

    first = runner.invoke(cli, ["seed-demo", "--json"])
    assert first.exit_code == 0, first.output
    info = json.loads(first.output)
    assert info["created"] is True and info["email"] == "ana.garcia@example.com"
    assert info["password"] and info["portal_url"].endswith("/portal/demo/")

    again = json.loads(runner.invoke(cli, ["seed-demo", "--json"]).output)
    assert again["created"] is False and again["password"] == info["password"]

    engine = make_engine(settings.database_url("billing"))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 4  # not doubled
        invoice = session.scalars(select(Invoice)).first()
        figures = billing.dashboard_figures(session, invoice.organization_id,
                                            invoice.customer_id, "EUR")
    engine.dispose()
    assert figures["outstanding_invoices"] == "321.90"        # 140.40 + 181.50
    assert figures["overdue_invoices"] == "140.40"
    assert figures["available_credits"] == "121.00"           # the credit note, 100 + IVA
    assert figures["outstanding_retainer_invoices"] == "600.00"
    assert figures["available_retainer_balance"] == "400.00"
    assert figures["last_payment"]["amount"] == "400.00"


def _rows(service, model):
    engine = make_engine(settings.database_url(service))
    with Session(engine, expire_on_commit=False) as session:
        rows = list(session.scalars(select(model)))
    engine.dispose()
    return rows


def test_seed_demo_shows_quotes_sales_orders_and_timesheets(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path))
    for service in settings.SERVICES:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--skip-broker"]).exit_code == 0
    assert runner.invoke(cli, ["seed-demo", "--json"]).exit_code == 0

    [org] = _rows("identity", Organization)
    assert org.portal_show_sales_orders and org.portal_show_projects
    [order] = _rows("quotes", SalesOrder)
    assert order.status == "confirmed" and order.total == 1089   # 900 + 21 % IVA
    entries = _rows("timesheets", TimeEntry)
    assert len(entries) == 4
    for service, reads in (("quotes", quote_reads), ("timesheets", timesheet_reads)):
        engine = make_engine(settings.database_url(service))
        with Session(engine) as session:
            awaiting = reads.count_awaiting_approval(session, org.id, order.customer_id)
        engine.dispose()
        assert awaiting == {"quotes": 2, "timesheets": 1}[service], service
