"""localstripe (PyPI, 1.15.10) as a subprocess on a free loopback port, for the real payment flows.

Started with ``--from-scratch`` so it never reloads an earlier run's state. It still writes its
whole store to the hard-coded ``/tmp/localstripe.pickle`` after every change (its cwd and
TMPDIR do not move that file; only loading is skipped), so two instances on one machine
overwrite each other's pickle harmlessly, and each write costs time proportional to the store.

Its stand-in Stripe.js (GET ``js_url``, localstripe-v3.js), checked in headless Chromium:

* ``Stripe(pk).elements().create("card")`` (one card element per ``elements()``) and
  ``.mount(selector)`` put plain ``<input type="text">`` fields into the container, after a
  "localstripe: " label, each with its field name as placeholder: ``number`` (16 digits),
  ``exp_month``, ``exp_year`` (TWO digits: the script prefixes "20"), ``cvc`` (3 digits),
  ``postal_code``. A headless browser fills them like any input (Playwright ``fill`` on
  ``<container> input[placeholder=number]`` etc.; the values are read on each ``input`` event).
  There is no iframe, so nothing is cross-origin to the page.
* ``confirmCardSetup(seti_client_secret, {payment_method: {card: element, billing_details}})``
  WORKS: it POSTs the card to ``/v1/setup_intents/<id>/confirm`` (publishable key, JSON body,
  CORS answered for any Origin); the SetupIntent succeeds with a new ``pm_…`` (brand "visa",
  last4, exp, billing_details with the element's postal code). localstripe does NOT attach
  that method to the SetupIntent's customer (its ``customer`` stays null; attach it
  server-side if it matters). Cards 4000000000000002/…9995/…9987/…0069/…0127 answer 402
  ``card_declined`` here; 3-D Secure cards (4000002760003184, 4000000000003220, …) leave it
  ``requires_action`` and the script shows its own modal ("Complete authentication" /
  "Fail authentication").
* ``confirmCardPayment(pi_client_secret, data)`` IGNORES ``data`` (the card element is never
  read): it always shows the 3-D Secure modal, then POSTs
  ``/v1/payment_intents/<id>/_authenticate?success=…``, which only works when the
  PaymentIntent is already ``requires_action``. On a fresh PaymentIntent (no payment method,
  ``requires_payment_method``) it answers ``{"error": {"message": "Bad request"}}``.
  So against localstripe a card payment is: confirmCardSetup in the browser → ``pm_…`` →
  server ``payment_intents.create(confirm=True, payment_method=pm, customer=…)`` →
  ``succeeded`` (or ``requires_action`` for a 3-D Secure card, then confirmCardPayment in the
  browser with the modal). Server-side ``payment_intents.confirm`` answers 500.
* ``createPaymentMethod`` is an empty stub (resolves to undefined); ``createToken`` and
  ``createSource`` POST to /v1/tokens and /v1/sources. No us_bank_account / ACH helpers
  (collectBankAccountForPayment, confirmUsBankAccountPayment) exist, and localstripe's payment
  methods are only ``card`` and ``sepa_debit`` (a sepa_debit charge is ``processing`` for
  0.5 s, then succeeds and sends ``payment_intent.succeeded``).

Webhooks: ``register_webhook`` → localstripe signs each event like Stripe
(``Stripe-Signature: t=…,v1=…``) and POSTs it once, about a second after the event; no retries.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.support.mailbox import free_port

BIN = Path(sys.executable).parent
SECRET_KEY = "sk_test_localstripe"


class Localstripe:
    """One localstripe server; ``url`` is the API base, ``js_url`` its stand-in Stripe.js."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.js_url = f"{self.url}/js.stripe.com/v3/"
        self._workdir = None
        self._proc = None
        self._log = None

    def start(self, timeout: float = 30.0) -> "Localstripe":
        self._workdir = tempfile.TemporaryDirectory(prefix="localstripe-")
        self._log = open(Path(self._workdir.name) / "localstripe.log", "ab")
        env = {**os.environ, "TMPDIR": self._workdir.name}
        self._proc = subprocess.Popen(
            [str(BIN / "localstripe"), "--port", str(self.port), "--from-scratch"],
            cwd=self._workdir.name, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"localstripe exited with {self._proc.returncode}:\n"
                                   f"{self.log()[-2000:]}")
            try:
                if requests.get(self.js_url, timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"localstripe did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def log(self) -> str:
        if self._workdir is None:
            return ""
        path = Path(self._workdir.name) / "localstripe.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def webhook_deliveries(self) -> list[tuple[str, str]]:
        """(event type, outcome) of each webhook POST so far, from localstripe's log:
        outcome "delivered" (a 2xx answer), the HTTP status it got instead, or "error"."""
        found = []
        for match in re.finditer(r'webhook "([\w.]+)" (successfully delivered|failed with '
                                 r'response code (\d+)|failed:)', self.log()):
            event_type, outcome, status = match.groups()
            found.append((event_type, "delivered" if outcome.startswith("successfully")
                          else status or "error"))
        return found

    def register_webhook(self, webhook_id: str, url: str, secret: str,
                         events: list[str] | None = None) -> None:
        """Have localstripe sign and POST its events to ``url`` (once each, about 1 s later)."""
        data = {"url": url, "secret": secret}
        if events:
            data["events[]"] = events
        response = requests.post(f"{self.url}/_config/webhooks/{webhook_id}", data=data,
                                 timeout=10)
        response.raise_for_status()

    def _get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.url}{path}", params=params, timeout=10,
                                auth=(SECRET_KEY, ""))
        response.raise_for_status()
        return response.json()

    def payment_intents(self) -> list[dict]:
        """Every PaymentIntent localstripe holds, whichever key created it (in creation order:
        localstripe lists its store as inserted), paged through 100 at a time."""
        intents, params = [], {"limit": 100}
        while True:
            page = self._get("/v1/payment_intents", **params)
            intents.extend(page["data"])
            if not page.get("has_more") or not page["data"]:
                return intents
            params["starting_after"] = page["data"][-1]["id"]

    def payment_intent(self, intent_id: str) -> dict:
        return self._get(f"/v1/payment_intents/{intent_id}")

    def flush(self) -> None:
        """Forget every object (DELETE /_config/data); webhooks stay registered."""
        requests.delete(f"{self.url}/_config/data", timeout=10).raise_for_status()
