"""The OpenAPI document lists every route, from the same schemas the API validates with."""
import re

from gateway.errors import error_body


def _resolve(document, ref):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_is_openapi_3_and_every_route_is_in_it(app, client):
    response = client.get("/api/v1/openapi.json")  # public: no key needed
    assert response.status_code == 200
    document = response.json
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": app.config["PORTAL_BASE_URL"]}]

    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") or rule.rule in ("/healthz", "/readyz"):
            path = re.sub(r"<([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented
    assert ("/api/v1/customers/{customer_id}/portal/{contact_id}/reinvite", "post") in routes
    assert ("/api/v1/feed/{entry_id}/read", "post") in routes
    assert ("/api/v1/customers/{customer_id}/contacts/{contact_id}/reviews", "get") in routes
    assert ("/api/v1/invoices/{invoice_id}/send", "post") in routes
    assert ("/api/v1/customers/{customer_id}/statement", "get") in routes
    assert ("/api/v1/payment-gateway", "put") in routes
    assert ("/api/v1/portal-preferences", "patch") in routes
    assert ("/api/v1/quotes/{quote_id}/convert-to-invoice", "post") in routes
    assert ("/api/v1/sales-orders/{sales_order_id}/fulfil", "post") in routes
    assert ("/api/v1/time-entries/mark-billed", "post") in routes
    assert ("/api/v1/timesheet-approvals/{approval_id}/comments", "get") in routes
    assert len(routes) == 95


def test_schemas_security_and_errors(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "An organization's API key."}
    assert document["security"] == [{"bearerAuth": []}]
    schemas = document["components"]["schemas"]
    for ref in set(_refs(document)):
        assert _resolve(document, ref) is not None, ref

    create = document["paths"]["/api/v1/customers"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CustomerCreate"}
    assert "201" in create["responses"] and "400" in create["responses"]
    assert "display_name" in schemas["CustomerCreate"]["required"]
    assert schemas["CustomerCreate"]["additionalProperties"] is False
    assert "required" not in schemas["CustomerUpdate"]  # PATCH: every field optional
    contact = schemas["CustomerCreate"]["properties"]["contacts"]["items"]
    assert contact == {"$ref": "#/components/schemas/ContactInput"}

    listing = document["paths"]["/api/v1/customers"]["get"]
    assert {p["name"] for p in listing["parameters"] if p["in"] == "query"} == \
        {"q", "portal", "sort", "page", "per_page"}

    invoice_body = schemas["InvoiceBody"]
    assert {"customer_id", "date", "line_items"} <= set(invoice_body["required"])
    assert invoice_body["properties"]["line_items"]["items"] == {
        "$ref": "#/components/schemas/LineInput"}
    invoices = document["paths"]["/api/v1/invoices"]["get"]
    assert {p["name"] for p in invoices["parameters"] if p["in"] == "query"} == \
        {"customer_id", "kind", "status", "sort", "order", "page", "per_page"}

    error = schemas["Error"]
    assert error["required"] == ["error"]
    assert set(schemas["ErrorDetail"]["properties"]) == \
        set(error_body("c", "m")["error"])
    assert document["paths"]["/healthz"]["get"]["security"] == []
