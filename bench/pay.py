"""(4) Pay now through the whole system, against localstripe's own create-and-confirm.

localstripe (started for the run on a free loopback port, ``--from-scratch``) is the
organization's payment gateway, set through the staff API like an operator would; its
signed webhooks are registered to the gateway's endpoint, so each payment's
``payment_intent.succeeded`` also arrives there, as it would from Stripe.

A customer with a saved card (added as the portal's "add a card" does: billing's
SetupIntent, confirmed at localstripe with the publishable key as Stripe.js does) pays one
invoice at a time as a browser would: the pay page (its CSRF token and attempt key), then
the timed part — POST "pay now" with the saved card (gateway → billing.start_payment →
localstripe PaymentIntent create with confirm=true → the payment recorded) and the result
page it redirects to. The baseline, timed in the same interleaved rounds, is the same
PaymentIntent create-and-confirm sent straight to localstripe with the stripe SDK: what a
payment costs at the gateway itself. The ratio of the medians is what the portal adds.
A third series in the same rounds, ``billing.start_payment`` called over RPC for other
invoices, splits that between billing and the gateway's page.

The same rounds time a new card too, the whole way a browser goes: POST "pay now" with
"a new card" (billing sets up a SetupIntent; the card step page comes back), the Stripe.js
step done as localstripe's stand-in does it (POST /v1/setup_intents/<id>/confirm with the
publishable key and the card), then the page's POST .../complete (billing charges the new
card: PaymentIntent create-and-confirm, then detaches the unsaved card) and the result page.
Each invoice has a different amount and the duplicate window is 0, so billing's duplicate
guard (Cp3005) never refuses one.
"""
import html
import json
import re
import statistics
import subprocess
import time
import uuid
from datetime import date, timedelta

import requests
import stripe

from . import web
from .dashboard import start_gateway
from .session import bin_path
from .stats import Latency, ratio, table

PASSWORD = "Bench-Pago-2026"
PUBLISHABLE_KEY = "pk_test_bench"
SECRET_KEY = "sk_test_bench_0001"
WEBHOOK_SECRET = "whsec_bench"
POST_ROUTE = "/portal/<slug>/invoices/<invoice_id>/pay"


class Staff:
    def __init__(self, base: str, api_key: str):
        self.base = f"{base}/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {api_key}"

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> dict:
        answer = self.http.request(method, self.base + path, timeout=60, **kwargs)
        if answer.status_code != expect:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json()


def _organization(run) -> dict:
    out = subprocess.run([bin_path("portal"), "org", "create", "--name", "Bench Pagos S.L.",
                          "--email", "staff@bench-pagos.example", "--language", "es",
                          "--currency", "EUR", "--timezone", "Europe/Madrid"],
                         env=run.env, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _form_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) \
        or re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    if not match:
        raise RuntimeError(f"no {name} in the pay page")
    return html.unescape(match.group(1))


def _save_card(pool, localstripe, org_id: str, customer: dict) -> str:
    """A saved card, the way the portal's "add a card" makes one (see the docstring)."""
    setup = pool.call("billing", "start_method_setup", org_id, customer["id"],
                      customer["contacts"][0]["id"])
    seti = setup["client_secret"].split("_secret_")[0]
    confirmed = requests.post(f"{localstripe.url}/v1/setup_intents/{seti}/confirm", timeout=30,
                              data=json.dumps({
                                  "key": PUBLISHABLE_KEY, "client_secret": setup["client_secret"],
                                  "payment_method_data": {
                                      "type": "card", "billing_details": {"name": "Bench"},
                                      "card": {"number": "4242424242424242", "exp_month": "12",
                                               "exp_year": "2030", "cvc": "123"}}}))
    confirmed.raise_for_status()
    saved = pool.call("billing", "complete_method_setup", org_id, customer["id"], seti)
    return saved["id"]


