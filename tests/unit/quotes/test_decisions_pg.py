"""Two contacts answer one quote at the same moment: the quote's row lock (SELECT … FOR
UPDATE) makes exactly one decision stand and tells the other who decided (PostgreSQL,
migrated; the driver made cooperative as in the services, so the threads really wait)."""
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal_common.db import make_engine
from quotes import quotes as ops
from quotes.exceptions import QuoteAlreadyDecided
from quotes.models import Outbox, Quote

from .conftest import CONTACT, CUSTOMER, OTHER_CONTACT, quote_data, taxes


@pytest.fixture
def engine(quotes_pg_url):
    engine = make_engine(quotes_pg_url)
    yield engine
    engine.dispose()


def sent(engine, org) -> str:
    with Session(engine, expire_on_commit=False) as session:
        quote = ops.create_quote(session, org, quote_data(), taxes)
        ops.send_quote(session, org, quote.id)
        session.commit()
        return quote.id


def decide(engine, org, quote_id, how, contact_id, name, outcome):
    """Run one decision in its own session and transaction; record what it got."""
    decision = ops.accept_quote if how == "accept" else ops.decline_quote
    with Session(engine) as session:
        try:
            decision(session, org, CUSTOMER, contact_id, quote_id, {"contact_name": name})
            session.commit()
            outcome[name] = "ok"
        except QuoteAlreadyDecided as exc:
            session.rollback()
            outcome[name] = exc


def stored(engine, org, quote_id):
    with Session(engine) as session:
        quote = session.get(Quote, quote_id)
        kinds = sorted(session.scalars(select(Outbox.event_type).where(
            Outbox.organization_id == org,
            Outbox.event_type.in_(["quote_accepted", "quote_declined"]))))
        return quote.status, quote.decided_by_name, kinds


def test_the_second_decision_waits_for_the_first_and_is_refused(engine, pg_org):
    quote_id = sent(engine, pg_org)
    first = Session(engine)
    ops.accept_quote(first, pg_org, CUSTOMER, CONTACT, quote_id, {"contact_name": "Ana"})
    first.flush()  # Ana's transaction holds the row, not committed yet
    outcome = {}
    bea = threading.Thread(target=decide, args=(engine, pg_org, quote_id, "decline",
                                                OTHER_CONTACT, "Bea", outcome))
    bea.start()
    time.sleep(0.5)
    assert bea.is_alive() and outcome == {}  # Bea waits on the lock
    first.commit()
    first.close()
    bea.join(10)
    assert not bea.is_alive()
    refused = outcome["Bea"]
    assert isinstance(refused, QuoteAlreadyDecided)
    assert refused.details["status"] == "accepted"
    assert refused.details["decided_by_name"] == "Ana" and refused.details["decided_at"]
    assert stored(engine, pg_org, quote_id) == ("accepted", "Ana", ["quote_accepted"])


@pytest.mark.parametrize("round_", range(5))
def test_accept_and_decline_at_once_leave_exactly_one_decision(engine, pg_org, round_):
    quote_id = sent(engine, pg_org)
    outcome, go = {}, threading.Event()

    def contender(how, contact_id, name):
        go.wait()
        decide(engine, pg_org, quote_id, how, contact_id, name, outcome)

    threads = [threading.Thread(target=contender, args=("accept", CONTACT, "Ana")),
               threading.Thread(target=contender, args=("decline", OTHER_CONTACT, "Bea"))]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(10)
    winners = [name for name, got in outcome.items() if got == "ok"]
    losers = [got for got in outcome.values() if isinstance(got, QuoteAlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 1, outcome
    (winner,) = winners
    status = "accepted" if winner == "Ana" else "declined"
    assert losers[0].details["status"] == status
    assert losers[0].details["decided_by_name"] == winner
    assert stored(engine, pg_org, quote_id) == (status, winner, [f"quote_{status}"])


def test_concurrent_creates_take_numbers_one_after_the_other(engine, pg_org):
    numbers, errors = [], []

    def create():
        try:
            with Session(engine) as session:
                quote = ops.create_quote(session, pg_org, quote_data(), taxes)
                session.commit()
                numbers.append(quote.number)
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert sorted(numbers) == ["QT-00001", "QT-00002", "QT-00003", "QT-00004"]
