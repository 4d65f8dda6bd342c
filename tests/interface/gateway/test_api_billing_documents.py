"""The staff API's billing reads and the issue-4 documents: credit notes and payments
listed and read (receipts), invoice detail, refunds, staff comments, recurring profiles,
invoice order and the customer's first view."""
import pytest

from gateway.rpc_access import process_pool

from .billing_api import (DATE, DUE, LATER, LINE, created, credit_note, error, invoice,
                          payment, recurring_profile, sent_invoice)
from .conftest import create_customer


@pytest.fixture
def customer(api):
    return create_customer(api)


def test_credit_notes_listed_by_customer_and_read(api, customer):
    second_customer = create_customer(api, "Bodegas Sur")
    first = created(credit_note(api, customer))
    response = credit_note(api, second_customer, line_items=[{**LINE, "quantity": "1"}])
    second = created(response)
    assert response.headers["Location"].endswith(f"/api/v1/credit-notes/{second['id']}")
    page = api.get("/credit-notes", query_string={"per_page": 1}).json
    assert set(page) == {"items", "total", "page", "per_page", "pages"}
    assert (page["total"], page["pages"], len(page["items"])) == (2, 2, 1)
    mine = api.get("/credit-notes", query_string={"customer_id": customer["id"]}).json
    assert [n["id"] for n in mine["items"]] == [first["id"]]
    read = api.get(f"/credit-notes/{first['id']}")
    assert read.status_code == 200
    assert (read.json["number"], read.json["total"], read.json["remaining"]) == \
        (first["number"], "100.00", "100.00")
    assert read.json["lines"][0]["name"] == LINE["name"]
    error(api.get("/credit-notes/00000000-0000-0000-0000-000000000000"), 404,
          "credit_note_not_found")


def test_payments_listed_filtered_sorted_and_read_as_receipts(api, customer):
    target = sent_invoice(api, customer)
    retainer = sent_invoice(api, customer, kind="retainer")
    on_invoice = created(payment(api, customer, "30.00", [(target["id"], "30.00")]))
    on_retainer = created(payment(api, customer, "80.00", [(retainer["id"], "80.00")],
                                  reference="TR-7"))
    assert on_invoice["number"] == "PAY-000001" and on_retainer["number"] == "PAY-000002"

    page = api.get("/payments", query_string={"sort": "amount", "order": "asc"}).json
    assert [p["id"] for p in page["items"]] == [on_invoice["id"], on_retainer["id"]]
    assert page["total"] == 2
    summary = page["items"][1]
    assert (summary["amount"], summary["unapplied"], summary["currency"],
            summary["applies_to"], summary["reference"]) == \
        ("80.00", "0.00", "EUR", ["retainer"], "TR-7")
    kinds = {kind: [p["id"] for p in api.get("/payments", query_string={"kind": kind})
                    .json["items"]] for kind in ("invoice", "retainer")}
    assert kinds == {"invoice": [on_invoice["id"]], "retainer": [on_retainer["id"]]}

    receipt = api.get(f"/payments/{on_invoice['id']}")
    assert receipt.status_code == 200
    assert receipt.json["number"] == "PAY-000001"
    assert receipt.json["applications"] == [{
        "invoice_id": target["id"], "invoice_number": target["number"],
        "invoice_kind": "invoice", "invoice_date": DATE, "invoice_total": "100.00",
        "amount": "30.00"}]
    assert receipt.json["refunds"] == []
    error(api.get("/payments/00000000-0000-0000-0000-000000000000"), 404, "payment_not_found")