def prepare(run, localstripe, payments: int) -> dict:
    """The organization, its gateway, a customer with a saved card and ``payments`` invoices."""
    from gateway.rpc import RpcClientPool
    base = start_gateway(run)
    org = _organization(run)
    staff = Staff(base, org["api_key"])
    staff.call("POST", "/taxes", 201, json={"name": "IVA", "rate": "21", "is_default": True})
    staff.call("PUT", "/payment-gateway", json={
        "api_base": localstripe.url, "secret_key": SECRET_KEY,
        "publishable_key": PUBLISHABLE_KEY, "webhook_secret": WEBHOOK_SECRET,
        "duplicate_window_minutes": 0})
    localstripe.register_webhook(f"bench-{org['organization_id']}",
                                 f"{base}/webhooks/stripe/{org['organization_id']}",
                                 WEBHOOK_SECRET)
    customer = staff.call("POST", "/customers", 201, json={
        "display_name": "Cliente de Bench S.L.", "currency": "EUR", "contacts": [{
            "first_name": "Berta", "last_name": "Banco", "email": "berta@bench-pagos.example",
            "is_primary": True}]})
    staff.call("POST", f"/customers/{customer['id']}/portal", json={
        "contact_ids": [customer["contacts"][0]["id"]], "password": PASSWORD})
    today = date.today()
    invoices = []
    for i in range(payments):
        invoice = staff.call("POST", "/invoices", 201, json={
            "customer_id": customer["id"], "kind": "invoice",
            "date": (today - timedelta(days=1)).isoformat(),
            "due_date": (today + timedelta(days=30)).isoformat(),
            "line_items": [{"name": "Cuota", "quantity": "1", "rate": f"{10 + i * 0.01:.2f}"}],
            "payment_gateways": ["stripe"]})
        invoices.append(staff.call("POST", f"/invoices/{invoice['id']}/send"))
    pool = RpcClientPool(run.amqp_uri, size=1, timeout=60)
    try:
        method_id = _save_card(pool, localstripe, org["organization_id"], customer)
    finally:
        pool.close()
    cookies = web.log_in(base, org["slug"], "berta@bench-pagos.example", PASSWORD)
    return {"base": base, "org": org, "staff": staff, "customer": customer,
            "invoices": invoices, "method_id": method_id, "cookies": cookies}


def pay_now(world: dict, browser: requests.Session, invoice: dict) -> float:
    """One pay-now with the saved card as a browser does it; seconds from the POST to the
    result page (the pay page before is not timed)."""
    url = f"{world['base']}/portal/{world['org']['slug']}/invoices/{invoice['id']}/pay"
    form = browser.get(url, timeout=60)
    form.raise_for_status()
    data = {"csrf_token": _form_value(form.text, "csrf_token"),
            "attempt_key": _form_value(form.text, "attempt_key"),
            "method": f"saved:{world['method_id']}"}
    began = time.perf_counter()
    result = browser.post(url, data=data, timeout=60)
    elapsed = time.perf_counter() - began
    if result.status_code != 200 or "/payments/attempts/" not in result.url:
        raise RuntimeError(f"pay now answered {result.status_code} at {result.url}")
    return elapsed


def create_and_confirm(client: stripe.StripeClient, stripe_customer: str, payment_method: str,
                       amount: int) -> float:
    began = time.perf_counter()
    intent = client.v1.payment_intents.create(params={
        "amount": amount, "currency": "eur", "customer": stripe_customer,
        "payment_method": payment_method, "payment_method_types": ["card"],
        "confirm": True, "off_session": True})
    elapsed = time.perf_counter() - began
    if intent.status != "succeeded":
        raise RuntimeError(f"localstripe answered {intent.status}")
    return elapsed


