"""The staff API's billing routes against real identity and billing services."""
from datetime import date, timedelta

import pytest

from .conftest import Api, create_customer, new_organization

TODAY = date.today()
DATE, LATER, DUE = (TODAY.isoformat(), (TODAY + timedelta(days=2)).isoformat(),
                    (TODAY + timedelta(days=30)).isoformat())
LINE = {"name": "Revisión", "quantity": "2", "rate": "50.00"}


def _invoice(api, customer, line_items=None, **extra):
    body = {"customer_id": customer["id"], "date": DATE, "due_date": DUE,
            "line_items": line_items or [LINE], "allow_partial_payments": True, **extra}
    return api.post("/invoices", json=body)


def _sent_invoice(api, customer, **extra):
    created = _invoice(api, customer, **extra)
    assert created.status_code == 201, created.json
    sent = api.post(f"/invoices/{created.json['id']}/send")
    assert sent.status_code == 200, sent.json
    return sent.json


def _error(response, status, code=None):
    assert response.status_code == status, response.json
    assert set(response.json["error"]) == {"code", "message", "details"}
    if code:
        assert response.json["error"]["code"] == code
    return response.json["error"]


@pytest.fixture
def customer(api):
    return create_customer(api)


def test_taxes_and_an_invoice_with_a_tax(api, customer):
    tax = api.post("/taxes", json={"name": "IVA", "rate": "21"})
    assert tax.status_code == 201, tax.json
    listed = api.get("/taxes")
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json["items"]] == [tax.json["id"]]

    created = _invoice(api, customer, line_items=[{**LINE, "tax_id": tax.json["id"]}])
    assert created.status_code == 201, created.json
    invoice = created.json
    assert {"id", "number", "total", "balance", "status"} <= set(invoice)
    assert created.headers["Location"].endswith(f"/api/v1/invoices/{invoice['id']}")
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"], invoice["balance"],
            invoice["status"], invoice["currency"]) == \
        ("100.00", "21.00", "121.00", "121.00", "draft", "EUR")
    assert invoice["number"] == "INV-000001"
    fetched = api.get(f"/invoices/{invoice['id']}").json
    assert {k: fetched[k] for k in invoice if k != "lines"} == \
        {k: v for k, v in invoice.items() if k != "lines"}
    assert fetched["lines"][0]["tax_amount"] == "21.00"


def test_list_filters_and_pages(api, customer):
    first = _sent_invoice(api, customer)
    second = _invoice(api, customer, date=LATER).json
    page = api.get("/invoices", query_string={"per_page": 1})
    assert page.status_code == 200
    assert set(page.json) == {"items", "total", "page", "per_page", "pages"}
    assert (page.json["total"], page.json["pages"], page.json["page"]) == (2, 2, 1)
    assert [i["id"] for i in page.json["items"]] == [second["id"]]
    drafts = api.get("/invoices", query_string={"status": "draft"}).json
    assert [i["id"] for i in drafts["items"]] == [second["id"]]
    by_customer = api.get("/invoices", query_string={"customer_id": customer["id"],
                                                     "kind": "invoice"}).json
    assert {i["id"] for i in by_customer["items"]} == {first["id"], second["id"]}
    _error(api.get("/invoices", query_string={"status": "lost"}), 400, "validation_failed")


def test_update_draft_send_then_refused(api, customer):
    invoice = _invoice(api, customer).json
    changed = api.patch(f"/invoices/{invoice['id']}",
                        json={"line_items": [{"name": "Pieza", "quantity": "1", "rate": "30"}]})
    assert changed.status_code == 200, changed.json
    assert (changed.json["total"], changed.json["due_date"]) == ("30.00", DUE)
    sent = api.post(f"/invoices/{invoice['id']}/send")
    assert (sent.status_code, sent.json["status"]) == (200, "sent")
    _error(api.patch(f"/invoices/{invoice['id']}", json={"notes": "x"}), 409,
           "invoice_state_conflict")