def test_refund_of_a_payments_unapplied_part(api, customer):
    target = sent_invoice(api, customer)
    paid = created(payment(api, customer, "50.00", [(target["id"], "20.00")]))
    refund = api.post("/refunds", json={
        "customer_id": customer["id"], "source": "payment", "source_id": paid["id"],
        "amount": "10.00", "date": DATE, "mode": "bank_transfer", "reference": "DEV-1"})
    assert refund.status_code == 201, refund.json
    assert {k: v for k, v in refund.json.items() if k != "id"} == {
        "number": "RFD-000001", "source": "payment", "source_id": paid["id"],
        "amount": "10.00", "currency": "EUR", "date": DATE, "mode": "bank_transfer",
        "reference": "DEV-1"}
    receipt = api.get(f"/payments/{paid['id']}").json
    assert receipt["unapplied"] == "20.00"
    assert [r["id"] for r in receipt["refunds"]] == [refund.json["id"]]
    error(api.post("/refunds", json={
        "customer_id": customer["id"], "source": "payment", "source_id": paid["id"],
        "amount": "20.01", "date": DATE, "mode": "cash"}), 400, "amount_refused")
    details = error(api.post("/refunds", json={
        "customer_id": customer["id"], "source": "gift", "source_id": paid["id"],
        "amount": "-1", "date": DATE, "mode": "cash"}), 400, "validation_failed")["details"]
    assert set(details) == {"source", "amount"}
    assert api.get(f"/payments/{paid['id']}").json["unapplied"] == "20.00"


def test_staff_comments_and_what_the_portal_shows(app, org, api, customer):
    target = sent_invoice(api, customer)
    internal = api.post(f"/invoices/{target['id']}/comments", json={"body": "Llamar el lunes"})
    assert internal.status_code == 201, internal.json
    assert {k: internal.json[k] for k in ("invoice_id", "author_type", "author_name", "body",
                                          "show_in_portal")} == {
        "invoice_id": target["id"], "author_type": "staff", "author_name": "Staff",
        "body": "Llamar el lunes", "show_in_portal": False}
    shown = created(api.post(f"/invoices/{target['id']}/comments", json={
        "body": "Gracias por su pedido", "author_name": "Ana", "show_in_portal": True}))
    assert shown["author_name"] == "Ana"

    listed = api.get(f"/invoices/{target['id']}/comments")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [internal.json["id"], shown["id"]]
    assert [c["id"] for c in api.get(f"/invoices/{target['id']}").json["comments"]] == \
        [internal.json["id"], shown["id"]]
    as_customer = process_pool(app).call("billing", "get_invoice", org["id"], target["id"],
                                         customer_id=customer["id"])
    assert [c["id"] for c in as_customer["comments"]] == [shown["id"]]

    details = error(api.post(f"/invoices/{target['id']}/comments", json={
        "body": "", "show_in_portal": "maybe"}), 400, "validation_failed")["details"]
    assert set(details) == {"body", "show_in_portal"}
    assert len(api.get(f"/invoices/{target['id']}/comments").json["items"]) == 2


def test_recurring_profiles_created_listed_and_deleted(api, customer):
    response = recurring_profile(api, customer, end_date=DUE)
    profile = created(response)
    assert response.headers["Location"].endswith(f"/api/v1/recurring-profiles/{profile['id']}")
    assert {k: profile[k] for k in ("customer_id", "name", "frequency", "start_date",
                                    "end_date", "currency", "total", "status",
                                    "deleted_at")} == {
        "customer_id": customer["id"], "name": "Mantenimiento mensual",
        "frequency": "monthly", "start_date": DATE, "end_date": DUE, "currency": "EUR",
        "total": "100.00", "status": "active", "deleted_at": None}
    made = created(invoice(api, customer, recurring_profile_id=profile["id"]))
    assert (made["recurring_profile_id"], made["recurring_profile_deleted"]) == \
        (profile["id"], False)
    other_customer = create_customer(api, "Bodegas Sur")
    created(recurring_profile(api, other_customer, frequency="yearly"))

    assert len(api.get("/recurring-profiles").json["items"]) == 2
    mine = api.get("/recurring-profiles", query_string={"customer_id": customer["id"]}).json
    assert [p["id"] for p in mine["items"]] == [profile["id"]]
    assert api.get(f"/recurring-profiles/{profile['id']}").json == profile

    deleted = api.delete(f"/recurring-profiles/{profile['id']}")
    assert (deleted.status_code, deleted.get_data()) == (204, b"")
    after = api.get(f"/recurring-profiles/{profile['id']}").json
    assert after["status"] == "deleted" and after["deleted_at"]
    assert api.delete(f"/recurring-profiles/{profile['id']}").status_code == 204
    assert api.get(f"/recurring-profiles/{profile['id']}").json == after
    assert api.get(f"/invoices/{made['id']}").json["recurring_profile_deleted"] is True
    details = error(invoice(api, customer, recurring_profile_id=profile["id"]), 400,
                    "invalid_document")["details"]
    assert "recurring_profile_id" in details
    error(api.get("/recurring-profiles/00000000-0000-0000-0000-000000000000"), 404,
          "recurring_profile_not_found")
    details = error(recurring_profile(api, customer, frequency="daily"), 400,
                    "validation_failed")["details"]
    assert set(details) == {"frequency"}


