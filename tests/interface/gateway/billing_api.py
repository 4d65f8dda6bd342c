"""Billing documents made through the staff API, for the billing API tests."""
from datetime import date, timedelta

from .conftest import Api, new_organization

TODAY = date.today()
DATE = TODAY.isoformat()
LATER = (TODAY + timedelta(days=2)).isoformat()
DUE = (TODAY + timedelta(days=30)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
LINE = {"name": "Revisión", "quantity": "2", "rate": "50.00"}


def error(response, status, code=None) -> dict:
    """The error body's ``error`` object, after checking the status and the shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == {"error"}
    assert set(response.json["error"]) == {"code", "message", "details"}
    if code:
        assert response.json["error"]["code"] == code, response.json
    return response.json["error"]


def created(response) -> dict:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def invoice(api, customer, line_items=None, headers=None, **extra):
    return api.post("/invoices", headers=headers or {}, json={
        "customer_id": customer["id"], "date": DATE, "due_date": DUE,
        "line_items": line_items or [LINE], **extra})


def sent_invoice(api, customer, **extra) -> dict:
    draft = created(invoice(api, customer, **extra))
    sent = api.post(f"/invoices/{draft['id']}/send")
    assert sent.status_code == 200, sent.json
    return sent.json


def payment(api, customer, amount, applications=(), **extra):
    return api.post("/payments", json={
        "customer_id": customer["id"], "amount": amount, "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": i, "amount": a} for i, a in applications], **extra})


def credit_note(api, customer, line_items=None, **extra):
    return api.post("/credit-notes", json={"customer_id": customer["id"], "date": DATE,
                                           "line_items": line_items or [LINE], **extra})


def recurring_profile(api, customer, **extra):
    return api.post("/recurring-profiles", json={
        "customer_id": customer["id"], "name": "Mantenimiento mensual",
        "frequency": "monthly", "start_date": DATE, "line_items": [LINE], **extra})


def other_organization(app, client, name="Otra Empresa") -> Api:
    return Api(client, new_organization(app, name)["api_key"])