def _confirm_setup_as_stripe_js(localstripe_url: str, client_secret: str) -> None:
    seti = client_secret.split("_secret_")[0]
    confirmed = requests.post(f"{localstripe_url}/v1/setup_intents/{seti}/confirm", timeout=60,
                              data=json.dumps({
                                  "key": PUBLISHABLE_KEY, "use_stripe_sdk": True,
                                  "client_secret": client_secret, "payment_method_data": {
                                      "type": "card", "billing_details": {"name": "Berta"},
                                      "card": {"number": "4242424242424242", "exp_month": "12",
                                               "exp_year": "2030", "cvc": "123"}}}))
    if confirmed.status_code != 200 or confirmed.json().get("status") != "succeeded":
        raise RuntimeError(f"localstripe's SetupIntent confirm: {confirmed.text[:300]}")


def pay_new_card(world: dict, browser: requests.Session, invoice: dict) -> float:
    """One pay-now with a new card as a browser does it (see the docstring): seconds from
    the first POST to the result page."""
    url = f"{world['base']}/portal/{world['org']['slug']}/invoices/{invoice['id']}/pay"
    form = browser.get(url, timeout=60)
    form.raise_for_status()
    began = time.perf_counter()
    step = browser.post(url, timeout=60, data={
        "csrf_token": _form_value(form.text, "csrf_token"),
        "attempt_key": _form_value(form.text, "attempt_key"), "method": "card"})
    secret = re.search(r'data-client-secret="([^"]+)"', step.text)
    action = re.search(r'\saction="([^"]+/complete)"', step.text)
    if step.status_code != 200 or not secret or not action:
        raise RuntimeError(f"the card step answered {step.status_code} without a client secret")
    _confirm_setup_as_stripe_js(world["localstripe_url"], html.unescape(secret.group(1)))
    result = browser.post(world["base"] + html.unescape(action.group(1)), timeout=60,
                          data={"csrf_token": _form_value(step.text, "csrf_token")})
    elapsed = time.perf_counter() - began
    if result.status_code != 200 or "/payments/attempts/" not in result.url:
        raise RuntimeError(f"the card payment ended {result.status_code} at {result.url}")
    return elapsed


def start_payment(pool, world: dict, invoice: dict) -> float:
    """billing.start_payment alone (over RPC), with the saved card: seconds."""
    org_id, customer = world["org"]["organization_id"], world["customer"]
    began = time.perf_counter()
    attempt = pool.call("billing", "start_payment", org_id, customer["id"], {
        "invoice_ids": [invoice["id"]], "method": "saved_card",
        "payment_method_id": world["method_id"], "contact_id": customer["contacts"][0]["id"],
        "save_method": False, "auto_charge": False}, idempotency_key=uuid.uuid4().hex)
    elapsed = time.perf_counter() - began
    if attempt["status"] != "succeeded":
        raise RuntimeError(f"billing.start_payment answered {attempt['status']}")
    return elapsed