def test_invoices_sorted_and_the_customers_first_view(app, org, api, customer):
    small = sent_invoice(api, customer, line_items=[{**LINE, "quantity": "1"}])
    large = sent_invoice(api, customer, date=LATER, line_items=[{**LINE, "quantity": "5"}])
    by_total = api.get("/invoices", query_string={"sort": "total", "order": "asc"}).json
    assert [i["id"] for i in by_total["items"]] == [small["id"], large["id"]]
    by_date = api.get("/invoices", query_string={"sort": "date", "order": "desc"}).json
    assert [i["id"] for i in by_date["items"]] == [large["id"], small["id"]]

    assert api.get(f"/invoices/{small['id']}").json["first_viewed_at"] is None
    process_pool(app).call("billing", "mark_invoice_viewed", org["id"], customer["id"],
                           small["id"])
    viewed = api.get(f"/invoices/{small['id']}").json
    assert viewed["first_viewed_at"] and viewed["status"] == "viewed"
    listed = {i["id"]: i for i in api.get("/invoices").json["items"]}
    assert listed[small["id"]]["first_viewed_at"] == viewed["first_viewed_at"]
    assert listed[large["id"]]["first_viewed_at"] is None


def test_invoice_detail_sums_taxes_and_lists_payments_and_credits(api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    target = sent_invoice(api, customer, line_items=[{**LINE, "tax_id": tax["id"]},
                                                     {**LINE, "tax_id": tax["id"]}])
    assert target["total"] == "242.00"
    paid = created(payment(api, customer, "42.00", [(target["id"], "42.00")], reference="R1"))
    note = created(credit_note(api, customer))
    created(api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note["id"],
        "invoice_id": target["id"], "amount": "100.00"}))
    detail = api.get(f"/invoices/{target['id']}").json
    assert detail["taxes"] == [{"tax_id": tax["id"], "name": "IVA", "rate": "21",
                                "amount": "42.00"}]
    assert [(p["payment_id"], p["number"], p["amount"], p["reference"])
            for p in detail["payments"]] == [(paid["id"], "PAY-000001", "42.00", "R1")]
    assert [(c["source"], c["source_id"], c["number"], c["amount"])
            for c in detail["credits"]] == [("credit_note", note["id"], note["number"],
                                             "100.00")]
    assert detail["balance"] == "100.00"


def test_payment_gateways_and_sales_order_number_kept_when_a_draft_changes(api, customer):
    draft = created(invoice(api, customer, payment_gateways=["stripe"],
                            sales_order_number="SO-12"))
    assert (draft["payment_gateways"], draft["sales_order_number"], draft["sent_at"]) == \
        (["stripe"], "SO-12", None)
    changed = api.patch(f"/invoices/{draft['id']}", json={"notes": "Entrega parcial"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["payment_gateways"], changed.json["sales_order_number"],
            changed.json["notes"]) == (["stripe"], "SO-12", "Entrega parcial")
    details = error(invoice(api, customer, payment_gateways=["paypal"],
                            sales_order_number="S" * 41), 400, "validation_failed")["details"]
    assert set(details) == {"payment_gateways", "sales_order_number"}
    sent = api.post(f"/invoices/{draft['id']}/send").json
    assert sent["sent_at"]
