"""A small Stripe-shaped HTTP server for the answers localstripe cannot give.

localstripe declines only as ``card_declined`` without a ``decline_code``, never times out and
never answers 5xx, so most Cp codes and every "unknown outcome" path would go untested. This
stub speaks just enough of Stripe's v1 API for billing (customers, PaymentIntents,
SetupIntents, PaymentMethods), answers with bodies shaped like Stripe's, and lets a test
program the next answers: Stripe's own error bodies with their HTTP status (so the real
``stripe`` SDK raises CardError, AuthenticationError, PermissionError, InvalidRequestError,
APIError by itself), a delay longer than the client's timeout, or a dropped connection.

The error bodies carry the ``type`` Stripe really sends, which is NOT a reliable guide (an
invalid key is a 401 with type ``invalid_request_error``): code under test must map on the
exception class, ``code`` and ``decline_code``.

Like Stripe, a POST with an ``Idempotency-Key`` already seen answers the first response again,
without creating anything, so "create again with the same key" finds the object a timed-out
call created. A programmed delay applies AFTER the object is created: the client gives up
while Stripe has already charged, which is what an unknown outcome is.

``signature_header`` and ``event`` build webhook deliveries signed like Stripe's.

It also serves a stand-in Stripe.js at ``/js.stripe.com/v3/`` (as localstripe does, at the
same path under the API base) for what localstripe's lacks: a US bank account (ACH) payment,
``collectBankAccountForPayment`` (no bank-picking dialog: it links the stub's test account
"STRIPE TEST BANK ••••6789" at once) and ``confirmUsBankAccountPayment``, after which the
PaymentIntent is ``processing`` as Stripe's is while the debit clears; a test settles it
with ``set_intent`` and a signed ``payment_intent.succeeded`` event.
"""
import hashlib
import hmac
import http.server
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from tests.support.mailbox import free_port

DOCS = "https://stripe.com/docs/error-codes/"


@dataclass
class Answer:
    """What the stub does with one request: an error body and status, a delay, or a hang-up.

    ``body`` None means "the normal success answer"; ``intent_status`` overrides the status a
    confirmed PaymentIntent gets (e.g. "processing" for a bank debit, "requires_action").
    """
    status: int = 200
    body: dict | None = None
    delay: float = 0.0
    disconnect: bool = False
    intent_status: str | None = None
    route: str | None = None  # "POST /v1/payment_intents" (a prefix); None: any API request
    extra: dict = field(default_factory=dict)


def _error(status: int, **error) -> Answer:
    return Answer(status=status, body={"error": {k: v for k, v in error.items()
                                                 if v is not None}})


def card_error(decline_code: str | None = None, code: str = "card_declined",
               message: str = "Your card was declined.") -> Answer:
    """402, as Stripe answers a declined card (``decline_code`` e.g. "fraudulent")."""
    return _error(402, type="card_error", code=code, decline_code=decline_code,
                  message=message, param=None, doc_url=DOCS + code.replace("_", "-"))


def authentication_error() -> Answer:
    """401 for a wrong secret key; Stripe's body says invalid_request_error, not "authentication"."""
    return _error(401, type="invalid_request_error",
                  message="Invalid API Key provided: sk_test_****wxyz")


def permission_error() -> Answer:
    """403: a restricted key without the permission, or a changed account."""
    return _error(403, type="invalid_request_error",
                  message="The provided key 'rk_test_****wxyz' does not have the required "
                          "permissions for this endpoint on account 'acct_1ExampleAccount'.")


def invalid_request(code: str | None = None, message: str = "Invalid request.",
                    param: str | None = None) -> Answer:
    return _error(400, type="invalid_request_error", code=code, message=message, param=param,
                  doc_url=DOCS + code.replace("_", "-") if code else None)


def amount_too_small() -> Answer:
    return invalid_request("amount_too_small", "Amount must be at least €0.50 eur", "amount")


