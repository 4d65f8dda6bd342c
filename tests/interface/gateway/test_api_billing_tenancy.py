"""Every billing route of the staff API, with another organization's ids: a 404 with the
error body, and nothing of the owner's changes (read back with the owner's key)."""
from types import SimpleNamespace

import pytest

from .billing_api import (DATE, DUE, LINE, created, credit_note, error, invoice,
                          other_organization, payment, recurring_profile, sent_invoice)
from .conftest import create_customer


@pytest.fixture
def owner(api):
    """One of everything billing keeps, in the owner's organization."""
    customer = create_customer(api)
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    sent = sent_invoice(api, customer)
    draft = created(invoice(api, customer))
    retainer = sent_invoice(api, customer, kind="retainer")
    created(payment(api, customer, "100.00", [(retainer["id"], "100.00")]))
    paid = created(payment(api, customer, "50.00", [(sent["id"], "20.00")]))
    note = created(credit_note(api, customer))
    profile = created(recurring_profile(api, customer))
    created(api.post(f"/invoices/{sent['id']}/comments", json={"body": "Revisado"}))
    return SimpleNamespace(customer=customer, tax=tax, sent=sent, draft=draft,
                           retainer=retainer, payment=paid, note=note, profile=profile)


@pytest.fixture
def other(app, client):
    """Another organization with a customer, an open invoice and a credit note of its own."""
    api = other_organization(app, client)
    customer = create_customer(api, "Bodegas Sur")
    return SimpleNamespace(api=api, customer=customer, invoice=sent_invoice(api, customer),
                           note=created(credit_note(api, customer)))


def _state(api, w) -> dict:
    """What the owner reads of everything the other organization aims at."""
    reads = [f"/invoices/{w.sent['id']}", f"/invoices/{w.draft['id']}",
             f"/invoices/{w.retainer['id']}", f"/invoices/{w.sent['id']}/comments",
             f"/credit-notes/{w.note['id']}", f"/payments/{w.payment['id']}",
             f"/recurring-profiles/{w.profile['id']}", "/taxes", "/invoices",
             "/credit-notes", "/payments", "/recurring-profiles",
             f"/customers/{w.customer['id']}/statement?start={DATE}&end={DUE}"]
    state = {}
    for path in reads:
        response = api.get(path)
        assert response.status_code == 200, (path, response.json)
        state[path] = response.json
    return state


def _body(o, **fields):
    return {"customer_id": o.customer["id"], **fields}