def test_payment_partial_then_paid(api, customer):
    invoice = _sent_invoice(api, customer)
    paid = api.post("/payments", json={
        "customer_id": customer["id"], "amount": "40.00", "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": invoice["id"], "amount": "40.00"}]})
    assert paid.status_code == 201, paid.json
    assert paid.json["unapplied"] == "0.00"
    after = api.get(f"/invoices/{invoice['id']}").json
    assert (after["balance"], after["status"]) == ("60.00", "partially_paid")

    _error(api.post("/payments", json={
        "customer_id": customer["id"], "amount": "70.00", "date": DATE,
        "mode": "bank_transfer",
        "applications": [{"invoice_id": invoice["id"], "amount": "70.00"}]}),
        400, "amount_refused")
    rest = api.post("/payments", json={
        "customer_id": customer["id"], "amount": "60.00", "date": DATE,
        "mode": "bank_transfer",
        "applications": [{"invoice_id": invoice["id"], "amount": "60.00"}]})
    assert rest.status_code == 201, rest.json
    after = api.get(f"/invoices/{invoice['id']}").json
    assert (after["balance"], after["status"]) == ("0.00", "paid")
    _error(api.post(f"/invoices/{invoice['id']}/void"), 409, "invoice_state_conflict")


def test_credit_note_applied(api, customer):
    invoice = _sent_invoice(api, customer)
    note = api.post("/credit-notes", json={"customer_id": customer["id"], "date": DATE,
                                           "line_items": [{**LINE, "quantity": "1"}]})
    assert note.status_code == 201, note.json
    assert note.json["remaining"] == "50.00"
    applied = api.post("/credits/apply", json={
        "customer_id": customer["id"], "credit_note_id": note.json["id"],
        "invoice_id": invoice["id"], "amount": "50.00"})
    assert applied.status_code == 201, applied.json
    assert api.get(f"/invoices/{invoice['id']}").json["balance"] == "50.00"


def test_refusals(api, customer):
    details = _error(_invoice(api, customer, line_items=[{**LINE, "quantity": "0"}]), 400,
                     "validation_failed")["details"]
    assert "line_items" in details
    _error(_invoice(api, customer, line_items=[{**LINE, "quantity": "-1"}]), 400)
    _error(_invoice(api, customer, line_items=[{**LINE, "tax_id": "nope"}]), 400,
           "invalid_document")
    assert "due_date" in _error(_invoice(api, customer, due_date=(TODAY - timedelta(days=1)).isoformat()), 400,
                                "validation_failed")["details"]

    invoice = _sent_invoice(api, customer)
    voided = api.post(f"/invoices/{invoice['id']}/void")
    assert (voided.status_code, voided.json["status"]) == (200, "void")
    _error(api.post("/payments", json={
        "customer_id": customer["id"], "amount": "10.00", "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": invoice["id"], "amount": "10.00"}]}),
        409, "invoice_state_conflict")
    _error(api.get("/invoices/00000000-0000-0000-0000-000000000000"), 404, "invoice_not_found")


def test_another_organization(app, client, api, customer):
    invoice = _sent_invoice(api, customer)
    other = Api(client, new_organization(app, "Otra Empresa")["api_key"])
    for response in (other.get(f"/invoices/{invoice['id']}"),
                     other.post(f"/invoices/{invoice['id']}/send"),
                     other.post(f"/invoices/{invoice['id']}/void"),
                     other.patch(f"/invoices/{invoice['id']}", json={"notes": "x"})):
        _error(response, 404)
    assert other.get("/invoices").json["total"] == 0
    _error(_invoice(other, customer), 404, "customer_not_found")
    _error(other.post("/payments", json={
        "customer_id": customer["id"], "amount": "10.00", "date": DATE, "mode": "cash",
        "applications": [{"invoice_id": invoice["id"], "amount": "10.00"}]}),
        404, "customer_not_found")
    assert api.get(f"/invoices/{invoice['id']}").json["status"] == "sent"


def test_retainer_drawn_on_an_invoice(api, customer):
    retainer = _sent_invoice(api, customer, kind="retainer")
    assert retainer["number"].startswith("RET-")
    paid = api.post("/payments", json={
        "customer_id": customer["id"], "amount": "100.00", "date": DATE, "mode": "cheque",
        "applications": [{"invoice_id": retainer["id"], "amount": "100.00"}]})
    assert paid.status_code == 201, paid.json
    assert api.get(f"/invoices/{retainer['id']}").json["retainer_available"] == "100.00"
    invoice = _sent_invoice(api, customer)
    applied = api.post("/retainers/apply", json={
        "customer_id": customer["id"], "retainer_invoice_id": retainer["id"],
        "invoice_id": invoice["id"], "amount": "30.00"})
    assert applied.status_code == 201, applied.json
    assert applied.json["amount"] == "30.00"
    after = api.get(f"/invoices/{invoice['id']}").json
    assert (after["balance"], after["status"]) == ("70.00", "partially_paid")
    _error(api.post("/retainers/apply", json={
        "customer_id": customer["id"], "retainer_invoice_id": retainer["id"],
        "invoice_id": invoice["id"], "amount": "80.00"}), 400, "amount_refused")


