"""Quotes and sales orders made through the staff API, and the customer's side of them
(viewing, accepting, declining, commenting) through the quotes RPC, as the portal does it."""
from datetime import timedelta

from gateway.rpc_access import process_pool

from .billing_api import DATE, LINE, TODAY, created

EXPIRY = (TODAY + timedelta(days=30)).isoformat()
LONG_AGO = (TODAY - timedelta(days=20)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


def quote(api, customer, line_items=None, headers=None, **extra):
    return api.post("/quotes", headers=headers or {}, json={
        "customer_id": customer["id"], "date": DATE, "expiry_date": EXPIRY,
        "line_items": [LINE] if line_items is None else line_items, **extra})


def sent_quote(api, customer, **extra) -> dict:
    draft = created(quote(api, customer, **extra))
    sent = api.post(f"/quotes/{draft['id']}/send")
    assert sent.status_code == 200, sent.json
    return sent.json


def expired_quote(api, customer, **extra) -> dict:
    """Sent, dated 20 days ago, and past its expiry date (yesterday)."""
    return sent_quote(api, customer, date=LONG_AGO, expiry_date=YESTERDAY, **extra)


def sales_order(api, customer, line_items=None, headers=None, **extra):
    return api.post("/sales-orders", headers=headers or {}, json={
        "customer_id": customer["id"], "date": DATE, "expected_shipment_date": EXPIRY,
        "line_items": [LINE] if line_items is None else line_items, **extra})


def count(api, path) -> int:
    return api.get(path).json["total"]


class Customer:
    """One customer's contact acting on quotes through the quotes RPC (the portal's calls)."""

    def __init__(self, app, org, customer, contact_index=0):
        self.pool = process_pool(app)
        self.organization_id = org["id"]
        self.customer_id = customer["id"]
        self.contact = customer["contacts"][contact_index]
        self.name = self.contact["name"]

    def _call(self, method, *args, **kwargs):
        return self.pool.call("quotes", method, self.organization_id, *args, **kwargs)

    def view(self, quote_id):
        return self._call("mark_quote_viewed", self.customer_id, self.contact["id"], quote_id)

    def view_sales_order(self, sales_order_id):
        return self._call("mark_sales_order_viewed", self.customer_id, self.contact["id"],
                          sales_order_id)

    def accept(self, quote_id, signature_name=None):
        data = {"contact_name": self.name}
        if signature_name is not None:
            data["signature_name"] = signature_name
        return self._call("accept_quote", self.customer_id, self.contact["id"], quote_id, data)

    def decline(self, quote_id, reason=""):
        return self._call("decline_quote", self.customer_id, self.contact["id"], quote_id,
                          {"contact_name": self.name, "reason": reason})

    def comment(self, quote_id, body):
        return self._call("add_quote_comment", quote_id,
                          {"body": body, "author_name": self.name},
                          customer_id=self.customer_id, contact_id=self.contact["id"])

    def get(self, quote_id):
        return self._call("get_quote", quote_id, customer_id=self.customer_id)


def accepted_quote(app, org, api, customer, **extra) -> dict:
    sent = sent_quote(api, customer, **extra)
    Customer(app, org, customer).accept(sent["id"], signature_name="M. Ibáñez")
    return api.get(f"/quotes/{sent['id']}").json
