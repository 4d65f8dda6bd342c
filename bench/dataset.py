"""The benchmark's data: one organization with many customers, each with a portal contact
who is logged in, and a ledger per customer (bench/ledger.py); written with COPY.

The identity side is written the way identity keeps it: the organization through
identity's own ``create_organization``, customers and contacts (portal access on,
one shared real password hash, so any of them could also log in through the form),
and one live portal session per contact whose cookie token is returned. That is
what a login would leave behind, without 1,000 password hashes and logins.
"""
import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from identity import models as identity_models, operations as identity_ops, security
from portal_common.db import new_id

from .bulk import copy_rows
from .ledger import Ledger, money

CURRENCY = "EUR"
SESSION_HOURS = 12


@dataclass
class PortalCustomer:
    customer_id: str
    name: str
    email: str
    token: str  # the portal session cookie's value


@dataclass
class Organization:
    id: str
    slug: str
    password: str  # every bench contact's password (for a login through the form)
    ledger: Ledger
    customers: list[PortalCustomer] = field(default_factory=list)


def _engine(url: str):
    return create_engine(url)


def create_organization(identity_url: str, slug: str = "bench") -> Organization:
    password = f"Bench-{security.new_token()[:12]}7"
    engine = _engine(identity_url)
    with Session(engine) as session:
        org, _api_key = identity_ops.create_organization(session, {
            "name": "Bench Consulting S.L.", "email": "billing@bench.example.com",
            "slug": slug, "currency": CURRENCY, "timezone": "Europe/Madrid", "language": "es",
            "country": "ES", "city": "Madrid"})
        session.commit()
        result = Organization(org.id, org.slug, password, Ledger(org.id, CURRENCY))
    engine.dispose()
    return result


def add_customers(identity_url: str, org: Organization, names: list[str]) -> list[PortalCustomer]:
    """Customers with one portal contact each, every contact with a live session."""
    now = datetime.datetime.now(datetime.timezone.utc)
    password_hash = security.hash_password(org.password)
    customers, contacts, sessions, made = [], [], [], []
    start = len(org.customers)
    for n, name in enumerate(names, start=start):
        email = f"contact{n:05d}@bench.example.com"
        customer = {"id": new_id(), "organization_id": org.id, "display_name": name,
                    "company_name": f"{name} S.L.", "email": email, "currency": CURRENCY,
                    "language": "es", "billing_country": "ES", "created_at": now,
                    "updated_at": now}
        contact_id = new_id()
        contacts.append({"id": contact_id, "organization_id": org.id,
                         "customer_id": customer["id"], "first_name": "Contact",
                         "last_name": f"{n:05d}", "email": email, "is_primary": True,
                         "portal_enabled": True, "password_hash": password_hash,
                         "password_changed_at": now, "created_at": now, "updated_at": now})
        token = security.new_token()
        sessions.append({"organization_id": org.id, "contact_id": contact_id,
                         "token_hash": security.token_hash(token), "created_at": now,
                         "last_seen_at": now,
                         "expires_at": now + datetime.timedelta(hours=SESSION_HOURS),
                         "ip": "127.0.0.1", "user_agent": "portal-bench"})
        customers.append(customer)
        made.append(PortalCustomer(customer["id"], name, email, token))
    engine = _engine(identity_url)
    with engine.begin() as connection:
        copy_rows(connection, identity_models.Customer.__table__, customers)
        copy_rows(connection, identity_models.Contact.__table__, contacts)
        copy_rows(connection, identity_models.PortalSession.__table__, sessions)
    engine.dispose()
    org.customers.extend(made)
    return made


# --- billing ---------------------------------------------------------------------------

def _amount(rng: random.Random) -> Decimal:
    return money(rng.randrange(5_000, 500_000)) / 100


def customer_invoices(ledger: Ledger, customer_id: str, count: int, today: datetime.date,
                      rng: random.Random) -> None:
    """A customer's last two years: mostly paid, some partly paid (one through an excess
    payment's credit), recent ones open (those past due are overdue), a few older ones
    still open (long overdue), a draft and a void one, two credit notes (one applied,
    one left as credit), a retainer paid and half drawn."""
    days = sorted(rng.randrange(0, 730) for _ in range(count))
    invoices = []
    for k, back in enumerate(reversed(days)):  # oldest first
        day = today - datetime.timedelta(days=back)
        recent = k >= count - 6
        draw = rng.random()
        status = ("draft" if k == count - 1 else "void" if k == count // 2
                  else "viewed" if recent and draw < 0.5 else "sent")
        invoice = ledger.invoice(customer_id, day, _amount(rng), status=status)
        if status in ("draft", "void"):
            continue
        invoices.append(invoice)
        paid_on = day + datetime.timedelta(days=rng.randrange(1, 45))
        if recent or paid_on > today:
            continue
        if draw < 0.80:
            ledger.payment(customer_id, paid_on, invoice["total"], [(invoice, invoice["total"])])
        elif draw < 0.92:
            part = money(invoice["total"] * Decimal("0.4"))
            ledger.payment(customer_id, paid_on, part, [(invoice, part)])
        # else: still open, long overdue
    open_ = [i for i in invoices if i["balance"] > 0 and i["status"] != "partially_paid"]
    first_day = today - datetime.timedelta(days=days[-1] if days else 0)
    applied = ledger.credit_note(customer_id, first_day + datetime.timedelta(days=200),
                                 Decimal("40.00"))
    ledger.credit_note(customer_id, today - datetime.timedelta(days=20), Decimal("25.00"))
    if open_:
        target = open_[0]
        ledger.apply(applied, "credit_note", target, min(applied["remaining"],
                                                         target["balance"]), today)
    retainer = ledger.invoice(customer_id, today - datetime.timedelta(days=90),
                              Decimal("500.00"), kind="retainer")
    ledger.payment(customer_id, today - datetime.timedelta(days=85), retainer["total"],
                   [(retainer, retainer["total"])])
    open_ = [i for i in invoices if i["balance"] > 0]
    if open_:
        target = open_[-1]
        ledger.apply(retainer, "retainer", target,
                     min(money(retainer["total"] / 2), target["balance"]),
                     today - datetime.timedelta(days=3))
    if len(open_) > 1:  # an excess payment: part drawn on an invoice, the rest left as credit
        excess = ledger.payment(customer_id, today - datetime.timedelta(days=10),
                                Decimal("150.00"))
        target = open_[-2]
        ledger.apply(excess, "payment", target, min(Decimal("100.00"), target["balance"]),
                     today - datetime.timedelta(days=5))