def test_another_organization_cannot_apply_credit_for_this_customer(app, client, api, customer):
    invoice = _sent_invoice(api, customer)
    other = Api(client, new_organization(app, "Tercera Empresa")["api_key"])
    _error(other.post("/credits/apply", json={
        "customer_id": customer["id"], "payment_id": "x", "invoice_id": invoice["id"],
        "amount": "1.00"}), 404, "customer_not_found")
    _error(other.post("/retainers/apply", json={
        "customer_id": customer["id"], "retainer_invoice_id": "x", "invoice_id": invoice["id"],
        "amount": "1.00"}), 404, "customer_not_found")
    _error(other.post("/credit-notes", json={"customer_id": customer["id"], "date": DATE,
                                             "line_items": [LINE]}), 404, "customer_not_found")



def test_openapi_has_the_billing_reads(client):
    document = client.get("/api/v1/openapi.json").json
    paths, schemas = document["paths"], document["components"]["schemas"]
    operations = {
        ("/credit-notes", "get"): "CreditNotePage",
        ("/credit-notes/{credit_note_id}", "get"): "CreditNoteDetail",
        ("/payments", "get"): "PaymentPage",
        ("/payments/{payment_id}", "get"): "Receipt",
        ("/invoices/{invoice_id}", "get"): "InvoiceDetail",
        ("/customers/{customer_id}/statement", "get"): "Statement",
        ("/invoices/{invoice_id}/comments", "get"): "CommentList",
        ("/recurring-profiles", "get"): "RecurringProfileList",
        ("/recurring-profiles/{profile_id}", "get"): "RecurringProfile",
    }
    for (path, method), schema in operations.items():
        responses = paths[f"/api/v1{path}"][method]["responses"]
        assert responses["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{schema}"}, path
        assert "404" in responses or "{" not in path, path

    def query(path):
        return {p["name"] for p in paths[f"/api/v1{path}"]["get"]["parameters"]
                if p.get("in") == "query"}
    assert query("/payments") == {"customer_id", "kind", "sort", "order", "page", "per_page"}
    assert query("/credit-notes") == {"customer_id", "page", "per_page"}
    assert query("/customers/{customer_id}/statement") == {"start", "end", "cursor", "limit"}
    assert {"taxes", "payments", "credits", "comments", "first_viewed_at"} <= \
        set(schemas["InvoiceDetail"]["properties"])
    assert {"applications", "refunds"} <= set(schemas["Receipt"]["properties"])


CREATING_POSTS = {"/taxes": "Tax", "/invoices": "Invoice", "/credit-notes": "CreditNote",
                  "/payments": "Payment", "/credits/apply": "CreditApplication",
                  "/retainers/apply": "CreditApplication", "/refunds": "Refund",
                  "/recurring-profiles": "RecurringProfile"}


def test_openapi_has_comments_and_the_idempotency_key(client):
    document = client.get("/api/v1/openapi.json").json
    paths, schemas = document["paths"], document["components"]["schemas"]
    comment = paths["/api/v1/invoices/{invoice_id}/comments"]["post"]
    assert comment["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CommentBody"}
    assert comment["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Comment"}
    assert set(schemas["CommentBody"]["properties"]) == {"body", "author_name",
                                                         "show_in_portal"}

    key = {"$ref": "#/components/parameters/IdempotencyKey"}
    parameter = document["components"]["parameters"]["IdempotencyKey"]
    assert (parameter["in"], parameter["name"], parameter["schema"]["maxLength"]) == \
        ("header", "Idempotency-Key", 255)
    for path, created in CREATING_POSTS.items():
        post = paths[f"/api/v1{path}"]["post"]
        assert key in post["parameters"], path
        assert {"201", "400", "409"} <= set(post["responses"]), path
        assert post["responses"]["201"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{created}"}, path
    assert set(paths["/api/v1/recurring-profiles/{profile_id}"]["delete"]["responses"]) >= \
        {"204", "401", "404"}
    assert {"customer_id", "source", "source_id", "amount", "date", "mode"} <= \
        set(schemas["RefundBody"]["required"])
    assert "line_items" in schemas["RecurringProfileBody"]["required"]
    assert key not in comment["parameters"]
    assert key not in paths["/api/v1/invoices/{invoice_id}/send"]["post"]["parameters"]