CASES = {
    "get invoice": (lambda o, w: o.api.get(f"/invoices/{w.sent['id']}"), "invoice_not_found"),
    "get retainer invoice": (lambda o, w: o.api.get(f"/invoices/{w.retainer['id']}"),
                             "invoice_not_found"),
    "change draft": (lambda o, w: o.api.patch(f"/invoices/{w.draft['id']}",
                                              json={"notes": "cambiada"}), "invoice_not_found"),
    "send draft": (lambda o, w: o.api.post(f"/invoices/{w.draft['id']}/send"),
                   "invoice_not_found"),
    "void invoice": (lambda o, w: o.api.post(f"/invoices/{w.sent['id']}/void"),
                     "invoice_not_found"),
    "comment": (lambda o, w: o.api.post(f"/invoices/{w.sent['id']}/comments",
                                        json={"body": "hola", "show_in_portal": True}),
                "invoice_not_found"),
    "read comments": (lambda o, w: o.api.get(f"/invoices/{w.sent['id']}/comments"),
                      "invoice_not_found"),
    "invoice for their customer": (lambda o, w: invoice(o.api, w.customer),
                                   "customer_not_found"),
    "credit note for their customer": (lambda o, w: credit_note(o.api, w.customer),
                                       "customer_not_found"),
    "get credit note": (lambda o, w: o.api.get(f"/credit-notes/{w.note['id']}"),
                        "credit_note_not_found"),
    "payment for their customer": (
        lambda o, w: payment(o.api, w.customer, "10.00", [(w.sent["id"], "10.00")]),
        "customer_not_found"),
    "payment applied to their invoice": (
        lambda o, w: payment(o.api, o.customer, "10.00", [(w.sent["id"], "10.00")]),
        "invoice_not_found"),
    "get payment": (lambda o, w: o.api.get(f"/payments/{w.payment['id']}"),
                    "payment_not_found"),
    "apply credit for their customer": (
        lambda o, w: o.api.post("/credits/apply", json={
            "customer_id": w.customer["id"], "credit_note_id": w.note["id"],
            "invoice_id": w.sent["id"], "amount": "1.00"}), "customer_not_found"),
    "apply their credit note": (
        lambda o, w: o.api.post("/credits/apply", json=_body(
            o, credit_note_id=w.note["id"], invoice_id=o.invoice["id"], amount="1.00")),
        "credit_note_not_found"),
    "apply their payment": (
        lambda o, w: o.api.post("/credits/apply", json=_body(
            o, payment_id=w.payment["id"], invoice_id=o.invoice["id"], amount="1.00")),
        "payment_not_found"),
    "apply credit to their invoice": (
        lambda o, w: o.api.post("/credits/apply", json=_body(
            o, credit_note_id=o.note["id"], invoice_id=w.sent["id"], amount="1.00")),
        "invoice_not_found"),
    "apply retainer for their customer": (
        lambda o, w: o.api.post("/retainers/apply", json={
            "customer_id": w.customer["id"], "retainer_invoice_id": w.retainer["id"],
            "invoice_id": w.sent["id"], "amount": "1.00"}), "customer_not_found"),
    "apply their retainer": (
        lambda o, w: o.api.post("/retainers/apply", json=_body(
            o, retainer_invoice_id=w.retainer["id"], invoice_id=o.invoice["id"],
            amount="1.00")), "invoice_not_found"),
    "refund for their customer": (
        lambda o, w: o.api.post("/refunds", json={
            "customer_id": w.customer["id"], "source": "credit_note",
            "source_id": w.note["id"], "amount": "1.00", "date": DATE, "mode": "cash"}),
        "customer_not_found"),
    "refund their credit note": (
        lambda o, w: o.api.post("/refunds", json=_body(
            o, source="credit_note", source_id=w.note["id"], amount="1.00", date=DATE,
            mode="cash")), "credit_note_not_found"),
    "refund their payment": (
        lambda o, w: o.api.post("/refunds", json=_body(
            o, source="payment", source_id=w.payment["id"], amount="1.00", date=DATE,
            mode="cash")), "payment_not_found"),
    "refund their retainer": (
        lambda o, w: o.api.post("/refunds", json=_body(
            o, source="retainer", source_id=w.retainer["id"], amount="1.00", date=DATE,
            mode="cash")), "invoice_not_found"),
    "recurring profile for their customer": (lambda o, w: recurring_profile(o.api, w.customer),
                                             "customer_not_found"),
    "get recurring profile": (lambda o, w: o.api.get(f"/recurring-profiles/{w.profile['id']}"),
                              "recurring_profile_not_found"),
    "delete recurring profile": (
        lambda o, w: o.api.delete(f"/recurring-profiles/{w.profile['id']}"),
        "recurring_profile_not_found"),
    "statement of their customer": (
        lambda o, w: o.api.get(f"/customers/{w.customer['id']}/statement",
                               query_string={"start": DATE, "end": DUE}),
        "customer_not_found"),
}


@pytest.mark.parametrize("case", CASES)
def test_another_organizations_id_is_404_and_changes_nothing(api, owner, other, case):
    attempt, code = CASES[case]
    before = _state(api, owner)
    error(attempt(other, owner), 404, code)
    assert _state(api, owner) == before


def test_their_tax_is_unknown_here(api, owner, other):
    before = _state(api, owner)
    error(invoice(other.api, other.customer, line_items=[{**LINE, "tax_id": owner.tax["id"]}]),
          400, "invalid_document")
    assert other.api.get("/invoices").json["total"] == 1
    assert _state(api, owner) == before


def test_lists_filtered_by_their_customer_are_empty(api, owner, other):
    their_customer = {"customer_id": owner.customer["id"]}
    for path in ("/invoices", "/credit-notes", "/payments"):
        page = other.api.get(path, query_string=their_customer)
        assert (page.status_code, page.json["total"], page.json["items"]) == (200, 0, []), path
    profiles = other.api.get("/recurring-profiles", query_string=their_customer)
    assert (profiles.status_code, profiles.json["items"]) == (200, [])
    assert other.api.get("/taxes").json["items"] == []
    ours = api.get("/invoices", query_string=their_customer).json
    assert ours["total"] == 3


def test_their_recurring_profile_cannot_be_referenced(api, owner, other):
    before = _state(api, owner)
    details = error(invoice(other.api, other.customer,
                            recurring_profile_id=owner.profile["id"]), 400,
                    "invalid_document")["details"]
    assert set(details) == {"recurring_profile_id"}
    assert other.api.get("/invoices").json["total"] == 1
    assert _state(api, owner) == before