def statement_history(ledger: Ledger, customer_id: str, movements: int, years: int,
                      today: datetime.date, rng: random.Random) -> dict:
    """``movements`` statement rows over ``years`` years, in date order: invoices and the
    payments that settle them, now and then a credit note drawn on an invoice, a retainer
    paid and drawn on the next invoice, an overpayment partly refunded. Returns the range."""
    start = today - datetime.timedelta(days=365 * years)
    span = (today - start).days

    def day_of(k):
        return start + datetime.timedelta(days=k * span // movements)

    base = ledger.movements

    def room(n=1):
        return ledger.movements - base + n <= movements

    while ledger.movements - base < movements:
        day = day_of(ledger.movements - base)
        invoice = ledger.invoice(customer_id, day, _amount(rng))
        cycle = ledger.counters["INV-"]
        if cycle % 25 == 0 and room():
            note = ledger.credit_note(customer_id, day, money(invoice["subtotal"] / 4))
            ledger.apply(note, "credit_note", invoice, note["total"], day)
        if cycle % 40 == 0 and room(3):
            retainer = ledger.invoice(customer_id, day, Decimal("1000.00"), kind="retainer")
            ledger.payment(customer_id, day, retainer["total"], [(retainer, retainer["total"])])
            ledger.apply(retainer, "retainer", invoice,
                         min(retainer["retainer_available"], invoice["balance"]), day)
        if invoice["balance"] > 0 and room():
            paid_on = day_of(min(ledger.movements - base, movements - 1))
            extra = Decimal("20.00") if cycle % 60 == 0 else Decimal(0)
            payment = ledger.payment(customer_id, paid_on, invoice["balance"] + extra,
                                     [(invoice, invoice["balance"])])
            if extra and room():
                ledger.refund(payment, "payment", extra, paid_on)
    return {"start": start, "end": today, "movements": ledger.movements - base}


def write_billing(billing_url: str, ledger: Ledger, counters: bool = False) -> int:
    engine = _engine(billing_url)
    with engine.begin() as connection:
        written = ledger.write(connection)
        if counters:
            ledger.write_counters(connection)
    engine.dispose()
    return written


@dataclass
class StatementCustomer:
    customer_id: str
    name: str
    token: str
    movements: int
    start: datetime.date
    end: datetime.date

    @property
    def params(self) -> dict:
        """The print view's query string for the whole history."""
        return {"range": "custom", "start": self.start.isoformat(),
                "end": self.end.isoformat()}

    @property
    def query(self) -> dict:
        """billing.statement_page's query for the whole history."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "currency": CURRENCY}


def load(urls: dict, customers: int, invoices: int, statement_sizes: list[int], years: int,
         seed: int = 4) -> tuple[Organization, list[StatementCustomer]]:
    """Everything the dashboard and statement sections read; prints what it made and how
    long it took."""
    rng = random.Random(seed)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    began = time.perf_counter()
    org = create_organization(urls["identity"])
    add_customers(urls["identity"], org, [f"Cliente {n:04d}" for n in range(customers)])
    for customer in org.customers:
        customer_invoices(org.ledger, customer.customer_id, invoices, today, rng)
    rows = write_billing(urls["billing"], org.ledger)
    print(f"data: {customers:,} customers x {invoices} invoices ({rows:,} billing rows) "
          f"in {time.perf_counter() - began:.1f}s")
    made = []
    for size in statement_sizes:
        began = time.perf_counter()
        (customer,) = add_customers(urls["identity"], org, [f"Historial {size}"])
        history = statement_history(org.ledger, customer.customer_id, size, years, today, rng)
        rows = write_billing(urls["billing"], org.ledger)
        made.append(StatementCustomer(customer.customer_id, customer.name, customer.token,
                                      history["movements"], history["start"], history["end"]))
        print(f"data: a customer with {history['movements']:,} statement movements over "
              f"{years} years ({rows:,} billing rows) in {time.perf_counter() - began:.1f}s")
    engine = _engine(urls["billing"])
    with engine.begin() as connection:
        org.ledger.write_counters(connection)
        connection.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would give
    engine.dispose()
    return org, made
