"""The staff API's quotes against real identity, billing and quotes services: create, list,
read, change, send, revise a declined quote, convert an accepted one into an invoice,
comments, the customer's first view, and two contacts deciding at the same moment."""
import threading
import time
from decimal import Decimal

import eventlet
import pytest

from gateway.errors import lookup
from quotes.exceptions import QuoteAlreadyDecided

from .billing_api import DATE, LATER, LINE, created, error
from .conftest import create_customer
from .quotes_api import (EXPIRY, LONG_AGO, YESTERDAY, Customer, accepted_quote, count,
                         expired_quote, quote, sent_quote)


@pytest.fixture
def customer(api):
    return create_customer(api)


def test_create_with_a_tax_and_read_back(api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    response = quote(api, customer, reference="PED-7", notes="Gracias", terms="Pago a 30 días",
                     line_items=[{**LINE, "tax_id": tax["id"], "description": "Mano de obra"},
                                 {"name": "Filtro", "quantity": "1", "rate": "40.00",
                                  "discount": "10"}])
    made = created(response)
    assert response.headers["Location"].endswith(f"/api/v1/quotes/{made['id']}")
    assert {k: made[k] for k in (
        "number", "revision", "customer_id", "status", "date", "expiry_date", "reference",
        "currency", "notes", "terms", "subtotal", "tax_total", "total", "sent_at",
        "first_viewed_at", "decided_at", "invoice_id")} == {
        "number": "QT-00001", "revision": 1, "customer_id": customer["id"], "status": "draft",
        "date": DATE, "expiry_date": EXPIRY, "reference": "PED-7", "currency": "EUR",
        "notes": "Gracias", "terms": "Pago a 30 días", "subtotal": "136.00",
        "tax_total": "21.00", "total": "157.00", "sent_at": None, "first_viewed_at": None,
        "decided_at": None, "invoice_id": None}
    first, second = made["lines"]
    assert first["position"] < second["position"]
    assert (first["name"], first["description"], first["tax_id"], first["tax_name"],
            Decimal(first["tax_rate"]), first["amount"], first["tax_amount"]) == \
        ("Revisión", "Mano de obra", tax["id"], "IVA", Decimal(21), "100.00", "21.00")
    assert (second["amount"], second["tax_id"], Decimal(second["discount"])) == \
        ("36.00", None, Decimal(10))

    detail = api.get(f"/quotes/{made['id']}")
    assert detail.status_code == 200
    assert {k: v for k, v in detail.json.items() if k not in ("revisions", "comments")} == made
    assert (detail.json["revisions"], detail.json["comments"]) == ([], [])
    assert created(quote(api, customer))["number"] == "QT-00002"


def test_list_filters_by_status_and_customer_and_sorts(api, customer):
    other_customer = create_customer(api, "Bodegas Sur")
    draft = created(quote(api, customer, date=LATER, line_items=[{**LINE, "quantity": "5"}]))
    sent = sent_quote(api, customer)
    expired = expired_quote(api, other_customer, line_items=[{**LINE, "quantity": "1"}])
    newest_first = [draft["id"], sent["id"], expired["id"]]

    def ids(**query):
        response = api.get("/quotes", query_string=query)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert ids() == newest_first
    assert ids(sort="date") == newest_first[::-1]
    assert ids(sort="total") == [expired["id"], sent["id"], draft["id"]]
    assert ids(sort="-total") == [draft["id"], sent["id"], expired["id"]]
    assert ids(sort="number") == [draft["id"], sent["id"], expired["id"]]
    assert ids(sort="-number") == [expired["id"], sent["id"], draft["id"]]
    assert ids(status="draft") == [draft["id"]]
    assert ids(status="sent") == [sent["id"]]
    assert ids(status="awaiting") == [sent["id"]]
    assert ids(status="expired") == [expired["id"]]
    assert ids(status="accepted") == []
    assert ids(customer_id=other_customer["id"]) == [expired["id"]]
    assert ids(customer_id=customer["id"], status="draft") == [draft["id"]]
    listed = api.get("/quotes", query_string={"status": "expired"}).json["items"][0]
    assert (listed["status"], listed["number"], listed["total"]) == \
        ("expired", expired["number"], "50.00")

    page = api.get("/quotes", query_string={"per_page": 2, "page": 2}).json
    assert {k: page[k] for k in ("total", "page", "per_page", "pages")} == \
        {"total": 3, "page": 2, "per_page": 2, "pages": 2}
    assert [item["id"] for item in page["items"]] == [expired["id"]]


def test_change_then_send_and_send_again(api, customer):
    draft = created(quote(api, customer, notes="Primera", terms="Contado"))
    changed = api.patch(f"/quotes/{draft['id']}", json={"notes": "Segunda"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["notes"], changed.json["terms"], changed.json["total"],
            changed.json["expiry_date"], changed.json["revision"], changed.json["status"]) == \
        ("Segunda", "Contado", "100.00", EXPIRY, 1, "draft")
    assert [line["name"] for line in changed.json["lines"]] == ["Revisión"]

    changed = api.patch(f"/quotes/{draft['id']}", json={
        "line_items": [{"name": "Pieza", "quantity": "3", "rate": "30"}]})
    assert changed.status_code == 200, changed.json
    assert (changed.json["total"], changed.json["notes"]) == ("90.00", "Segunda")

    sent = api.post(f"/quotes/{draft['id']}/send")
    assert sent.status_code == 200, sent.json
    assert (sent.json["status"], sent.json["revision"]) == ("sent", 1) and sent.json["sent_at"]
    again = api.post(f"/quotes/{draft['id']}/send")
    assert again.status_code == 200, again.json
    assert again.json["status"] == "sent" and again.json["sent_at"] >= sent.json["sent_at"]

    in_place = api.patch(f"/quotes/{draft['id']}", json={"reference": "R-2"})
    assert in_place.status_code == 200, in_place.json
    assert (in_place.json["status"], in_place.json["revision"], in_place.json["reference"]) == \
        ("sent", 1, "R-2")
    assert api.get(f"/quotes/{draft['id']}").json["revisions"] == []


def test_the_customers_first_view_shows_in_the_api(app, org, api, customer):
    sent = sent_quote(api, customer)
    assert api.get(f"/quotes/{sent['id']}").json["first_viewed_at"] is None
    marta = Customer(app, org, customer)
    marta.view(sent["id"])
    viewed = api.get(f"/quotes/{sent['id']}").json
    assert viewed["status"] == "viewed" and viewed["first_viewed_at"]
    marta.view(sent["id"])
    assert api.get(f"/quotes/{sent['id']}").json["first_viewed_at"] == \
        viewed["first_viewed_at"]
    listed = api.get("/quotes", query_string={"status": "awaiting"}).json["items"]
    assert [(q["id"], q["status"], q["first_viewed_at"]) for q in listed] == \
        [(sent["id"], "viewed", viewed["first_viewed_at"])]


def test_a_declined_quote_is_revised_and_sent_again(app, org, api, customer):
    sent = sent_quote(api, customer)
    marta = Customer(app, org, customer)
    marta.view(sent["id"])
    marta.decline(sent["id"], reason="Demasiado caro")
    declined = api.get(f"/quotes/{sent['id']}").json
    assert (declined["status"], declined["decline_reason"], declined["decided_by_name"],
            declined["decided_by_contact_id"]) == \
        ("declined", "Demasiado caro", marta.name, marta.contact["id"])
    assert declined["decided_at"]

    response = api.patch(f"/quotes/{sent['id']}",
                         json={"line_items": [{**LINE, "discount": "10"}]})
    assert response.status_code == 200, response.json
    revised = response.json
    assert (revised["id"], revised["number"], revised["revision"], revised["status"],
            revised["total"]) == (sent["id"], sent["number"], 2, "draft", "90.00")
    assert (revised["decided_at"], revised["decided_by_name"], revised["first_viewed_at"]) == \
        (None, None, None)
    assert not revised["decline_reason"]

    detail = api.get(f"/quotes/{sent['id']}").json
    assert len(detail["revisions"]) == 1
    first = detail["revisions"][0]
    assert {k: first[k] for k in ("revision", "status", "date", "expiry_date", "total",
                                  "decline_reason", "decided_by_name")} == {
        "revision": 1, "status": "declined", "date": DATE, "expiry_date": EXPIRY,
        "total": "100.00", "decline_reason": "Demasiado caro", "decided_by_name": marta.name}
    assert first["superseded_at"] and first["decided_at"] == declined["decided_at"]

    resent = api.post(f"/quotes/{sent['id']}/send")
    assert resent.status_code == 200, resent.json
    assert (resent.json["status"], resent.json["revision"]) == ("sent", 2)
    assert [q["id"] for q in api.get("/quotes", query_string={"status": "awaiting"})
            .json["items"]] == [sent["id"]]

    marta.view(sent["id"])
    assert api.get(f"/quotes/{sent['id']}").json["first_viewed_at"]
    marta.accept(sent["id"], signature_name="Marta I.")
    accepted = api.get(f"/quotes/{sent['id']}").json
    assert (accepted["status"], accepted["revision"], accepted["signature_name"],
            accepted["decided_by_name"], accepted["total"]) == \
        ("accepted", 2, "Marta I.", marta.name, "90.00")
    error(api.patch(f"/quotes/{sent['id']}", json={"notes": "x"}), 409,
          "quote_state_conflict")
    assert api.get(f"/quotes/{sent['id']}").json == accepted


def test_an_expired_quote_is_revised_too(api, customer):
    expired = expired_quote(api, customer)
    assert api.get(f"/quotes/{expired['id']}").json["status"] == "expired"
    revised = api.patch(f"/quotes/{expired['id']}", json={"date": DATE,
                                                          "expiry_date": EXPIRY})
    assert revised.status_code == 200, revised.json
    assert (revised.json["revision"], revised.json["status"], revised.json["date"]) == \
        (2, "draft", DATE)
    revisions = api.get(f"/quotes/{expired['id']}").json["revisions"]
    assert [(r["revision"], r["status"], r["date"]) for r in revisions] == \
        [(1, "expired", LONG_AGO)]
    assert api.post(f"/quotes/{expired['id']}/send").json["status"] == "sent"


def test_an_accepted_quote_becomes_a_sent_invoice_once(app, org, api, customer):
    tax = created(api.post("/taxes", json={"name": "IVA", "rate": "21"}))
    accepted = accepted_quote(app, org, api, customer, notes="Según lo hablado",
                              line_items=[{**LINE, "tax_id": tax["id"]}])
    assert accepted["status"] == "accepted"
    response = api.post(f"/quotes/{accepted['id']}/convert-to-invoice")
    converted = created(response)
    assert set(converted) == {"quote", "invoice"}
    invoice = converted["invoice"]
    assert (invoice["status"], invoice["total"], invoice["currency"]) == ("sent", "121.00", "EUR")
    assert response.headers["Location"].endswith(f"/api/v1/invoices/{invoice['id']}")
    assert (converted["quote"]["status"], converted["quote"]["invoice_id"],
            converted["quote"]["invoice_number"]) == ("invoiced", invoice["id"],
                                                      invoice["number"])

    billed = api.get(f"/invoices/{invoice['id']}")
    assert billed.status_code == 200, billed.json
    assert {k: billed.json[k] for k in ("customer_id", "number", "status", "date", "currency",
                                        "subtotal", "tax_total", "total", "balance",
                                        "quote_number")} == {
        "customer_id": customer["id"], "number": invoice["number"], "status": "sent",
        "date": DATE, "currency": "EUR", "subtotal": "100.00", "tax_total": "21.00",
        "total": "121.00", "balance": "121.00", "quote_number": accepted["number"]}
    assert [(line["name"], line["tax_id"]) for line in billed.json["lines"]] == \
        [("Revisión", tax["id"])]
    assert count(api, "/invoices") == 1

    details = error(api.post(f"/quotes/{accepted['id']}/convert-to-invoice"), 409,
                    "quote_state_conflict")["details"]
    assert (details["invoice_id"], details["invoice_number"]) == \
        (invoice["id"], invoice["number"])
    assert count(api, "/invoices") == 1
    after = api.get(f"/quotes/{accepted['id']}").json
    assert (after["status"], after["invoice_id"]) == ("invoiced", invoice["id"])
    error(api.patch(f"/quotes/{accepted['id']}", json={"notes": "x"}), 409,
          "quote_state_conflict")
    error(api.post(f"/quotes/{accepted['id']}/send"), 409, "quote_state_conflict")
    assert api.get(f"/quotes/{accepted['id']}").json == after
    assert [q["id"] for q in api.get("/quotes", query_string={"status": "invoiced"})
            .json["items"]] == [accepted["id"]]


def test_two_conversions_at_once_make_one_invoice(app, org, api, customer):
    """Two integrators convert the same accepted quote at the same moment: one 201, one 409
    naming the invoice, and one invoice in billing."""
    accepted = accepted_quote(app, org, api, customer)
    barrier = threading.Barrier(2)
    responses, started, answered = [], [], []

    def convert():
        barrier.wait()
        started.append(time.monotonic())
        responses.append(api.post(f"/quotes/{accepted['id']}/convert-to-invoice"))
        answered.append(time.monotonic())

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status_code for r in responses) == [201, 409], \
        [r.get_data(as_text=True) for r in responses]
    assert max(started) < min(answered)
    won = next(r for r in responses if r.status_code == 201).json
    refused = error(next(r for r in responses if r.status_code == 409), 409,
                    "quote_state_conflict")
    assert refused["details"]["invoice_id"] == won["invoice"]["id"]
    invoices = api.get("/invoices").json
    assert [i["id"] for i in invoices["items"]] == [won["invoice"]["id"]]
    assert api.get(f"/quotes/{accepted['id']}").json["invoice_id"] == won["invoice"]["id"]


def test_comments_internal_shown_and_emailed(app, org, api, customer):
    sent = sent_quote(api, customer)
    path = f"/quotes/{sent['id']}/comments"
    internal = created(api.post(path, json={"body": "Revisar el margen"}))
    assert {k: internal[k] for k in ("author_type", "author_name", "body", "show_in_portal",
                                     "emailed", "revision")} == {
        "author_type": "staff", "author_name": "Staff", "body": "Revisar el margen",
        "show_in_portal": False, "emailed": False, "revision": 1}
    shown = created(api.post(path, json={"body": "Podemos ajustar el precio",
                                         "author_name": "Ana", "show_in_portal": True,
                                         "email_customer": True}))
    # Nobody of the customer's has viewed, decided or written yet: no one to email.
    assert (shown["author_name"], shown["show_in_portal"], shown["emailed"]) == \
        ("Ana", True, False)

    marta = Customer(app, org, customer)
    marta.view(sent["id"])
    theirs = marta.comment(sent["id"], "¿Incluye el transporte?")
    reply = created(api.post(path, json={"body": "Sí, incluido", "show_in_portal": True,
                                         "email_customer": True}))
    assert reply["emailed"] is True
    quiet = created(api.post(path, json={"body": "Visible, sin correo",
                                         "show_in_portal": True}))
    assert quiet["emailed"] is False

    listed = api.get(path)
    assert listed.status_code == 200
    everything = [internal["id"], shown["id"], theirs["id"], reply["id"], quiet["id"]]
    assert [c["id"] for c in listed.json["items"]] == everything
    assert [c["author_type"] for c in listed.json["items"]] == \
        ["staff", "staff", "customer", "staff", "staff"]
    assert listed.json["items"][2]["author_name"] == marta.name
    assert [c["id"] for c in api.get(f"/quotes/{sent['id']}").json["comments"]] == everything
    assert [c["id"] for c in marta.get(sent["id"])["comments"]] == everything[1:]

    # The reply, and only it, is emailed to Marta (notify's comment_reply, in Spanish).
    mails = _mails(api, kind="comment_reply")
    assert [(m["to"], m["language"]) for m in mails] == [(marta.contact["email"], "es")]
    assert "Sí, incluido" in mails[0]["text_body"] and sent["number"] in mails[0]["text_body"]


def _mails(api, timeout=10.0, **query):
    """The staff's view of the outgoing mail queue, once something matching is queued
    (notify handles the event a moment after the comment is written)."""
    for _ in range(int(timeout / 0.2)):
        items = api.get("/outgoing-mail", query_string=query).json["items"]
        if items:
            eventlet.sleep(0.5)  # anything queued twice would show by now
            return api.get("/outgoing-mail", query_string=query).json["items"]
        eventlet.sleep(0.2)
    return []


def test_an_idempotency_key_creates_one_quote(api, customer):
    headers = {"Idempotency-Key": "quote-import-7"}
    first = created(quote(api, customer, headers=headers))
    again = quote(api, customer, headers=headers)
    assert (again.status_code, again.json) == (201, first)
    assert count(api, "/quotes") == 1
    error(quote(api, customer, headers=headers, notes="otra"), 409, "idempotency_key_reused")
    error(quote(api, customer, headers={"Idempotency-Key": "x" * 256}), 400)
    assert count(api, "/quotes") == 1


def test_two_contacts_accept_and_decline_at_the_same_moment(app, org, api, customer):
    """Marta accepts while Jorge declines, both at once, three times over: each time exactly
    one decision stands, the other contact is told who decided what, and the API shows the
    winner's decision."""
    marta, jorge = Customer(app, org, customer, 0), Customer(app, org, customer, 1)
    decisions = {"accept": (marta, "accepted"), "decline": (jorge, "declined")}
    for _ in range(3):
        sent = sent_quote(api, customer)
        barrier = threading.Barrier(2)
        outcomes, started, answered = {}, {}, {}

        def act(name, call, quote_id=sent["id"], barrier=barrier, outcomes=outcomes):
            barrier.wait()
            started[name] = time.monotonic()
            try:
                outcomes[name] = call(quote_id)
            except Exception as exc:  # the loser's refusal, checked below
                outcomes[name] = exc
            answered[name] = time.monotonic()

        threads = [threading.Thread(target=act, args=("accept", marta.accept)),
                   threading.Thread(target=act, args=("decline", jorge.decline))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [name for name, outcome in outcomes.items()
                   if not isinstance(outcome, Exception)]
        assert len(outcomes) == 2 and len(winners) == 1, outcomes
        # Both were asked before either had its answer: the two decisions really met.
        assert max(started.values()) < min(answered.values())
        winner, loser = winners[0], ({"accept", "decline"} - set(winners)).pop()
        contact, status = decisions[winner]
        refusal = outcomes[loser]
        assert isinstance(refusal, QuoteAlreadyDecided), repr(refusal)
        assert lookup(refusal) == (409, "quote_already_decided")
        assert (refusal.details["status"], refusal.details["decided_by_name"]) == \
            (status, contact.name)
        assert outcomes[winner]["status"] == status

        stored = api.get(f"/quotes/{sent['id']}").json
        assert (stored["status"], stored["decided_by_name"],
                stored["decided_by_contact_id"]) == (status, contact.name,
                                                     contact.contact["id"])
        assert refusal.details["decided_at"] == stored["decided_at"]


def test_openapi_has_the_quotes_and_sales_orders_routes(client):
    document = client.get("/api/v1/openapi.json").json
    paths, schemas = document["paths"], document["components"]["schemas"]

    def ref(name):
        return {"$ref": f"#/components/schemas/{name}"}

    answers = {("/quotes", "post", "201"): "Quote", ("/quotes", "get", "200"): "QuotePage",
               ("/quotes/{quote_id}", "get", "200"): "QuoteDetail",
               ("/quotes/{quote_id}", "patch", "200"): "Quote",
               ("/quotes/{quote_id}/send", "post", "200"): "Quote",
               ("/quotes/{quote_id}/convert-to-invoice", "post", "201"): "QuoteConversion",
               ("/quotes/{quote_id}/comments", "post", "201"): "QuoteComment",
               ("/quotes/{quote_id}/comments", "get", "200"): "QuoteCommentList",
               ("/sales-orders", "post", "201"): "SalesOrder",
               ("/sales-orders", "get", "200"): "SalesOrderPage",
               ("/sales-orders/{sales_order_id}", "get", "200"): "SalesOrder",
               ("/sales-orders/{sales_order_id}/confirm", "post", "200"): "SalesOrder",
               ("/sales-orders/{sales_order_id}/fulfil", "post", "200"): "SalesOrder",
               ("/sales-orders/{sales_order_id}/close", "post", "200"): "SalesOrder"}
    for (path, method, status), name in answers.items():
        responses = paths[f"/api/v1{path}"][method]["responses"]
        assert responses[status]["content"]["application/json"]["schema"] == ref(name), path
        assert "404" in responses or "{" not in path, path
    bodies = {("/quotes", "post"): "QuoteBody", ("/quotes/{quote_id}", "patch"): "QuoteUpdate",
              ("/quotes/{quote_id}/comments", "post"): "QuoteCommentBody",
              ("/sales-orders", "post"): "SalesOrderBody",
              ("/sales-orders/{sales_order_id}/fulfil", "post"): "SalesOrderFulfil"}
    for (path, method), name in bodies.items():
        operation = paths[f"/api/v1{path}"][method]
        assert operation["requestBody"]["content"]["application/json"]["schema"] == \
            ref(name), path
        assert "400" in operation["responses"], path
    key = {"$ref": "#/components/parameters/IdempotencyKey"}
    for path in ("/quotes", "/sales-orders"):
        assert key in paths[f"/api/v1{path}"]["post"]["parameters"]
        assert "409" in paths[f"/api/v1{path}"]["post"]["responses"]
    assert {p["name"] for p in paths["/api/v1/quotes"]["get"]["parameters"]
            if p["in"] == "query"} == {"customer_id", "status", "sort", "page", "per_page"}

    assert {"customer_id", "date", "line_items"} <= set(schemas["QuoteBody"]["required"])
    assert schemas["QuoteBody"]["properties"]["line_items"]["items"] == ref("QuoteLineInput")
    assert "required" not in schemas["QuoteUpdate"]
    assert "customer_id" not in schemas["QuoteUpdate"]["properties"]
    assert {"body", "author_name", "show_in_portal", "email_customer"} == \
        set(schemas["QuoteCommentBody"]["properties"])
    assert {"revisions", "comments", "first_viewed_at", "revision", "decided_by_name"} <= \
        set(schemas["QuoteDetail"]["properties"])
    assert {"first_viewed_at", "invoice_id", "quote_id"} <= \
        set(schemas["SalesOrder"]["properties"])
