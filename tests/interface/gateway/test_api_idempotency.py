"""Idempotency-Key on every POST that creates: a retry answers the first answer again and
creates nothing more; the same key with other data is a 409; a bad key is a 400."""
import pytest

from .billing_api import (DATE, LINE, created, credit_note, error, invoice,
                          other_organization, sent_invoice)
from .conftest import create_customer


def _tax(api, customer):
    return ("/taxes", {"name": "IVA", "rate": "21"}, {"name": "IVA", "rate": "10"},
            lambda: len(api.get("/taxes").json["items"]))


def _invoice(api, customer):
    body = {"customer_id": customer["id"], "date": DATE, "line_items": [LINE]}
    return ("/invoices", body, {**body, "notes": "otra"},
            lambda: api.get("/invoices").json["total"])


def _credit_note(api, customer):
    body = {"customer_id": customer["id"], "date": DATE, "line_items": [LINE]}
    return ("/credit-notes", body, {**body, "line_items": [{**LINE, "quantity": "1"}]},
            lambda: api.get("/credit-notes").json["total"])


def _payment(api, customer):
    target = sent_invoice(api, customer)
    body = {"customer_id": customer["id"], "amount": "40.00", "date": DATE, "mode": "cash",
            "applications": [{"invoice_id": target["id"], "amount": "40.00"}]}
    return ("/payments", body, {**body, "mode": "cheque"},
            lambda: (api.get("/payments").json["total"],
                     api.get(f"/invoices/{target['id']}").json["balance"]))


def _credit_applied(api, customer):
    target = sent_invoice(api, customer)
    note = created(credit_note(api, customer))
    body = {"customer_id": customer["id"], "credit_note_id": note["id"],
            "invoice_id": target["id"], "amount": "10.00"}
    return ("/credits/apply", body, {**body, "amount": "20.00"},
            lambda: (api.get(f"/invoices/{target['id']}").json["balance"],
                     api.get(f"/credit-notes/{note['id']}").json["remaining"]))


def _retainer_applied(api, customer):
    retainer = sent_invoice(api, customer, kind="retainer")
    created(api.post("/payments", json={
        "customer_id": customer["id"], "amount": "100.00", "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": retainer["id"], "amount": "100.00"}]}))
    target = sent_invoice(api, customer)
    body = {"customer_id": customer["id"], "retainer_invoice_id": retainer["id"],
            "invoice_id": target["id"], "amount": "10.00"}
    return ("/retainers/apply", body, {**body, "amount": "20.00"},
            lambda: (api.get(f"/invoices/{target['id']}").json["balance"],
                     api.get(f"/invoices/{retainer['id']}").json["retainer_available"]))


def _refund(api, customer):
    note = created(credit_note(api, customer))
    body = {"customer_id": customer["id"], "source": "credit_note", "source_id": note["id"],
            "amount": "10.00", "date": DATE, "mode": "bank_transfer"}
    return ("/refunds", body, {**body, "amount": "11.00"},
            lambda: api.get(f"/credit-notes/{note['id']}").json["remaining"])


def _recurring_profile(api, customer):
    body = {"customer_id": customer["id"], "name": "Mantenimiento", "frequency": "monthly",
            "start_date": DATE, "line_items": [LINE]}
    return ("/recurring-profiles", body, {**body, "frequency": "yearly"},
            lambda: len(api.get("/recurring-profiles").json["items"]))


CREATES = [_tax, _invoice, _credit_note, _payment, _credit_applied, _retainer_applied,
           _refund, _recurring_profile]


@pytest.fixture
def customer(api):
    return create_customer(api)


@pytest.mark.parametrize("make", CREATES, ids=lambda make: make.__name__.strip("_"))
def test_a_retry_answers_the_first_answer_and_creates_nothing_more(api, customer, make):
    path, body, other_body, state = make(api, customer)
    before = state()
    key = {"Idempotency-Key": f"retry-{path}"}
    first = api.post(path, json=body, headers=key)
    assert first.status_code == 201, first.json
    after_first = state()
    assert after_first != before

    again = api.post(path, json=body, headers=key)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers.get("Location") == first.headers.get("Location")
    assert state() == after_first

    error(api.post(path, json=other_body, headers=key), 409, "idempotency_key_reused")
    assert state() == after_first

    fresh = api.post(path, json=other_body, headers={"Idempotency-Key": f"other-{path}"})
    assert fresh.status_code == 201, fresh.json
    assert fresh.json["id"] != first.json["id"]


@pytest.mark.parametrize("make", CREATES, ids=lambda make: make.__name__.strip("_"))
def test_a_key_longer_than_255_characters_or_empty_is_refused(api, customer, make):
    path, body, _, state = make(api, customer)
    before = state()
    for key in ("k" * 256, " "):
        details = error(api.post(path, json=body, headers={"Idempotency-Key": key}), 400,
                        "validation_failed")["details"]
        assert "Idempotency-Key" in details
    assert state() == before
    assert api.post(path, json=body, headers={"Idempotency-Key": "k" * 255}).status_code == 201


def test_without_a_key_each_post_creates(api, customer):
    body = {"customer_id": customer["id"], "date": DATE, "line_items": [LINE]}
    ids = {created(api.post("/invoices", json=body))["id"] for _ in range(2)}
    assert len(ids) == 2


def test_a_key_belongs_to_one_organization_and_one_operation(app, client, api, customer):
    key = {"Idempotency-Key": "shared-key"}
    mine = created(invoice(api, customer, headers=key))
    assert created(api.post("/taxes", json={"name": "IVA", "rate": "21"}, headers=key))
    other = other_organization(app, client)
    theirs = created(invoice(other, create_customer(other, "Bodegas Sur"), headers=key))
    assert theirs["id"] != mine["id"]
    assert api.get("/invoices").json["total"] == 1