def measure(run, localstripe, payments: int, rounds: int, warmup: int = 5) -> dict:
    from gateway.rpc import RpcClientPool
    world = prepare(run, localstripe, 3 * payments + warmup)
    world["localstripe_url"] = localstripe.url
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.url},
                                 max_network_retries=0)
    # The baseline charges the same card the portal saved, for the same customer.
    first = pay_now_session(world)
    invoices = list(world["invoices"])
    for invoice in invoices[:warmup]:
        pay_now(world, first, invoice)
    charged = localstripe.payment_intents()[-1]
    stripe_customer, payment_method = charged["customer"], charged["payment_method"]
    for _ in range(warmup):
        create_and_confirm(client, stripe_customer, payment_method, 1000)

    # One of each in turn, so that all four see the same noise and the same localstripe
    # (whose every write re-pickles its whole store: it slows down as the run adds objects).
    series = {"system": [], "new_card": [], "billing": [], "baseline": []}
    per_round = max(1, payments // rounds)
    pool = RpcClientPool(run.amqp_uri, size=1, timeout=60)
    try:
        for round_ in range(rounds):
            for name in series:
                series[name].append([])
            for i in range(round_ * per_round, (round_ + 1) * per_round):
                run.processes.check_alive()
                page, new, rpc = invoices[warmup + 3 * i:warmup + 3 * i + 3]
                series["system"][-1].append(pay_now(world, first, page))
                series["new_card"][-1].append(pay_new_card(world, first, new))
                series["billing"][-1].append(start_payment(pool, world, rpc))
                series["baseline"][-1].append(create_and_confirm(
                    client, stripe_customer, payment_method, 2000 + i))
    finally:
        pool.close()
    done = warmup + 3 * per_round * rounds
    paid = [world["staff"].call("GET", f"/invoices/{invoice['id']}")["status"]
            for invoice in invoices[:done]]
    if set(paid) != {"paid"}:
        raise RuntimeError(f"not every invoice paid: {sorted(set(paid))}")
    return {**series, "invoices_paid": len(paid),
            "intents": len(localstripe.payment_intents()),
            "breakdown": post_breakdown(run.scratch / "gateway.log")}


def pay_now_session(world: dict) -> requests.Session:
    browser = requests.Session()
    browser.cookies.update(world["cookies"])
    return browser


def post_breakdown(log) -> dict | None:
    """Median time of the pay POST inside the gateway, and of its RPC calls (request log)."""
    durations, rpc_ms, calls = [], [], []
    for line in log.read_text(errors="replace").splitlines():
        if '"request"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("route") == POST_ROUTE and entry.get("method") == "POST":
            durations.append(entry["duration_ms"])
            rpc_ms.append(entry["rpc_ms"])
            calls.append(entry["rpc_calls"])
    if not durations:
        return None
    return {"requests": len(durations), "duration_ms": statistics.median(durations),
            "rpc_ms": statistics.median(rpc_ms), "rpc_calls": statistics.median(calls)}


def _latency(rounds: list[list[float]]) -> tuple[Latency, str]:
    """The whole series' Latency, and each round's median in ms."""
    each = " ".join(f"{statistics.median(r) * 1000:.0f}" for r in rounds)
    return Latency.of([int(s * 1e9) for r in rounds for s in r]), each


def report(found: dict) -> float:
    labels = {
        "system": "portal: POST pay now (saved card) → result page",
        "new_card": "portal: pay now, new card (POST, Stripe.js step, complete)",
        "billing": "billing.start_payment alone (RPC, saved card)",
        "baseline": "localstripe: PaymentIntent create+confirm (SDK)"}
    found_latency = {name: _latency(found[name]) for name in labels}
    baseline = found_latency["baseline"][0]
    rows = [[label, found_latency[name][0].calls, found_latency[name][0].median_us / 1000,
             found_latency[name][0].p95_us / 1000,
             ratio(found_latency[name][0].median_us, baseline.median_us),
             found_latency[name][1]] for name, label in labels.items()]
    value = rows[0][4]
    print(table(["pay now (sequential, one of each in turn)", "calls", "median ms", "p95 ms",
                 "/ localstripe", "each round's median ms"], rows))
    breakdown = found["breakdown"]
    if breakdown:
        print(f"the pay POSTs inside the gateway (saved and new card), median over "
              f"{breakdown['requests']}: "
              f"{breakdown['duration_ms']:.1f} ms, of which {breakdown['rpc_ms']:.1f} ms "
              f"waiting on {breakdown['rpc_calls']:g} RPC calls (billing's include the call "
              f"to localstripe)")
    print(f"invoices paid: {found['invoices_paid']}; PaymentIntents at localstripe: "
          f"{found['intents']}")
    added = (found_latency["system"][0].median_us - baseline.median_us) / 1000
    print(f"pay now / localstripe create+confirm, ratio of medians: {value:.2f} (the portal "
          f"adds {added:.0f} ms; localstripe slows down as its store grows, so the ratio "
          f"falls with longer runs: compare each round)\n")
    return value