def invalid_currency(currency: str = "xts") -> Answer:
    """Stripe's unsupported-currency answer: no ``code``, ``param`` "currency"."""
    return invalid_request(None, f"Invalid currency: {currency}. Stripe currently supports "
                                 "these currencies: usd, eur, gbp, jpy", "currency")


def server_error(status: int = 500) -> Answer:
    return _error(status, type="api_error",
                  message="An unknown error occurred while processing your request.")


def hang(seconds: float, then: Answer | None = None) -> Answer:
    """Answer only after ``seconds`` (longer than the client's timeout: a timeout)."""
    answer = then or Answer()
    answer.delay = seconds
    return answer


def dropped_connection() -> Answer:
    """Close the connection without answering (the client sees a connection error)."""
    return Answer(disconnect=True)


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload`` as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(),
                      hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    """A Stripe event envelope around ``obj`` (e.g. a PaymentIntent from the stub)."""
    return {"id": event_id or _new_id("evt"), "object": "event", "type": event_type,
            "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "data": {"object": obj}}


STRIPE_JS = """// Stand-in Stripe.js of tests/support/stripe_stub.py: US bank account payments only.
(function () {
  var base = document.currentScript.src.replace(/\\/js\\.stripe\\.com\\/v3\\/$/, "");
  function post(path, body) {
    return fetch(base + path, {method: "POST", body: JSON.stringify(body)})
      .then(function (r) { return r.json(); })
      .then(function (answer) { return answer.error ? {error: answer.error} : answer; });
  }
  window.Stripe = function (publishableKey) {
    return {
      elements: function () { return {create: function () { return {mount: function () {}}; }}; },
      collectBankAccountForPayment: function (options) {
        return post("/_stub/collect_bank_account", {key: publishableKey,
          client_secret: options.clientSecret,
          billing_details: ((options.params || {}).payment_method_data || {}).billing_details});
      },
      confirmUsBankAccountPayment: function (clientSecret) {
        return post("/_stub/confirm_us_bank_account", {key: publishableKey,
                                                       client_secret: clientSecret});
      }
    };
  };
}());
"""


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _nested(pairs) -> dict:
    """Stripe's form encoding (``a[b][0]=x``) back into dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, following in zip(parts, parts[1:] + [None]):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class StripeStub:
    """The server; ``url`` is the API base to give the stripe SDK (``base_addresses``)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[dict] = []  # {method, path, params, idempotency_key, api_key}
        self.objects: dict[str, dict] = {}
        self._answers: deque = deque()
        self._replies: dict[str, tuple[int, dict]] = {}
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = None

    # -- programming ---------------------------------------------------------------------
    def then(self, answer: Answer, route: str | None = None) -> "StripeStub":
        """Queue ``answer`` for the next API request matching ``route`` (see Answer.route)."""
        if route is not None:
            answer.route = route
        with self._lock:
            self._answers.append(answer)
        return self

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()
            self.requests.clear()

    def intents(self) -> list[dict]:
        return [o for o in self.objects.values() if o["object"] == "payment_intent"]

    def set_intent(self, intent_id: str, status: str, **fields) -> dict:
        """Move a PaymentIntent on, as Stripe would later (e.g. a bank debit settling)."""
        with self._lock:
            intent = self.objects[intent_id]
            intent.update(status=status, **fields)
            if status == "succeeded":
                intent["amount_received"] = intent["amount"]
                intent["latest_charge"] = intent["latest_charge"] or _new_id("ch")
            return dict(intent)

    def add_payment_method(self, kind: str = "card", customer: str | None = None,
                           **details) -> dict:
        """A payment method as the browser would have created it (card or us_bank_account)."""
        method = {"id": _new_id("pm"), "object": "payment_method", "type": kind,
                  "created": int(time.time()), "customer": customer, "livemode": False,
                  "metadata": {}, "billing_details": {
                      "name": details.pop("name", None), "email": None, "phone": None,
                      "address": {"line1": None, "line2": None, "city": None, "state": None,
                                  "postal_code": None, "country": None}}}
        if kind == "card":
            method["card"] = {"brand": details.get("brand", "visa"),
                              "last4": details.get("last4", "4242"),
                              "exp_month": details.get("exp_month", 12),
                              "exp_year": details.get("exp_year", 2030),
                              "country": "US", "funding": "credit"}
        else:
            method["us_bank_account"] = {"bank_name": details.get("bank_name", "STRIPE TEST BANK"),
                                         "last4": details.get("last4", "6789"),
                                         "account_type": "checking",
                                         "routing_number": "110000000"}
        with self._lock:
            self.objects[method["id"]] = method
        return method

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> "StripeStub":
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                stub._handle(self, "GET")

            def do_POST(self):
                stub._handle(self, "POST")

            def do_DELETE(self):
                stub._handle(self, "DELETE")

            def log_message(self, *args):
                pass

        self._released.clear()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()  # ends programmed delays
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- serving -------------------------------------------------------------------------
    def _next_answer(self, route: str) -> Answer | None:
        with self._lock:
            for answer in self._answers:
                if answer.route is None or route.startswith(answer.route):
                    self._answers.remove(answer)
                    return answer
        return None

    def _handle(self, handler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        params = _nested(parse_qsl(raw, keep_blank_values=True) +
                         parse_qsl(parts.query, keep_blank_values=True))
        auth = handler.headers.get("Authorization", "")
        api_key = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        key = handler.headers.get("Idempotency-Key")
        route = f"{method} {parts.path}"
        with self._lock:
            self.requests.append({"method": method, "path": parts.path, "params": params,
                                  "idempotency_key": key, "api_key": api_key})

        if route == "GET /js.stripe.com/v3/" or route.startswith("POST /_stub/"):
            return self._browser(handler, route, raw)
        answer = self._next_answer(route) or Answer()
        if answer.disconnect:
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if not (api_key or "").startswith("sk_"):
            status, body = authentication_error().status, authentication_error().body
        elif answer.body is not None:
            status, body = answer.status, answer.body
            if status == 402 and route == "POST /v1/payment_intents":
                body = self._declined_intent(params, body)
        elif method == "POST" and key and (route, key) in self._replies:
            status, body = self._replies[(route, key)]
        else:
            status, body = self._serve(method, parts.path, params, answer)
            if method == "POST" and key and status == 200:
                self._replies[(route, key)] = (status, body)
        if answer.delay:
            self._released.wait(answer.delay)
        payload = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.send_header("Request-Id", _new_id("req"))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as intended by a delay

    def _browser(self, handler, route: str, raw: str) -> None:
        """The stand-in Stripe.js and the two calls it makes (publishable key, any Origin)."""
        if route.startswith("GET"):
            status, content, kind = 200, STRIPE_JS.encode(), "application/javascript"
        else:
            status, body = self._bank_step(route, json.loads(raw or "{}"))
            content, kind = json.dumps(body).encode(), "application/json"
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(content)))
        handler.send_header("Access-Control-Allow-Origin", handler.headers.get("Origin", "*"))
        handler.end_headers()
        handler.wfile.write(content)

    def _bank_step(self, route: str, body: dict) -> tuple[int, dict]:
        secret = body.get("client_secret") or ""
        intent = self.objects.get(secret.split("_secret_")[0])
        if intent is None or intent.get("client_secret") != secret:
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": "No such payment_intent."}}
        if route == "POST /_stub/collect_bank_account":
            method = self.add_payment_method("us_bank_account", name=(
                body.get("billing_details") or {}).get("name"))
            with self._lock:
                intent.update(payment_method=method["id"], status="requires_confirmation")
        else:
            with self._lock:
                intent.update(status="processing", latest_charge=_new_id("py"))
        return 200, {"paymentIntent": dict(intent)}

    def _declined_intent(self, params: dict, body: dict) -> dict:
        """Stripe creates the PaymentIntent even when confirming it declines, and says so."""
        intent = self._create_intent(params, None)
        intent.update(status="requires_payment_method", last_payment_error=dict(body["error"]))
        error = {**body["error"], "payment_intent": dict(intent)}
        return {"error": error}

    def _serve(self, method: str, path: str, params: dict, answer: Answer) -> tuple[int, dict]:
        with self._lock:
            if method == "POST" and path == "/v1/customers":
                return 200, self._store({
                    "id": _new_id("cus"), "object": "customer", "created": int(time.time()),
                    "email": params.get("email"), "name": params.get("name"),
                    "metadata": params.get("metadata", {}), "livemode": False,
                    "invoice_settings": {"default_payment_method": None}})
            if method == "POST" and path == "/v1/payment_intents":
                return 200, dict(self._create_intent(params, answer.intent_status))
            if method == "POST" and path == "/v1/setup_intents":
                seti = _new_id("seti")
                return 200, self._store({
                    "id": seti, "object": "setup_intent", "created": int(time.time()),
                    "client_secret": f"{seti}_secret_{secrets.token_hex(8)}",
                    "customer": params.get("customer"), "payment_method": None,
                    "payment_method_types": params.get("payment_method_types", ["card"]),
                    "status": "requires_payment_method", "usage": params.get("usage",
                                                                            "off_session"),
                    "next_action": None, "last_setup_error": None, "livemode": False,
                    "metadata": params.get("metadata", {})})
            match = re.fullmatch(r"/v1/(customers|payment_intents|setup_intents|payment_methods)"
                                 r"/(\w+)(/attach|/detach)?", path)
            if match and match.group(2) in self.objects:
                obj = self.objects[match.group(2)]
                action = match.group(3)
                if method == "GET" and not action:
                    return 200, dict(obj)
                if method == "POST" and action == "/attach":
                    obj["customer"] = params.get("customer")
                elif method == "POST" and action == "/detach":
                    obj["customer"] = None
                elif method == "POST" and obj["object"] == "payment_method":
                    if "card" in params:
                        obj["card"].update({k: int(v) for k, v in params["card"].items()})
                    for key, value in params.get("billing_details", {}).items():
                        if isinstance(value, dict):
                            obj["billing_details"][key].update(value)
                        else:
                            obj["billing_details"][key] = value
                elif method == "POST":
                    obj["metadata"].update(params.get("metadata", {}))
                else:
                    return self._missing(path)
                return 200, dict(obj)
            return self._missing(path)

    def _missing(self, path: str) -> tuple[int, dict]:
        return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                               "message": f"No such object: '{path.rsplit('/', 1)[-1]}'",
                               "param": "id"}}

    def _store(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return dict(obj)

    def _create_intent(self, params: dict, intent_status: str | None) -> dict:
        confirmed = str(params.get("confirm", "")).lower() == "true"
        method = self.objects.get(params.get("payment_method") or "", {})
        if confirmed:
            # a bank debit clears later, as at Stripe; a card is charged at once
            status = intent_status or ("processing" if method.get("type") == "us_bank_account"
                                       else "succeeded")
        elif params.get("payment_method"):
            status = "requires_confirmation"
        else:
            status = "requires_payment_method"
        pi = _new_id("pi")
        amount = int(params.get("amount", 0))
        intent = {
            "id": pi, "object": "payment_intent", "created": int(time.time()),
            "amount": amount, "amount_received": amount if status == "succeeded" else 0,
            "currency": params.get("currency"), "customer": params.get("customer"),
            "payment_method": params.get("payment_method"),
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "client_secret": f"{pi}_secret_{secrets.token_hex(8)}", "status": status,
            "latest_charge": _new_id("ch") if status in ("succeeded", "processing") else None,
            "last_payment_error": None, "next_action": None, "livemode": False,
            "capture_method": "automatic", "confirmation_method": "automatic",
            "setup_future_usage": params.get("setup_future_usage"),
            "metadata": params.get("metadata", {})}
        self.objects[pi] = intent
        return intent
